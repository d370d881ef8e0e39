// Values on a line, and plain scalars in block context.
extension YAMLParser {
    // MARK: - Scalars and flow collections

    /// A value that starts at `pos` on the current line; consumes through its last line.
    mutating func parseInlineValue(parentIndent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = locate(start)
        switch bytes[pos] {
        case Byte.pipe, Byte.greater:
            let text = try parseBlockScalar(parentIndent: parentIndent)
            return Node(.string(text), at: location, style: .block(firstLine: location.line + 1, indent: lastBlockIndent))
        case Byte.dquote, Byte.squote:
            let text = try parseQuoted(parentIndent: parentIndent)
            var after = pos
            while after < bytes.count, bytes[after] == Byte.space { after += 1 }
            if byte(after) == Byte.colon, location.line != locate(after).line {
                throw fail("a quoted key must end on the line where it starts", at: start)
            }
            try expectLineEnd(after: "the quoted string")
            return Node(.string(text), at: location, style: .quoted)
        case Byte.lbracket, Byte.lbrace:
            let node = try parseFlowCollection(parentIndent: parentIndent)
            try expectLineEnd(after: "the closing '\(bytes[start] == Byte.lbracket ? "]" : "}")'")
            return node
        default:
            try checkPlainStart(at: pos, flow: false)
            return Node(.string(try parsePlainBlock(parentIndent: parentIndent)), at: location)
        }
    }

    /// Refuses the indicators that cannot begin a plain scalar, with a reason for each.
    func checkPlainStart(at i: Int, flow: Bool) throws(Diagnostic) {
        let b = bytes[i]
        switch b {
        case Byte.ampersand: throw fail("anchors ('&') are not supported", at: i)
        case Byte.star: throw fail("aliases ('*') are not supported", at: i)
        case Byte.bang: throw fail("tags ('!') are not supported", at: i)
        case Byte.at, Byte.backtick:
            throw fail("'\(Character(UnicodeScalar(b)))' is reserved in YAML and cannot start a plain value; quote it", at: i)
        case Byte.percent: throw fail("'%' cannot start a plain value; quote it", at: i)
        case Byte.hash:
            // Only reached where no blank precedes it (else it starts a comment), e.g. `[a,#x]`.
            throw fail("'#' cannot start a plain value, and without a space before it, it does not start a comment; quote the value, or put a space before the comment", at: i)
        case Byte.comma, Byte.rbracket, Byte.rbrace:
            throw fail("unexpected '\(Character(UnicodeScalar(b)))'", at: i)
        case Byte.pipe, Byte.greater:
            throw fail("a block scalar ('|' or '>') is not allowed here", at: i)
        case Byte.lbracket, Byte.lbrace:
            throw fail("nested flow collections are not supported; only scalars may stand inside '[ ]' and '{ }'", at: i)
        case Byte.question, Byte.colon, Byte.dash:
            let next = i + 1
            if blankOrBreak(next) || (flow && isFlowIndicator(byte(next))) {
                if b == Byte.question { throw fail("complex keys ('? ') are not supported", at: i) }
                if b == Byte.dash { throw fail("a list entry '- ' is not allowed here", at: i) }
                throw fail("a value cannot start with ':'; quote it", at: i)
            }
        default: break
        }
    }

    func isFlowIndicator(_ b: UInt8) -> Bool {
        b == Byte.comma || b == Byte.lbracket || b == Byte.rbracket || b == Byte.lbrace || b == Byte.rbrace
    }

    /// A plain scalar in block context, continued on lines indented more than `parentIndent`.
    mutating func parsePlainBlock(parentIndent: Int) throws(Diagnostic) -> String {
        var (text, comment) = try plainLine()
        while true {
            // Look past blank lines for a continuation line.
            var i = pos
            var blankLines = 0
            var found: Int?
            while i < bytes.count {
                let lineStart = i
                var spaces = 0
                while i < bytes.count, bytes[i] == Byte.space {
                    spaces += 1
                    i += 1
                }
                var j = i
                while j < bytes.count, isBlank(bytes[j]) { j += 1 }
                if atBreak(j) {
                    if j >= bytes.count { break }
                    blankLines += 1
                    i = j + 1
                    continue
                }
                if bytes[j] == Byte.hash || spaces <= parentIndent || (spaces == 0 && isDocumentMarker(at: lineStart)) {
                    break
                }
                if j != i { throw tabError(at: i) }
                found = j
                break
            }
            guard let found else { return text }
            // YAML 1.2 ends a plain value at a comment; a line after it cannot continue the
            // value, and reading it as part of the value would differ from other YAML tools.
            if let comment {
                throw fail("a comment (line \(source.lineIndex(of: comment) + 1)) ended the plain value above, so this line cannot continue it; quote the value, or move the comment", at: found)
            }
            pos = found
            let (more, moreComment) = try plainLine()
            text += blankLines == 0 ? " " + more : String(repeating: "\n", count: blankLines) + more
            comment = moreComment
        }
    }

    /// One line of a block plain scalar from `pos`, trimmed, and where a comment ended it;
    /// moves to the next line.
    mutating func plainLine() throws(Diagnostic) -> (text: String, comment: Int?) {
        let start = pos
        var end = pos
        var comment: Int?
        while !atBreak(pos) {
            let b = bytes[pos]
            if b == Byte.colon, blankOrBreak(pos + 1) {
                throw fail("': ' is not allowed in a plain value; quote the value, or check the indentation if this line starts a new key", at: pos)
            }
            if b == Byte.hash, pos > start, isBlank(bytes[pos - 1]) {
                comment = pos
                break
            }
            if b == Byte.tab { throw tabError(at: pos) }
            pos += 1
            if !isBlank(b) { end = pos }
        }
        while !atBreak(pos) { pos += 1 }
        if pos < bytes.count { pos += 1 }
        return (String(decoding: bytes[start..<end], as: UTF8.self), comment)
    }
}
