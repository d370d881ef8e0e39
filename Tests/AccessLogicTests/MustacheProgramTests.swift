import XCTest

@testable import AccessFormats

/// The compiled program renders what walking the parsed node trees rendered (the renderer
/// before session 37, kept here as the reference), on random templates and data: sections,
/// inverted sections, partials with indentation and recursion, dotted names, `hasX` names,
/// raw tags on trusted and untrusted values.
final class MustacheProgramTests: XCTestCase {
    /// The tree-walking renderer the program replaced, unchanged but for its names.
    struct Reference {
        let templates: [String: MustacheTemplate]
        let rawNeedsTrustedHTML: Bool
        let listFlags: Bool

        func render(_ name: String, _ context: MustacheValue) throws(Diagnostic) -> String {
            guard let template = templates[name] else { throw Diagnostic(file: name, message: "no template named '\(name)'") }
            var out: [UInt8] = []
            var stack = [context]
            try render(template.nodes, template, &stack, indent: [], depth: 0, into: &out)
            return String(decoding: out, as: UTF8.self)
        }

        private func render(_ nodes: [MustacheTemplate.Node], _ template: MustacheTemplate, _ stack: inout [MustacheValue], indent: [UInt8], depth: Int, into out: inout [UInt8]) throws(Diagnostic) {
            for node in nodes {
                switch node {
                case .text(let text): out.append(contentsOf: text)
                case .lineStart: out.append(contentsOf: indent)
                case .variable(let path, let escaped, let tag, let location):
                    let value = lookup(path, stack)
                    if escaped {
                        HTML.escape(value.interpolated, into: &out)
                    } else if case .html(let markup) = value {
                        out.append(contentsOf: markup.utf8)
                    } else if case .markup(let bytes) = value {
                        out.append(contentsOf: bytes)
                    } else if rawNeedsTrustedHTML, case .text = value {
                        throw template.error("\(tag) would print text from the access tree without escaping; write {{\(path.isEmpty ? "." : path.joined(separator: "."))}}", at: location)
                    } else {
                        out.append(contentsOf: value.interpolated.utf8)
                    }
                case .section(let path, let inverted, let children):
                    let value = lookup(path, stack)
                    if inverted {
                        if !value.isTruthy { try render(children, template, &stack, indent: indent, depth: depth, into: &out) }
                    } else if case .list(let items) = value {
                        for item in items {
                            stack.append(item)
                            try render(children, template, &stack, indent: indent, depth: depth, into: &out)
                            stack.removeLast()
                        }
                    } else if value.isTruthy {
                        stack.append(value)
                        try render(children, template, &stack, indent: indent, depth: depth, into: &out)
                        stack.removeLast()
                    }
                case .partial(let name, let partialIndent, let location):
                    guard let partial = templates[name] else { continue }
                    guard depth < 64 else {
                        throw template.error("partials nest deeper than 64 levels: '\(name)' includes itself without end", at: location)
                    }
                    try render(partial.nodes, partial, &stack, indent: indent + partialIndent.utf8, depth: depth + 1, into: &out)
                }
            }
        }

        private func lookup(_ path: [String], _ stack: [MustacheValue]) -> MustacheValue {
            guard let first = path.first else { return stack.last ?? .null }
            var value: MustacheValue?
            for context in stack.reversed() {
                if case .object(let members) = context, let found = members[first] {
                    value = found
                    break
                }
            }
            if value == nil, listFlags, path.count == 1, first.hasPrefix("has"), first.count > 3 {
                let name = first.dropFirst(3)
                if case .list(let items) = lookup([name.prefix(1).lowercased() + name.dropFirst()], stack) { return .bool(!items.isEmpty) }
            }
            guard var current = value else { return .null }
            for key in path.dropFirst() {
                guard case .object(let members) = current, let next = members[key] else { return .null }
                current = next
            }
            return current
        }
    }

    static let names = ["a", "b", "items", "hasItems", "hasA", "hasB", "hasHasItems", "a.b", "a.items", "b.a.b", ".", "missing", "has", "Items"]

