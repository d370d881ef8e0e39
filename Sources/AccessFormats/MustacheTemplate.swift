/// One parsed Mustache template (the spec's interpolation, sections, inverted sections,
/// comments, partials and set-delimiter tags; no lambdas).
package struct MustacheTemplate: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        /// The start of a template line: where a standalone partial's indentation goes.
        case lineStart
        /// `{{x}}` (escaped) or `{{{x}}}` / `{{& x}}`; an empty path is `.`.
        case variable(path: [String], escaped: Bool, tag: String, location: SourceLocation)
        case section(path: [String], inverted: Bool, children: [Node])
        case partial(name: String, indent: String, location: SourceLocation)
    }

    /// The file name shown in errors.
    package let file: String
    let nodes: [Node]
    /// The source, for the line shown under a rendering error.
    let source: SourceText

    /// Parses `source`; errors carry `file:line:column`.
    package init(_ source: String, file: String) throws(Diagnostic) {
        self.file = file
        let text = SourceText(file: file, bytes: Array(source.utf8))
        self.source = text
        let tokens = Self.standalone(try Self.tokenize(text), text.bytes)
        nodes = try Self.tree(tokens, text)
    }

    /// A rendering error at a tag, with its source line.
    func error(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(file: file, location: location, message: message, sourceLine: source.line(location.line))
    }

    /// A tag kind; `variable` has no sigil.
    enum Kind: UInt8 {
        case variable = 0
        case section = 0x23  // #
        case inverted = 0x5E  // ^
        case close = 0x2F  // /
        case comment = 0x21  // !
        case partial = 0x3E  // >
        case ampersand = 0x26  // &
        case triple = 0x7B  // {
        case delimiters = 0x3D  // =

        /// Tags that vanish with their line when alone on it.
        var canStandAlone: Bool { self != .variable && self != .ampersand && self != .triple }
    }

    enum Token {
        /// Bytes `start..<end`; a text token holds at most one line break, at its end.
        case text(start: Int, end: Int)
        case tag(kind: Kind, content: String, start: Int, end: Int)
        case lineStart
        /// A standalone partial: the indentation in front of it.
        case indentedPartial(content: String, indent: String, start: Int)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var i = from
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0] {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let f = slice.first, isBlank(f) || f == 0x0A || f == 0x0D { slice = slice.dropFirst() }
        while let l = slice.last, isBlank(l) || l == 0x0A || l == 0x0D { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    /// Splits the source into text (cut after each line break) and tags, following
    /// set-delimiter tags as they come.
    static func tokenize(_ source: SourceText) throws(Diagnostic) -> [Token] {
        let bytes = source.bytes
        var open = Array("{{".utf8), close = Array("}}".utf8)
        var tokens: [Token] = []
        var i = 0
        func addText(_ start: Int, _ end: Int) {
            var s = start
            var k = start
            while k < end {
                if bytes[k] == 0x0A {
                    tokens.append(.text(start: s, end: k + 1))
                    s = k + 1
                }
                k += 1
            }
            if s < end { tokens.append(.text(start: s, end: end)) }
        }
        while i < bytes.count {
            guard let tagStart = find(open, in: bytes, from: i) else {
                addText(i, bytes.count)
                break
            }
            addText(i, tagStart)
            var k = tagStart + open.count
            var kind = Kind.variable
            if k < bytes.count, let sigil = Kind(rawValue: bytes[k]), sigil != .variable {
                kind = sigil
                k += 1
            }
            let closing: [UInt8]
            switch kind {
            case .triple: closing = [0x7D] + close
            case .delimiters: closing = [0x3D] + close
            default: closing = close
            }
            guard let end = find(closing, in: bytes, from: k) else {
                throw source.error("this tag is never closed: '\(String(decoding: closing, as: UTF8.self))' is missing", at: tagStart)
            }
            let content = trimmed(bytes[k..<end])
            let tagEnd = end + closing.count
            if kind == .delimiters {
                let parts = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                    throw source.error("a set-delimiter tag needs two delimiters separated by a space, like {{=<% %>=}}", at: tagStart)
                }
                open = Array(parts[0].utf8)
                close = Array(parts[1].utf8)
            } else if kind != .comment, content.isEmpty || content.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                throw source.error("a tag needs one name without spaces; found '\(content)'", at: tagStart)
            }
            tokens.append(.tag(kind: kind, content: content, start: tagStart, end: tagEnd))
            i = tagEnd
        }
        return tokens
    }

    /// Removes lines that hold only one section, inverted, closing, comment, partial or
    /// set-delimiter tag and blanks, and marks where every other line starts.
    static func standalone(_ tokens: [Token], _ bytes: [UInt8]) -> [Token] {
        func endsLine(_ token: Token) -> Bool {
            if case .text(_, let e) = token { return bytes[e - 1] == 0x0A }
            return false
        }
        func isWhitespace(_ s: Int, _ e: Int) -> Bool {
            bytes[s..<e].allSatisfy { isBlank($0) || $0 == 0x0A || $0 == 0x0D }
        }
        var out: [Token] = []
        out.reserveCapacity(tokens.count + tokens.count / 4)
        var lineStart = 0
        while lineStart < tokens.count {
            var lineEnd = lineStart
            // A line runs to a text token ending in a line break, or to the end.
            while lineEnd < tokens.count {
                lineEnd += 1
                if endsLine(tokens[lineEnd - 1]) { break }
            }
            let line = tokens[lineStart..<lineEnd]
            var tags: [Token] = []
            var blank = true
            for token in line {
                switch token {
                case .text(let s, let e): if !isWhitespace(s, e) { blank = false }
                case .tag: tags.append(token)
                default: break
                }
            }
            if blank, tags.count == 1, case .tag(let kind, let content, let start, _) = tags[0], kind.canStandAlone {
                if kind == .partial {
                    var indent = ""
                    if case .text(let s, let e)? = line.first, s < start { indent = String(decoding: bytes[s..<e], as: UTF8.self) }
                    out.append(.indentedPartial(content: content, indent: indent, start: start))
                } else {
                    out.append(tags[0])
                }
            } else {
                out.append(.lineStart)
                out.append(contentsOf: line)
            }
            lineStart = lineEnd
        }
        return out
    }

    /// Sections nest at most this deep (the report's templates use five levels).
    static let maximumNesting = 100

    /// Builds the node tree: sections hold their children; closing tags must match.
    static func tree(_ tokens: [Token], _ source: SourceText) throws(Diagnostic) -> [Node] {
        var stack: [(path: [String], name: String, inverted: Bool, start: Int, nodes: [Node])] = [([], "", false, 0, [])]
        func path(_ name: String) -> [String] { name == "." ? [] : name.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        func append(_ node: Node) {
            if case .text(let t) = node, case .text(let previous)? = stack[stack.count - 1].nodes.last {
                stack[stack.count - 1].nodes[stack[stack.count - 1].nodes.count - 1] = .text(previous + t)
            } else {
                stack[stack.count - 1].nodes.append(node)
            }
        }
        for token in tokens {
            switch token {
            case .lineStart: append(.lineStart)
            case .text(let s, let e): append(.text(Array(source.bytes[s..<e])))
            case .indentedPartial(let name, let indent, let start): append(.partial(name: name, indent: indent, location: source.location(of: start)))
            case .tag(let kind, let content, let start, _):
                switch kind {
                case .comment, .delimiters: break
                case .variable: append(.variable(path: path(content), escaped: true, tag: "{{\(content)}}", location: source.location(of: start)))
                case .triple, .ampersand: append(.variable(path: path(content), escaped: false, tag: kind == .triple ? "{{{\(content)}}}" : "{{& \(content)}}", location: source.location(of: start)))
                case .partial: append(.partial(name: content, indent: "", location: source.location(of: start)))
                case .section, .inverted:
                    // Compiling and rendering recurse once per level: a template nested
                    // without end would overflow the stack instead of failing here.
                    guard stack.count <= maximumNesting else {
                        throw source.error("sections nest deeper than \(maximumNesting) levels", at: start)
                    }
                    stack.append((path(content), content, kind == .inverted, start, []))
                case .close:
                    let open = stack[stack.count - 1]
                    guard stack.count > 1, open.name == content else {
                        let expected = stack.count > 1 ? "'{{/\(open.name)}}' (the section opened at \(source.location(of: open.start)))" : "no closing tag here"
                        throw source.error("'{{/\(content)}}' closes a section that is not open; expected \(expected)", at: start)
                    }
                    stack.removeLast()
                    append(.section(path: open.path, inverted: open.inverted, children: open.nodes))
                }
            }
        }
        if stack.count > 1, let open = stack.last {
            throw source.error("section '\(open.name)' is never closed: '{{/\(open.name)}}' is missing", at: open.start)
        }
        return stack[0].nodes
    }
}
