/// A library's templates compiled once for rendering: one flat list of operations, all text
/// in one byte buffer, partials resolved to where their operations start, and each name's
/// parts (and the list a `hasX` name stands for) worked out ahead. Walking the parsed node
/// trees copied every node (a retain and a release per node per page) and looked up each
/// partial by name; in `perf` of a fresh full report rendering was the largest part.
struct MustacheProgram: Sendable {
    enum Code: UInt8, Sendable {
        /// Bytes `a..<b` of `text`.
        case text
        /// The start of a template line: the current indentation.
        case lineStart
        /// Name `a`, escaped; `b` is its site.
        case escaped
        /// Name `a`, printed as is (trusted markup only, when asked); `b` is its site.
        case raw
        /// Name `a`; its children are the operations up to `b`.
        case section
        /// Name `a`, rendered when false; its children are the operations up to `b`.
        case inverted
        /// Template `a` with indentation `b` added; `c` is its site.
        case partial
    }

    /// Operands are `Int`, not narrower: templates are read up to 4 MiB each, in any number.
    struct Op: Sendable {
        var code: Code
        var a: Int
        var b: Int
        var c: Int = 0
    }

    /// A dotted name as a lookup needs it.
    struct Name: Sendable {
        /// The first part; nil for `.`.
        let first: String?
        let rest: [String]
        /// For a one-part name `hasX` (when list flags are on): the name `x`, whose list
        /// answers when no context has `hasX`; -1 otherwise.
        let flag: Int
    }

    /// Where a tag is, for the error it may raise while rendering.
    struct Site: Sendable {
        let template: Int
        let tag: String
        /// The name as written, `.` for the current context.
        let dotted: String
        let location: SourceLocation
    }

    private(set) var ops: [Op] = []
    private(set) var text: [UInt8] = []
    private(set) var names: [Name] = []
    private(set) var sites: [Site] = []
    private(set) var indents: [[UInt8]] = []
    /// Each template's operations, by the template's index.
    private(set) var bodies: [Range<Int>] = []
    private(set) var sources: [MustacheTemplate] = []
    /// A template's index by its name.
    private(set) var index: [String: Int] = [:]

    init(_ templates: [String: MustacheTemplate], listFlags: Bool) {
        // Sorted, so the program does not depend on the dictionary's order.
        let named = templates.sorted { $0.key < $1.key }
        for (i, entry) in named.enumerated() {
            index[entry.key] = i
            sources.append(entry.value)
        }
        // Each distinct name once, by its parts.
        var known: [[String]: Int] = [:]
        for i in sources.indices {
            let start = ops.count
            compile(sources[i].nodes, template: i, listFlags: listFlags, known: &known)
            bodies.append(start..<ops.count)
        }
    }

