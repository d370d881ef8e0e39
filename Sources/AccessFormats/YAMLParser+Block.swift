// Block mappings and sequences: indentation decides where each ends.
extension YAMLParser {
    // MARK: - Block structure

    /// A value that starts on a following line, more indented than `parentIndent`.
    /// Under a mapping key, a list may sit at the key's own indentation.
    mutating func parseBlockValue(
        parentIndent: Int, valueOffset: Int, allowIndentlessList: Bool
    ) throws(Diagnostic) -> Node {
        guard let next = try peekContentLine(), !next.marker else {
            return Node(.null, at: locate(valueOffset))
        }
        if next.indent > parentIndent {
            pos = next.start
            return try parseBlockContent(indent: next.indent, parentIndent: parentIndent)
        }
        if allowIndentlessList, next.indent == parentIndent, isListEntry(at: next.start) {
            pos = next.start
            return try parseBlockSequence(indent: next.indent)
        }
        return Node(.null, at: locate(valueOffset))
    }

    func isListEntry(at i: Int) -> Bool {
        byte(i) == Byte.dash && blankOrBreak(i + 1)
    }

    /// Content at `pos`, which is at column `indent`: a list, a mapping or a scalar.
    mutating func parseBlockContent(indent: Int, parentIndent: Int) throws(Diagnostic) -> Node {
        if isListEntry(at: pos) {
            return try parseBlockSequence(indent: indent)
        }
        if byte(pos) == Byte.question, blankOrBreak(pos + 1) {
            throw fail("complex keys ('? ') are not supported", at: pos)
        }
        if isMappingKeyAhead() {
            return try parseBlockMapping(indent: indent)
        }
        return try parseInlineValue(parentIndent: parentIndent)
    }

    mutating func enter(at offset: Int) throws(Diagnostic) {
        depth += 1
        if depth > Self.maximumDepth {
            throw fail("nesting is deeper than \(Self.maximumDepth) levels", at: offset)
        }
    }

    mutating func parseBlockSequence(indent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = locate(start)
        try enter(at: start)
        defer { depth -= 1 }
        var items: [Node] = []
        while true {
            let dashOffset = pos
            pos += 1
            try skipSpaces()
            if atBreak(pos) || (bytes[pos] == Byte.hash && pos > dashOffset + 1) {
                try expectLineEnd(after: "'-'")
                items.append(
                    try parseBlockValue(parentIndent: indent, valueOffset: dashOffset + 1, allowIndentlessList: false))
            } else {
                let column = pos - lineStart(of: pos)
                items.append(try parseBlockContent(indent: column, parentIndent: indent))
            }
            guard let next = try peekContentLine(), !next.marker, next.indent >= indent else { break }
            if next.indent > indent {
                throw fail("unexpected indentation; expected a list entry '- ' at column \(indent + 1)", at: next.start)
            }
            guard isListEntry(at: next.start) else { break }
            pos = next.start
        }
        return Node(.sequence(items), at: location)
    }

    mutating func parseBlockMapping(indent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = locate(start)
        try enter(at: start)
        defer { depth -= 1 }
        var entries: [Node.Entry] = []
        var seen = SeenKeys()
        while true {
            let keyOffset = pos
            let key = try parseImplicitKey()
            let keyLocation = locate(keyOffset)
            if let first = seen.duplicate(key, at: keyLocation, among: entries) {
                throw fail("duplicate key '\(key)' (first at line \(first.line), column \(first.column))", at: keyOffset)
            }
            let valueOffset = pos
            try skipSpaces()
            let value: Node
            if atBreak(pos) || bytes[pos] == Byte.hash {
                try expectLineEnd(after: "':'")
                value = try parseBlockValue(parentIndent: indent, valueOffset: valueOffset, allowIndentlessList: true)
            } else {
                if isListEntry(at: pos) {
                    throw fail("a list cannot start on the same line as its key; put '- ' entries on the lines below", at: pos)
                }
                if isMappingKeyAhead(), !isQuote(byte(pos)) {
                    throw fail("a mapping cannot start on the same line as its key; quote the value if it contains ': '", at: pos)
                }
                value = try parseInlineValue(parentIndent: indent)
            }
            entries.append(Node.Entry(key: key, keyLocation: keyLocation, value: value))
            guard let next = try peekContentLine(), !next.marker, next.indent >= indent else { break }
            if next.indent > indent {
                throw fail("unexpected indentation; expected a key at column \(indent + 1)", at: next.start)
            }
            pos = next.start
            if isListEntry(at: pos) {
                throw fail("a list entry here needs a key; expected 'key: value' at column \(indent + 1)", at: pos)
            }
            guard isMappingKeyAhead() else {
                throw fail("expected 'key: value' at column \(indent + 1)", at: pos)
            }
        }
        return Node(.mapping(entries), at: location)
    }

    func isQuote(_ b: UInt8) -> Bool { b == Byte.dquote || b == Byte.squote }

    /// Whether the line from `pos` is `key: ...` (with a plain or single-line quoted key).
    func isMappingKeyAhead() -> Bool {
        var j = pos
        let first = byte(j)
        if first == Byte.dquote || first == Byte.squote {
            j += 1
            while !atBreak(j) {
                if first == Byte.dquote, bytes[j] == Byte.backslash {
                    j += 2
                    continue
                }
                if bytes[j] == first {
                    if first == Byte.squote, byte(j + 1) == Byte.squote {
                        j += 2
                        continue
                    }
                    break
                }
                j += 1
            }
            if atBreak(j) { return false }
            j += 1
            while !atBreak(j), isBlank(bytes[j]) { j += 1 }
            return byte(j) == Byte.colon && blankOrBreak(j + 1)
        }
        if first == Byte.lbracket || first == Byte.lbrace { return false }
        while !atBreak(j) {
            let b = bytes[j]
            if b == Byte.colon, blankOrBreak(j + 1) { return true }
            if b == Byte.hash, j > pos, isBlank(bytes[j - 1]) { return false }
            j += 1
        }
        return false
    }

    /// A key at `pos` followed by `:`; leaves `pos` after the colon.
    mutating func parseImplicitKey() throws(Diagnostic) -> String {
        let start = pos
        let first = bytes[pos]
        if first == Byte.dquote || first == Byte.squote {
            let key = try parseQuoted(parentIndent: Int.max)
            try skipSpaces()
            pos += 1  // the colon, which isMappingKeyAhead found
            return key
        }
        try checkPlainStart(at: pos, flow: false)
        var end = pos
        while !(bytes[end] == Byte.colon && blankOrBreak(end + 1)) {
            if bytes[end] == Byte.tab { throw tabError(at: end) }
            end += 1
        }
        pos = end + 1
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        let key = String(decoding: bytes[start..<end], as: UTF8.self)
        if key == "<<" {
            throw fail("merge keys ('<<') are not supported", at: start)
        }
        if end - start > 1024 {
            throw fail("a key may be at most 1024 characters long", at: start)
        }
        return key
    }
}
