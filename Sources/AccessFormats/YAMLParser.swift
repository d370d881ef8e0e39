import Foundation

/// A strict parser for the YAML subset of DESIGN.md section 3.
///
/// It accepts block mappings and sequences, flow sequences and mappings of scalars, plain,
/// single- and double-quoted scalars, literal and folded block scalars, comments and one
/// leading `---`. Everything else is an error with a position, never a silent misreading.
/// Every scalar is a string; an empty value is null. Each accepted input gives the same
/// data as a YAML 1.2 parser using the failsafe schema.
package struct YAMLParser {
    /// How deep collections may nest before the input is refused.
    package static let maximumDepth = 64

    let source: SourceText
    var bytes: [UInt8] { source.bytes }
    var pos = 0
    var depth = 0
    /// The content indentation of the last block scalar read (for `Node.ScalarStyle.block`).
    var lastBlockIndent = 0
    /// The line of the last position worked out, where the next search starts.
    var lineHint = 0

    /// Parses `text` as one YAML document; `file` names it in errors.
    package static func parse(_ text: String, file: String = "<input>") throws(Diagnostic) -> Node {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses UTF-8 bytes as one YAML document.
    package static func parse(bytes: [UInt8], file: String) throws(Diagnostic) -> Node {
        var parser = YAMLParser(source: SourceText(file: file, bytes: normalizeLineBreaks(bytes)))
        return try parser.parseDocument()
    }

    private init(source: SourceText) {
        self.source = source
    }

    /// CR LF and lone CR become LF, and a byte order mark is dropped; line numbers stay.
    static func normalizeLineBreaks(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // memchr: the generic `contains` walked every byte of every file one at a time.
        let hasCR = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memchr($0, Int32(Byte.cr), buffer.count) != nil } ?? false
        }
        guard hasCR else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == Byte.cr {
                out.append(Byte.lf)
                if i + 1 < bytes.count, bytes[i + 1] == Byte.lf { i += 1 }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return out
    }

    // MARK: - Characters

    func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : Byte.lf }
    func atBreak(_ i: Int) -> Bool { i >= bytes.count || bytes[i] == Byte.lf }
    func isBlank(_ b: UInt8) -> Bool { b == Byte.space || b == Byte.tab }
    func blankOrBreak(_ i: Int) -> Bool { atBreak(i) || isBlank(bytes[i]) }

    /// Skips spaces; a tab here is refused, since YAML parsers disagree about tabs as separators.
    mutating func skipSpaces() throws(Diagnostic) {
        while pos < bytes.count, isBlank(bytes[pos]) {
            if bytes[pos] == Byte.tab { throw tabError(at: pos) }
            pos += 1
        }
    }

    func tabError(at offset: Int) -> Diagnostic {
        fail("a tab is not allowed here; use spaces (tabs may appear inside quoted strings and block scalars)", at: offset)
    }

    func fail(_ message: String, at offset: Int) -> Diagnostic {
        source.error(message, at: offset)
    }

    mutating func lineStart(of offset: Int) -> Int {
        source.lineStarts[source.lineIndex(of: offset, near: &lineHint)]
    }

    /// The line and column of `offset`, searched from the last line asked about.
    mutating func locate(_ offset: Int) -> SourceLocation {
        source.location(of: offset, near: &lineHint)
    }

    // MARK: - Document

    mutating func parseDocument() throws(Diagnostic) -> Node {
        try checkCharacters()
        guard var next = try peekContentLine() else {
            return Node(.null, at: .start)
        }
        if next.marker {
            guard bytes[next.start] == Byte.dash else {
                throw fail("a document end marker '...' before any content is not supported", at: next.start)
            }
            pos = next.start + 3
            try expectLineEnd(after: "'---'")
            guard let after = try peekContentLine() else { return Node(.null, at: locate(next.start)) }
            next = after
        } else if bytes[next.start] == Byte.percent {
            throw fail("directives ('%YAML', '%TAG') are not supported", at: next.start)
        }
        let root: Node
        if next.marker {
            root = Node(.null, at: locate(next.start))
        } else {
            pos = next.start
            root = try parseBlockContent(indent: next.indent, parentIndent: -1)
        }
        if let rest = try peekContentLine() {
            if rest.marker, bytes[rest.start] == Byte.dash {
                throw fail("multiple documents are not supported: one manifest per file", at: rest.start)
            } else if rest.marker {
                throw fail("document end markers ('...') are not supported", at: rest.start)
            }
            throw fail("unexpected content: it is indented less than the block it follows", at: rest.start)
        }
        return root
    }

    /// YAML allows only printable characters; control characters are refused outright.
    func checkCharacters() throws(Diagnostic) {
        // The line table's pass noted where the first possible one is; most files have none.
        guard var i = source.firstControlCandidate else { return }
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x20, b != Byte.tab, b != Byte.lf {
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
    struct ContentLine {
        var indent: Int
        var start: Int
        /// A `---` or `...` marker at column 1.
        var marker: Bool
    }

    func peekContentLine() throws(Diagnostic) -> ContentLine? {
        var i = pos
        let n = bytes.count
        while i < n {
            let lineStart = i
            var spaces = 0
            var tabAt: Int?
            while i < n, isBlank(bytes[i]) {
                if bytes[i] == Byte.tab {
                    if tabAt == nil { tabAt = i }
                } else if tabAt == nil {
                    spaces += 1
                }
                i += 1
            }
            if i >= n { return nil }
            if bytes[i] == Byte.lf {
                i += 1
                continue
            }
            if bytes[i] == Byte.hash {
                while i < n, bytes[i] != Byte.lf { i += 1 }
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

    func isDocumentMarker(at i: Int) -> Bool {
        guard i + 2 < bytes.count else { return false }
        let b = bytes[i]
        guard b == Byte.dash || b == Byte.dot, bytes[i + 1] == b, bytes[i + 2] == b else { return false }
        return blankOrBreak(i + 3)
    }

    /// After a value: only blanks and a comment may follow on the line; moves to the next line.
    mutating func expectLineEnd(after what: String) throws(Diagnostic) {
        try skipSpaces()
        if pos < bytes.count, bytes[pos] == Byte.hash, pos > 0, isBlank(bytes[pos - 1]) || bytes[pos - 1] == Byte.lf {
            while pos < bytes.count, bytes[pos] != Byte.lf { pos += 1 }
        }
        guard atBreak(pos) else {
            if bytes[pos] == Byte.colon {
                throw fail("a list or mapping cannot be used as a key (complex keys are not supported)", at: pos)
            }
            throw fail("unexpected text after \(what); a comment needs a space before '#'", at: pos)
        }
        if pos < bytes.count { pos += 1 }
    }
}