    private mutating func compile(_ nodes: [MustacheTemplate.Node], template: Int, listFlags: Bool, known: inout [[String]: Int]) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                ops.append(Op(code: .text, a: text.count, b: text.count + bytes.count))
                text += bytes
            case .lineStart:
                ops.append(Op(code: .lineStart, a: 0, b: 0))
            case .variable(let path, let escaped, let tag, let location):
                let name = intern(path, listFlags: listFlags, known: &known)
                sites.append(Site(template: template, tag: tag, dotted: path.isEmpty ? "." : path.joined(separator: "."), location: location))
                ops.append(Op(code: escaped ? .escaped : .raw, a: name, b: sites.count - 1))
            case .section(let path, let inverted, let children):
                let name = intern(path, listFlags: listFlags, known: &known)
                let at = ops.count
                ops.append(Op(code: inverted ? .inverted : .section, a: name, b: 0))
                compile(children, template: template, listFlags: listFlags, known: &known)
                ops[at].b = ops.count
            case .partial(let name, let indent, let location):
                // A missing partial prints nothing, as the spec says.
                guard let target = index[name] else { continue }
                sites.append(Site(template: template, tag: name, dotted: name, location: location))
                indents.append(Array(indent.utf8))
                ops.append(Op(code: .partial, a: target, b: indents.count - 1, c: sites.count - 1))
            }
        }
    }

    /// The index of `path`'s name, added once per distinct name.
    private mutating func intern(_ path: [String], listFlags: Bool, known: inout [[String]: Int]) -> Int {
        if let index = known[path] { return index }
        var flag = -1
        if listFlags, path.count == 1, let first = path.first, first.hasPrefix("has"), first.count > 3 {
            let rest = first.dropFirst(3)
            flag = intern([rest.prefix(1).lowercased() + rest.dropFirst()], listFlags: listFlags, known: &known)
        }
        names.append(Name(first: path.first, rest: Array(path.dropFirst()), flag: flag))
        known[path] = names.count - 1
        return names.count - 1
    }

    /// Partials nest at most this deep, so a template that includes itself forever fails cleanly.
    static let maximumDepth = 64

    /// Renders template `template` with `context` as the whole context stack.
    func render(_ template: Int, _ context: MustacheValue, rawNeedsTrustedHTML: Bool) throws(Diagnostic) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16_384)
        var stack = [context]
        try run(bodies[template], &stack, indent: [], depth: 0, rawNeedsTrustedHTML: rawNeedsTrustedHTML, into: &out)
        return out
    }

    private func run(_ range: Range<Int>, _ stack: inout [MustacheValue], indent: [UInt8], depth: Int, rawNeedsTrustedHTML: Bool, into out: inout [UInt8]) throws(Diagnostic) {
        var i = range.lowerBound
        while i < range.upperBound {
            let op = ops[i]
            i += 1
            switch op.code {
            case .text:
                text.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[op.a..<op.b])) }
            case .lineStart:
                out.append(contentsOf: indent)
            case .escaped:
                switch lookup(op.a, stack) {
                case .text(let text): HTML.escape(text, into: &out)
                case let value: HTML.escape(value.interpolated, into: &out)
                }
            case .raw:
                let value = lookup(op.a, stack)
                if case .html(let markup) = value {
                    out.append(contentsOf: markup.utf8)
                } else if case .markup(let bytes) = value {
                    out.append(contentsOf: bytes)
                } else if rawNeedsTrustedHTML, case .text = value {
                    let site = sites[op.b]
                    throw sources[site.template].error("\(site.tag) would print text from the access tree without escaping; write {{\(site.dotted)}}", at: site.location)
                } else {
                    out.append(contentsOf: value.interpolated.utf8)
                }
            case .inverted:
                let end = op.b
                if !lookup(op.a, stack).isTruthy { try run(i..<end, &stack, indent: indent, depth: depth, rawNeedsTrustedHTML: rawNeedsTrustedHTML, into: &out) }
                i = end
            case .section:
                let end = op.b
                let value = lookup(op.a, stack)
                if case .list(let items) = value {
                    for k in items.indices {
                        stack.append(items[k])
                        try run(i..<end, &stack, indent: indent, depth: depth, rawNeedsTrustedHTML: rawNeedsTrustedHTML, into: &out)
                        stack.removeLast()
                    }
                } else if value.isTruthy {
                    stack.append(value)
                    try run(i..<end, &stack, indent: indent, depth: depth, rawNeedsTrustedHTML: rawNeedsTrustedHTML, into: &out)
                    stack.removeLast()
                }
                i = end
            case .partial:
                guard depth < Self.maximumDepth else {
                    let site = sites[op.c]
                    throw sources[site.template].error("partials nest deeper than \(Self.maximumDepth) levels: '\(site.tag)' includes itself without end", at: site.location)
                }
                let added = indents[op.b]
                try run(bodies[op.a], &stack, indent: added.isEmpty ? indent : indent + added, depth: depth + 1, rawNeedsTrustedHTML: rawNeedsTrustedHTML, into: &out)
            }
        }
    }

    /// Resolves name `n`: its first part in the nearest context that has it, the rest inside
    /// that value only.
    func lookup(_ n: Int, _ stack: [MustacheValue]) -> MustacheValue {
        let name = names[n]
        guard let first = name.first else { return stack.last ?? .null }
        var k = stack.count - 1
        while k >= 0 {
            if case .object(let members) = stack[k], let found = members[first] {
                var current = found
                for key in name.rest {
                    guard case .object(let members) = current, let next = members[key] else { return .null }
                    current = next
                }
                return current
            }
            k -= 1
        }
        if name.flag >= 0, case .list(let items) = lookup(name.flag, stack) { return .bool(!items.isEmpty) }
        return .null
    }
}
