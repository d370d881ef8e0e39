/// Named templates that can include one another as partials, and the renderer over them.
package struct MustacheLibrary: Sendable {
    package var templates: [String: MustacheTemplate]
    /// When set, `{{{x}}}` and `{{& x}}` print only trusted markup (`MustacheValue.html`);
    /// on any other value rendering fails, so a template cannot print manifest text unescaped.
    package var rawNeedsTrustedHTML: Bool
    /// When set, a missing name `hasX` is true when `x` is a list that is not empty, so a
    /// template can say "none" instead of printing an empty table (the report's one addition
    /// to the spec).
    package var listFlags: Bool

    package init(templates: [String: MustacheTemplate], rawNeedsTrustedHTML: Bool = true, listFlags: Bool = true) {
        self.templates = templates
        self.rawNeedsTrustedHTML = rawNeedsTrustedHTML
        self.listFlags = listFlags
    }

    /// SHA-256 of every template's name and source and of the options: two libraries with
    /// the same fingerprint render any data to the same bytes.
    package var fingerprint: [UInt8] {
        var out: [UInt8] = [rawNeedsTrustedHTML ? 1 : 0, listFlags ? 1 : 0]
        for name in templates.keys.sorted() {
            MustacheValue.append(name, to: &out)
            let source = templates[name]!.source.bytes
            MustacheValue.append(UInt64(source.count), to: &out)
            out += source
        }
        var hasher = SHA256()
        hasher.update(out)
        return hasher.finalize()
    }

    /// Partials nest at most this deep, so a template that includes itself forever fails cleanly.
    static let maximumDepth = 64

    /// Renders the template `name` with `context` as the whole context stack.
    package func render(_ name: String, _ context: MustacheValue) throws(Diagnostic) -> String {
        String(decoding: try renderBytes(name, context), as: UTF8.self)
    }

    /// `render`, as UTF-8 bytes: what the report writes to its files, without a copy.
    package func renderBytes(_ name: String, _ context: MustacheValue) throws(Diagnostic) -> [UInt8] {
        guard let template = templates[name] else {
            throw Diagnostic(file: name, message: "no template named '\(name)'")
        }
        var out: [UInt8] = []
        out.reserveCapacity(16_384)
        var stack = [context]
        try render(template.nodes, template, &stack, indent: [], depth: 0, into: &out)
        return out
    }

    private func render(_ nodes: [MustacheTemplate.Node], _ template: MustacheTemplate, _ stack: inout [MustacheValue], indent: [UInt8], depth: Int, into out: inout [UInt8]) throws(Diagnostic) {
        for node in nodes {
            switch node {
            case .text(let text): out.append(contentsOf: text)
            case .lineStart: out.append(contentsOf: indent)
            case .variable(let path, let escaped, let tag, let location):
                let value = lookup(path, stack)
                if escaped {
                    if case .text(let text) = value { HTML.escape(text, into: &out) } else { HTML.escape(value.interpolated, into: &out) }
                } else if case .html(let markup) = value {
                    out.append(contentsOf: markup.utf8)
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
                // A missing partial prints nothing, as the spec says.
                guard let partial = templates[name] else { continue }
                guard depth < Self.maximumDepth else {
                    throw template.error("partials nest deeper than \(Self.maximumDepth) levels: '\(name)' includes itself without end", at: location)
                }
                try render(partial.nodes, partial, &stack, indent: indent + partialIndent.utf8, depth: depth + 1, into: &out)
            }
        }
    }

    /// Resolves a dotted name: its first part in the nearest context that has it, the rest
    /// inside that value only.
    func lookup(_ path: [String], _ stack: [MustacheValue]) -> MustacheValue {
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