    static func source(_ r: inout SeededRandom, depth: Int, partials: [String]) -> String {
        var out = ""
        for _ in 0..<(1 + r.below(6)) {
            let name = names[r.below(names.count)]
            switch r.below(depth > 2 ? 6 : 9) {
            case 0: out += ["a", "<b>&", " ", "\n", "x y", "  ", "'\"", "é"][r.below(8)]
            case 1: out += "{{\(name)}}"
            case 2: out += "{{{\(name)}}}"
            case 3: out += "{{& \(name)}}"
            case 4: out += r.below(2) == 0 ? "{{! a comment }}" : "\n{{=<% %>=}}<%\(name)%><%={{ }}=%>\n"
            case 5:
                guard !partials.isEmpty else { continue }
                let partial = partials[r.below(partials.count)]
                // Alone on its line with indentation (a standalone partial), or inline.
                out += r.below(2) == 0 ? "\n  {{>\(partial)}}\n" : "{{> \(partial)}}"
            default:
                let sigil = r.below(3) == 0 ? "^" : "#"
                let standalone = r.below(2) == 0
                let inner = source(&r, depth: depth + 1, partials: partials)
                out += standalone ? "\n{{\(sigil)\(name)}}\n\(inner)\n{{/\(name)}}\n" : "{{\(sigil)\(name)}}\(inner){{/\(name)}}"
            }
        }
        return out
    }

    static func value(_ r: inout SeededRandom, depth: Int) -> MustacheValue {
        switch r.below(depth > 2 ? 7 : 10) {
        case 0: return .null
        case 1: return .bool(r.below(2) == 0)
        case 2: return .number([0, 1, 2.5, -3][r.below(4)])
        case 3: return .text(["", "x", "<i>&amp;</i>", "'q'", "é"][r.below(5)])
        case 4: return .html(["", "<b>ok</b>"][r.below(2)])
        case 5: return .markup(r.below(2) == 0 ? [] : Array("<i>m</i>".utf8))
        case 6: return .list([])
        case 7, 8: return .list((0..<(1 + r.below(3))).map { _ in value(&r, depth: depth + 1) })
        default:
            var object: MustacheObject = [:]
            for key in ["a", "b", "items", "hasItems", "hasA"] where r.below(2) == 0 { object[key] = value(&r, depth: depth + 1) }
            return .object(object)
        }
    }

    func testTheProgramRendersWhatTheNodeTreesRendered() throws {
        var r = SeededRandom(state: 37)
        var rendered = 0, failed = 0
        for round in 0..<600 {
            let partialNames = ["p", "q"].filter { _ in r.below(3) != 0 }
            var templates: [String: MustacheTemplate] = [:]
            var sources: [String: String] = ["page": Self.source(&r, depth: 0, partials: partialNames + ["gone"])]
            for name in partialNames { sources[name] = Self.source(&r, depth: 1, partials: partialNames) }
            for (name, source) in sources { templates[name] = try MustacheTemplate(source, file: "\(name).mustache") }
            let context = Self.value(&r, depth: 0)
            for (raw, flags) in [(true, true), (false, false), (true, false)] {
                let program = MustacheLibrary(templates: templates, rawNeedsTrustedHTML: raw, listFlags: flags)
                let reference = Reference(templates: templates, rawNeedsTrustedHTML: raw, listFlags: flags)
                let got: String, want: String
                do { got = try program.render("page", context) } catch { got = "error: " + error.rendered }
                do { want = try reference.render("page", context) } catch { want = "error: " + error.rendered }
                XCTAssertEqual(got, want, "round \(round), raw \(raw), flags \(flags)\n\(sources.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))")
                if want.hasPrefix("error: ") { failed += 1 } else if !want.isEmpty { rendered += 1 }
            }
        }
        // The random cases must reach both outcomes, not only errors or only empty pages.
        XCTAssertGreaterThan(rendered, 500)
        XCTAssertGreaterThan(failed, 50)
    }
}
