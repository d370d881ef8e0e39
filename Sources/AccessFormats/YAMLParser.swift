/// A strict parser for the YAML subset of DESIGN.md section 3.
///
/// It accepts block mappings and sequences, flow sequences and mappings of scalars, plain,
/// single- and double-quoted scalars, literal and folded block scalars, comments and one
/// leading `---`. Everything else is an error with a position, never a silent misreading.
/// Every scalar is a string; an empty value is null. Each accepted input gives the same
/// data as a YAML 1.2 parser using the failsafe schema.
public struct YAMLParser {
    /// How deep collections may nest before the input is refused.
    public static let maximumDepth = 64

    private let source: SourceText
    private var bytes: [UInt8] { source.bytes }
    private var pos = 0
    private var depth = 0

    /// Parses `text` as one YAML document; `file` names it in errors.
    public static func parse(_ text: String, file: String = "<input>") throws(Diagnostic) -> Node {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses UTF-8 bytes as one YAML document.
    public static func parse(bytes: [UInt8], file: String) throws(Diagnostic) -> Node {
        var parser = YAMLParser(source: SourceText(file: file, bytes: normalizeLineBreaks(bytes)))
        return try parser.parseDocument()
    }

    private init(source: SourceText) {
        self.source = source
    }

    /// CR LF and lone CR become LF, and a byte order mark is dropped; line numbers stay.
    private static func normalizeLineBreaks(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.contains(UInt8(ascii: "\r")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == cr {
                out.append(lf)
                if i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }

    // MARK: - Characters

    private func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : lf }
    private func atBreak(_ i: Int) -> Bool { i >= bytes.count || bytes[i] == lf }
    private func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }
    private func blankOrBreak(_ i: Int) -> Bool { atBreak(i) || isBlank(bytes[i]) }

    /// Skips spaces; a tab here is refused, since YAML parsers disagree about tabs as separators.
    private mutating func skipSpaces() throws(Diagnostic) {
        while pos < bytes.count, isBlank(bytes[pos]) {
            if bytes[pos] == tab { throw tabError(at: pos) }
            pos += 1
        }
    }

    private func tabError(at offset: Int) -> Diagnostic {
        fail("a tab is not allowed here; use spaces (tabs may appear inside quoted strings and block scalars)", at: offset)
    }

    private func fail(_ message: String, at offset: Int) -> Diagnostic {
        source.error(message, at: offset)
    }

    private func lineStart(of offset: Int) -> Int {
        source.lineStarts[source.lineIndex(of: offset)]
    }

    // MARK: - Document

    private mutating func parseDocument() throws(Diagnostic) -> Node {
        try checkCharacters()
        guard var next = try peekContentLine() else {
            return Node(.null, at: .start)
        }
        if next.marker {
            guard bytes[next.start] == dash else {
                throw fail("a document end marker '...' before any content is not supported", at: next.start)
            }
            pos = next.start + 3
            try expectLineEnd(after: "'---'")
            guard let after = try peekContentLine() else { return Node(.null, at: source.location(of: next.start)) }
            next = after
        } else if bytes[next.start] == percent {
            throw fail("directives ('%YAML', '%TAG') are not supported", at: next.start)
        }
        let root: Node
        if next.marker {
            root = Node(.null, at: source.location(of: next.start))
        } else {
            pos = next.start
            root = try parseBlockContent(indent: next.indent, parentIndent: -1)
        }
        if let rest = try peekContentLine() {
            if rest.marker, bytes[rest.start] == dash {
                throw fail("multiple documents are not supported: one manifest per file", at: rest.start)
            } else if rest.marker {
                throw fail("document end markers ('...') are not supported", at: rest.start)
            }
            throw fail("unexpected content: it is indented less than the block it follows", at: rest.start)
        }
        return root
    }

    /// YAML allows only printable characters; control characters are refused outright.
    private func checkCharacters() throws(Diagnostic) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x20, b != tab, b != lf {
                throw fail("control character U+\(hex4(UInt32(b))) is not allowed in YAML", at: i)
            }
            if b == 0x7F {
                throw fail("control character U+007F is not allowed in YAML", at: i)
            }
            if b == 0xC2, i + 1 < n, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F, bytes[i + 1] != 0x85 {
                throw fail("control character U+00\(hex2(bytes[i + 1])) is not allowed in YAML", at: i)
            }
            i += 1
        }
    }

    /// The next line that holds content, skipping blank and comment-only lines.
    private struct ContentLine {
        var indent: Int
        var start: Int
        /// A `---` or `...` marker at column 1.
        var marker: Bool
    }

    private func peekContentLine() throws(Diagnostic) -> ContentLine? {
        var i = pos
        let n = bytes.count
        while i < n {
            let lineStart = i
            var spaces = 0
            var tabAt: Int?
            while i < n, isBlank(bytes[i]) {
                if bytes[i] == tab {
                    if tabAt == nil { tabAt = i }
                } else if tabAt == nil {
                    spaces += 1
                }
                i += 1
            }
            if i >= n { return nil }
            if bytes[i] == lf {
                i += 1
                continue
            }
            if bytes[i] == hash {
                while i < n, bytes[i] != lf { i += 1 }
                i += 1
                continue
            }
            if let tabAt {
                throw fail("a tab is used for indentation; indent with spaces", at: tabAt)
            }
            if i == lineStart, isDocumentMarker(at: i) {
                return ContentLine(indent: -1, start: i, marker: true)
            }
            return ContentLine(indent: spaces, start: i, marker: false)
        }
        return nil
    }

    private func isDocumentMarker(at i: Int) -> Bool {
        guard i + 2 < bytes.count else { return false }
        let b = bytes[i]
        guard b == dash || b == dot, bytes[i + 1] == b, bytes[i + 2] == b else { return false }
        return blankOrBreak(i + 3)
    }

    /// After a value: only blanks and a comment may follow on the line; moves to the next line.
    private mutating func expectLineEnd(after what: String) throws(Diagnostic) {
        try skipSpaces()
        if pos < bytes.count, bytes[pos] == hash, pos > 0, isBlank(bytes[pos - 1]) || bytes[pos - 1] == lf {
            while pos < bytes.count, bytes[pos] != lf { pos += 1 }
        }
        guard atBreak(pos) else {
            if bytes[pos] == colon {
                throw fail("a list or mapping cannot be used as a key (complex keys are not supported)", at: pos)
            }
            throw fail("unexpected text after \(what); a comment needs a space before '#'", at: pos)
        }
        if pos < bytes.count { pos += 1 }
    }

    // MARK: - Block structure

    /// A value that starts on a following line, more indented than `parentIndent`.
    /// Under a mapping key, a list may sit at the key's own indentation.
    private mutating func parseBlockValue(
        parentIndent: Int, valueOffset: Int, allowIndentlessList: Bool
    ) throws(Diagnostic) -> Node {
        guard let next = try peekContentLine(), !next.marker else {
            return Node(.null, at: source.location(of: valueOffset))
        }
        if next.indent > parentIndent {
            pos = next.start
            return try parseBlockContent(indent: next.indent, parentIndent: parentIndent)
        }
        if allowIndentlessList, next.indent == parentIndent, isListEntry(at: next.start) {
            pos = next.start
            return try parseBlockSequence(indent: next.indent)
        }
        return Node(.null, at: source.location(of: valueOffset))
    }

    private func isListEntry(at i: Int) -> Bool {
        byte(i) == dash && blankOrBreak(i + 1)
    }

    /// Content at `pos`, which is at column `indent`: a list, a mapping or a scalar.
    private mutating func parseBlockContent(indent: Int, parentIndent: Int) throws(Diagnostic) -> Node {
        if isListEntry(at: pos) {
            return try parseBlockSequence(indent: indent)
        }
        if byte(pos) == question, blankOrBreak(pos + 1) {
            throw fail("complex keys ('? ') are not supported", at: pos)
        }
        if isMappingKeyAhead() {
            return try parseBlockMapping(indent: indent)
        }
        return try parseInlineValue(parentIndent: parentIndent)
    }

    private mutating func enter(at offset: Int) throws(Diagnostic) {
        depth += 1
        if depth > Self.maximumDepth {
            throw fail("nesting is deeper than \(Self.maximumDepth) levels", at: offset)
        }
    }

    private mutating func parseBlockSequence(indent: Int) throws(Diagnostic) -> Node {
        let start = pos
        try enter(at: start)
        defer { depth -= 1 }
        var items: [Node] = []
        while true {
            let dashOffset = pos
            pos += 1
            try skipSpaces()
            if atBreak(pos) || (bytes[pos] == hash && pos > dashOffset + 1) {
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
        return Node(.sequence(items), at: source.location(of: start))
    }

    private mutating func parseBlockMapping(indent: Int) throws(Diagnostic) -> Node {
        let start = pos
        try enter(at: start)
        defer { depth -= 1 }
        var entries: [Node.Entry] = []
        var seen: [String: SourceLocation] = [:]
        while true {
            let keyOffset = pos
            let key = try parseImplicitKey()
            let keyLocation = source.location(of: keyOffset)
            if let first = seen[key] {
                throw fail("duplicate key '\(key)' (first at line \(first.line), column \(first.column))", at: keyOffset)
            }
            seen[key] = keyLocation
            let valueOffset = pos
            try skipSpaces()
            let value: Node
            if atBreak(pos) || bytes[pos] == hash {
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
        return Node(.mapping(entries), at: source.location(of: start))
    }

    private func isQuote(_ b: UInt8) -> Bool { b == dquote || b == squote }

    /// Whether the line from `pos` is `key: ...` (with a plain or single-line quoted key).
    private func isMappingKeyAhead() -> Bool {
        var j = pos
        let first = byte(j)
        if first == dquote || first == squote {
            j += 1
            while !atBreak(j) {
                if first == dquote, bytes[j] == backslash {
                    j += 2
                    continue
                }
                if bytes[j] == first {
                    if first == squote, byte(j + 1) == squote {
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
            return byte(j) == colon && blankOrBreak(j + 1)
        }
        if first == lbracket || first == lbrace { return false }
        while !atBreak(j) {
            let b = bytes[j]
            if b == colon, blankOrBreak(j + 1) { return true }
            if b == hash, j > pos, isBlank(bytes[j - 1]) { return false }
            j += 1
        }
        return false
    }

    /// A key at `pos` followed by `:`; leaves `pos` after the colon.
    private mutating func parseImplicitKey() throws(Diagnostic) -> String {
        let start = pos
        let first = bytes[pos]
        if first == dquote || first == squote {
            let key = try parseQuoted(parentIndent: Int.max)
            try skipSpaces()
            pos += 1  // the colon, which isMappingKeyAhead found
            return key
        }
        try checkPlainStart(at: pos, flow: false)
        var end = pos
        while !(bytes[end] == colon && blankOrBreak(end + 1)) {
            if bytes[end] == tab { throw tabError(at: end) }
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

    // MARK: - Scalars and flow collections

    /// A value that starts at `pos` on the current line; consumes through its last line.
    private mutating func parseInlineValue(parentIndent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = source.location(of: start)
        switch bytes[pos] {
        case pipe, greater:
            return Node(.string(try parseBlockScalar(parentIndent: parentIndent)), at: location)
        case dquote, squote:
            let text = try parseQuoted(parentIndent: parentIndent)
            var after = pos
            while after < bytes.count, bytes[after] == space { after += 1 }
            if byte(after) == colon, source.lineIndex(of: start) != source.lineIndex(of: after) {
                throw fail("a quoted key must end on the line where it starts", at: start)
            }
            try expectLineEnd(after: "the quoted string")
            return Node(.string(text), at: location)
        case lbracket, lbrace:
            let node = try parseFlowCollection(parentIndent: parentIndent)
            try expectLineEnd(after: "the closing '\(bytes[start] == lbracket ? "]" : "}")'")
            return node
        default:
            try checkPlainStart(at: pos, flow: false)
            return Node(.string(try parsePlainBlock(parentIndent: parentIndent)), at: location)
        }
    }

    /// Refuses the indicators that cannot begin a plain scalar, with a reason for each.
    private func checkPlainStart(at i: Int, flow: Bool) throws(Diagnostic) {
        let b = bytes[i]
        switch b {
        case ampersand: throw fail("anchors ('&') are not supported", at: i)
        case star: throw fail("aliases ('*') are not supported", at: i)
        case bang: throw fail("tags ('!') are not supported", at: i)
        case at, backtick:
            throw fail("'\(Character(UnicodeScalar(b)))' is reserved in YAML and cannot start a plain value; quote it", at: i)
        case percent: throw fail("'%' cannot start a plain value; quote it", at: i)
        case hash:
            // Only reached where no blank precedes it (else it starts a comment), e.g. `[a,#x]`.
            throw fail("'#' cannot start a plain value, and without a space before it, it does not start a comment; quote the value, or put a space before the comment", at: i)
        case comma, rbracket, rbrace:
            throw fail("unexpected '\(Character(UnicodeScalar(b)))'", at: i)
        case pipe, greater:
            throw fail("a block scalar ('|' or '>') is not allowed here", at: i)
        case lbracket, lbrace:
            throw fail("nested flow collections are not supported; only scalars may stand inside '[ ]' and '{ }'", at: i)
        case question, colon, dash:
            let next = i + 1
            if blankOrBreak(next) || (flow && isFlowIndicator(byte(next))) {
                if b == question { throw fail("complex keys ('? ') are not supported", at: i) }
                if b == dash { throw fail("a list entry '- ' is not allowed here", at: i) }
                throw fail("a value cannot start with ':'; quote it", at: i)
            }
        default: break
        }
    }

    private func isFlowIndicator(_ b: UInt8) -> Bool {
        b == comma || b == lbracket || b == rbracket || b == lbrace || b == rbrace
    }

    /// A plain scalar in block context, continued on lines indented more than `parentIndent`.
    private mutating func parsePlainBlock(parentIndent: Int) throws(Diagnostic) -> String {
        var (text, comment) = try plainLine()
        while true {
            // Look past blank lines for a continuation line.
            var i = pos
            var blankLines = 0
            var found: Int?
            while i < bytes.count {
                let lineStart = i
                var spaces = 0
                while i < bytes.count, bytes[i] == space {
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
                if bytes[j] == hash || spaces <= parentIndent || (spaces == 0 && isDocumentMarker(at: lineStart)) {
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
    private mutating func plainLine() throws(Diagnostic) -> (text: String, comment: Int?) {
        let start = pos
        var end = pos
        var comment: Int?
        while !atBreak(pos) {
            let b = bytes[pos]
            if b == colon, blankOrBreak(pos + 1) {
                throw fail("': ' is not allowed in a plain value; quote the value, or check the indentation if this line starts a new key", at: pos)
            }
            if b == hash, pos > start, isBlank(bytes[pos - 1]) {
                comment = pos
                break
            }
            if b == tab { throw tabError(at: pos) }
            pos += 1
            if !isBlank(b) { end = pos }
        }
        while !atBreak(pos) { pos += 1 }
        if pos < bytes.count { pos += 1 }
        return (String(decoding: bytes[start..<end], as: UTF8.self), comment)
    }

    /// A single- or double-quoted scalar at `pos`. Continuation lines must be indented more
    /// than `parentIndent`; `Int.max` means the scalar must end on its first line (a key).
    private mutating func parseQuoted(parentIndent: Int) throws(Diagnostic) -> String {
        let quote = bytes[pos]
        let start = pos
        pos += 1
        var out: [UInt8] = []
        var trailingBlanks = 0
        while true {
            guard pos < bytes.count else {
                throw fail("unterminated \(quote == dquote ? "double" : "single")-quoted string", at: start)
            }
            let b = bytes[pos]
            if b == quote {
                if quote == squote, byte(pos + 1) == squote {
                    out.append(squote)
                    trailingBlanks = 0
                    pos += 2
                    continue
                }
                pos += 1
                break
            }
            if b == lf {
                if parentIndent == Int.max {
                    throw fail("a quoted key must end on the line where it starts", at: start)
                }
                out.removeLast(trailingBlanks)
                trailingBlanks = 0
                let blankLines = try skipToContinuation(parentIndent: parentIndent, quoteStart: start)
                if blankLines == 0 {
                    out.append(space)
                } else {
                    out.append(contentsOf: repeatElement(lf, count: blankLines))
                }
                continue
            }
            if quote == dquote, b == backslash {
                if byte(pos + 1) == lf, pos + 1 < bytes.count {
                    // An escaped line break joins the lines without a space.
                    pos += 1
                    trailingBlanks = 0
                    let blankLines = try skipToContinuation(parentIndent: parentIndent, quoteStart: start)
                    out.append(contentsOf: repeatElement(lf, count: blankLines))
                    continue
                }
                try appendEscape(to: &out)
                trailingBlanks = 0
                continue
            }
            out.append(b)
            trailingBlanks = isBlank(b) ? trailingBlanks + 1 : 0
            pos += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// From a line break inside a quoted scalar to the next line's first character;
    /// returns how many blank lines were passed.
    private mutating func skipToContinuation(parentIndent: Int, quoteStart: Int) throws(Diagnostic) -> Int {
        var blankLines = 0
        pos += 1
        while true {
            let lineStart = pos
            while pos < bytes.count, isBlank(bytes[pos]) { pos += 1 }
            guard pos < bytes.count else {
                throw fail("unterminated quoted string", at: quoteStart)
            }
            if bytes[pos] == lf {
                blankLines += 1
                pos += 1
                continue
            }
            if let tabAt = bytes[lineStart..<pos].firstIndex(of: tab) {
                throw tabError(at: tabAt)
            }
            if pos - lineStart <= parentIndent || (pos == lineStart && isDocumentMarker(at: pos)) {
                throw fail("a continuation line of a quoted string must be indented more than its key", at: pos)
            }
            return blankLines
        }
    }

    private mutating func appendEscape(to out: inout [UInt8]) throws(Diagnostic) {
        let start = pos
        pos += 1
        guard pos < bytes.count else { throw fail("unterminated escape sequence", at: start) }
        let c = bytes[pos]
        pos += 1
        let simple: UInt32?
        switch c {
        case UInt8(ascii: "0"): simple = 0
        case UInt8(ascii: "a"): simple = 7
        case UInt8(ascii: "b"): simple = 8
        case UInt8(ascii: "t"), tab: simple = 9
        case UInt8(ascii: "n"): simple = 10
        case UInt8(ascii: "v"): simple = 11
        case UInt8(ascii: "f"): simple = 12
        case UInt8(ascii: "r"): simple = 13
        case UInt8(ascii: "e"): simple = 0x1B
        case space: simple = 0x20
        case dquote: simple = 0x22
        case slash: simple = 0x2F
        case backslash: simple = 0x5C
        case UInt8(ascii: "N"): simple = 0x85
        case UInt8(ascii: "_"): simple = 0xA0
        case UInt8(ascii: "L"): simple = 0x2028
        case UInt8(ascii: "P"): simple = 0x2029
        default: simple = nil
        }
        var scalar: UInt32
        if let simple {
            scalar = simple
        } else {
            let digits: Int
            switch c {
            case UInt8(ascii: "x"): digits = 2
            case UInt8(ascii: "u"): digits = 4
            case UInt8(ascii: "U"): digits = 8
            default:
                throw fail("unknown escape sequence '\\\(String(decoding: [c], as: UTF8.self))'", at: start)
            }
            scalar = 0
            for _ in 0..<digits {
                guard pos < bytes.count, let v = hexValue(bytes[pos]) else {
                    throw fail("'\\\(Character(UnicodeScalar(c)))' needs \(digits) hexadecimal digits", at: start)
                }
                scalar = scalar * 16 + v
                pos += 1
            }
        }
        guard let unicode = UnicodeScalar(scalar) else {
            throw fail("escape sequence does not name a Unicode scalar (surrogates are not allowed)", at: start)
        }
        out.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    /// `|` or `>` with optional indentation and chomping indicators, then the indented lines.
    private mutating func parseBlockScalar(parentIndent: Int) throws(Diagnostic) -> String {
        let literal = bytes[pos] == pipe
        pos += 1
        var explicitIndent: Int?
        var chomp: UInt8?
        for _ in 0..<2 {
            let b = byte(pos)
            if b >= UInt8(ascii: "1"), b <= UInt8(ascii: "9"), explicitIndent == nil {
                explicitIndent = Int(b - UInt8(ascii: "0"))
                pos += 1
            } else if b == plus || b == dash, chomp == nil {
                chomp = b
                pos += 1
            }
        }
        if !blankOrBreak(pos) {
            throw fail("invalid block scalar header: expected an indentation digit 1-9, '-' or '+'", at: pos)
        }
        try expectLineEnd(after: "the block scalar header")
        let minimumIndent = max(parentIndent + 1, 1)
        var contentIndent: Int
        if let explicitIndent {
            contentIndent = minimumIndent + explicitIndent - 1
        } else {
            // The first non-empty line sets the indentation; blank lines above may not exceed it.
            var i = pos
            var longestBlank = 0
            var longestBlankAt = pos
            contentIndent = minimumIndent
            while i < bytes.count {
                var spaces = 0
                let lineStart = i
                while i < bytes.count, bytes[i] == space {
                    spaces += 1
                    i += 1
                }
                if atBreak(i) {
                    if spaces > longestBlank {
                        longestBlank = spaces
                        longestBlankAt = lineStart
                    }
                    i += 1
                    continue
                }
                contentIndent = max(spaces, minimumIndent)
                if spaces >= minimumIndent, longestBlank > spaces {
                    throw fail("a blank line at the start of a block scalar has more spaces than its first line", at: longestBlankAt)
                }
                break
            }
            if i >= bytes.count { contentIndent = max(longestBlank, minimumIndent) }
        }
        // Collect lines: nil is an empty line, otherwise the text after the indentation.
        var lines: [ArraySlice<UInt8>?] = []
        while pos < bytes.count {
            let lineStart = pos
            var spaces = 0
            while lineStart + spaces < bytes.count, bytes[lineStart + spaces] == space { spaces += 1 }
            var end = lineStart + spaces
            while end < bytes.count, bytes[end] != lf { end += 1 }
            let onlySpaces = lineStart + spaces == end
            if !onlySpaces, spaces < contentIndent {
                // A tab where the indentation is: YAML 1.2 refuses it, a guess would differ.
                if bytes[lineStart + spaces] == tab, bytes[(lineStart + spaces)..<end].allSatisfy(isBlank) {
                    throw fail("a tab cannot indent a line of a block scalar; use spaces, or remove the tab", at: lineStart + spaces)
                }
                break
            }
            // A last line of only spaces without a line break: YAML tools read it differently.
            if onlySpaces, spaces > 0, end >= bytes.count {
                throw fail("the block scalar ends with a line of only spaces and no line break; remove the spaces or end the line", at: lineStart)
            }
            if onlySpaces, spaces <= contentIndent {
                lines.append(nil)
            } else {
                lines.append(bytes[(lineStart + contentIndent)..<end])
            }
            pos = min(end + 1, bytes.count)
        }
        // A last line without a line break still ends the scalar; split off trailing empties.
        var lastContent = lines.count - 1
        while lastContent >= 0, lines[lastContent] == nil { lastContent -= 1 }
        let trailingEmpty = lines.count - 1 - lastContent
        var out: [UInt8] = []
        if lastContent >= 0 {
            var previous: ArraySlice<UInt8>?
            var emptyRun = 0
            for index in 0...lastContent {
                guard let line = lines[index] else {
                    emptyRun += 1
                    continue
                }
                if let prev = previous {
                    let bothFolded = !literal && !isBlank(prev.first!) && !isBlank(line.first!)
                    if bothFolded {
                        if emptyRun == 0 { out.append(space) } else { out.append(contentsOf: repeatElement(lf, count: emptyRun)) }
                    } else {
                        out.append(contentsOf: repeatElement(lf, count: emptyRun + 1))
                    }
                } else {
                    out.append(contentsOf: repeatElement(lf, count: emptyRun))
                }
                out.append(contentsOf: line)
                previous = line
                emptyRun = 0
            }
        }
        let lastLineHasBreak = !(pos >= bytes.count && bytes.last != lf)
        switch chomp {
        case dash:
            break
        case plus:
            if lastContent >= 0 {
                out.append(contentsOf: repeatElement(lf, count: (lastLineHasBreak ? 1 : 0) + trailingEmpty))
            } else {
                out.append(contentsOf: repeatElement(lf, count: trailingEmpty))
            }
        default:
            if lastContent >= 0, lastLineHasBreak || trailingEmpty > 0 { out.append(lf) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `[a, b]` or `{k: v}` holding scalars only; may span lines indented more than the parent.
    private mutating func parseFlowCollection(parentIndent: Int) throws(Diagnostic) -> Node {
        let start = pos
        try enter(at: start)
        defer { depth -= 1 }
        let isMapping = bytes[pos] == lbrace
        let close = isMapping ? rbrace : rbracket
        let closeName = isMapping ? "'}'" : "']'"
        pos += 1
        var items: [Node] = []
        var entries: [Node.Entry] = []
        var seen: [String: SourceLocation] = [:]
        var expectSeparator = false
        while true {
            try skipFlowSpace(parentIndent: parentIndent, collectionStart: start)
            let b = bytes[pos]
            if b == close {
                pos += 1
                break
            }
            if expectSeparator {
                guard b == comma else { throw fail("expected ',' or \(closeName)", at: pos) }
                pos += 1
                expectSeparator = false
                continue
            }
            if b == comma { throw fail("empty entry in a flow collection", at: pos) }
            let itemStart = pos
            let item = try parseFlowScalar(parentIndent: parentIndent)
            try skipFlowSpace(parentIndent: parentIndent, collectionStart: start)
            if isMapping {
                guard bytes[pos] == colon else {
                    throw fail("expected ':' after the key; a flow mapping holds 'key: value' pairs", at: pos)
                }
                pos += 1
                guard case .string(let key) = item.value else { preconditionFailure() }
                if key == "<<", bytes[itemStart] != dquote, bytes[itemStart] != squote {
                    throw fail("merge keys ('<<') are not supported", at: itemStart)
                }
                if let first = seen[key] {
                    throw fail("duplicate key '\(key)' (first at line \(first.line), column \(first.column))", at: itemStart)
                }
                seen[key] = item.location
                try skipFlowSpace(parentIndent: parentIndent, collectionStart: start)
                if bytes[pos] == comma || bytes[pos] == close {
                    throw fail("missing value after ':'; write '' for an empty string", at: pos)
                }
                let value = try parseFlowScalar(parentIndent: parentIndent)
                entries.append(Node.Entry(key: key, keyLocation: item.location, value: value))
            } else {
                if bytes[pos] == colon {
                    throw fail("'key: value' inside a flow list is not supported; use a flow mapping '{ }'", at: pos)
                }
                items.append(item)
            }
            expectSeparator = true
        }
        let location = source.location(of: start)
        return isMapping ? Node(.mapping(entries), at: location) : Node(.sequence(items), at: location)
    }

    /// Spaces, line breaks and comments inside a flow collection.
    private mutating func skipFlowSpace(parentIndent: Int, collectionStart: Int) throws(Diagnostic) {
        var lineBegin: Int?
        while true {
            guard pos < bytes.count else {
                throw fail("unterminated flow collection: missing '\(bytes[collectionStart] == lbrace ? "}" : "]")'", at: collectionStart)
            }
            let b = bytes[pos]
            if b == tab {
                throw tabError(at: pos)
            } else if b == space {
                pos += 1
            } else if b == lf {
                pos += 1
                lineBegin = pos
            } else if b == hash, pos == 0 || isBlank(bytes[pos - 1]) || bytes[pos - 1] == lf {
                while pos < bytes.count, bytes[pos] != lf { pos += 1 }
            } else {
                if let lineBegin {
                    if pos - lineBegin <= parentIndent || (pos == lineBegin && isDocumentMarker(at: pos)) {
                        throw fail("a continued flow collection must be indented more than its key", at: pos)
                    }
                }
                return
            }
        }
    }

    /// A scalar inside a flow collection: quoted, or plain up to `,` `]` `}` `: ` or a comment.
    private mutating func parseFlowScalar(parentIndent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = source.location(of: start)
        if isQuote(bytes[pos]) {
            return Node(.string(try parseQuoted(parentIndent: parentIndent)), at: location)
        }
        try checkPlainStart(at: pos, flow: true)
        var end = pos
        while !atBreak(pos) {
            let b = bytes[pos]
            if isFlowIndicator(b) { break }
            if b == colon, blankOrBreak(pos + 1) || isFlowIndicator(byte(pos + 1)) { break }
            if b == hash, isBlank(bytes[pos - 1]) { break }
            if b == tab { throw tabError(at: pos) }
            pos += 1
            if !isBlank(b) { end = pos }
        }
        pos = end
        return Node(.string(String(decoding: bytes[start..<end], as: UTF8.self)), at: location)
    }
}

private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
private let tab = UInt8(ascii: "\t")
private let space = UInt8(ascii: " ")
private let dash = UInt8(ascii: "-")
private let dot = UInt8(ascii: ".")
private let plus = UInt8(ascii: "+")
private let hash = UInt8(ascii: "#")
private let colon = UInt8(ascii: ":")
private let comma = UInt8(ascii: ",")
private let question = UInt8(ascii: "?")
private let percent = UInt8(ascii: "%")
private let ampersand = UInt8(ascii: "&")
private let star = UInt8(ascii: "*")
private let bang = UInt8(ascii: "!")
private let at = UInt8(ascii: "@")
private let backtick = UInt8(ascii: "`")
private let pipe = UInt8(ascii: "|")
private let greater = UInt8(ascii: ">")
private let dquote = UInt8(ascii: "\"")
private let squote = UInt8(ascii: "'")
private let backslash = UInt8(ascii: "\\")
private let slash = UInt8(ascii: "/")
private let lbracket = UInt8(ascii: "[")
private let rbracket = UInt8(ascii: "]")
private let lbrace = UInt8(ascii: "{")
private let rbrace = UInt8(ascii: "}")

func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
    default: nil
    }
}

func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

func hex4(_ v: UInt32) -> String {
    hex2(UInt8((v >> 8) & 0xFF)) + hex2(UInt8(v & 0xFF))
}
