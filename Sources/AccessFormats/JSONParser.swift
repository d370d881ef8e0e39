/// A strict RFC 8259 JSON parser that keeps positions and rejects duplicate keys.
///
/// Foundation's `JSONSerialization` keeps the last of two equal keys silently and reports
/// no line or column, so manifests are read here; tests check it agrees with Foundation.
package struct JSONParser {
    private let source: SourceText
    private var bytes: [UInt8] { source.bytes }
    private var pos = 0
    private var depth = 0

    /// Parses `text` as one JSON value.
    /// Each non-blank line of a JSON Lines text, parsed, with its 1-based line number; an
    /// error names the line it is on.
    package static func lines(_ text: String, file: String) throws(Diagnostic) -> [(line: Int, node: Node)] {
        var out: [(line: Int, node: Node)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !raw.allSatisfy(\.isWhitespace) {
            do {
                out.append((index + 1, try parse(String(raw), file: file)))
            } catch {
                var moved = error
                moved.location = SourceLocation(line: index + 1, column: error.location.column)
                throw moved
            }
        }
        return out
    }

    package static func parse(_ text: String, file: String = "<input>") throws(Diagnostic) -> Node {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses UTF-8 bytes as one JSON value.
    package static func parse(bytes: [UInt8], file: String) throws(Diagnostic) -> Node {
        var parser = JSONParser(source: SourceText(file: file, bytes: bytes))
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.pos = 3 }
        parser.skipSpace()
        let value = try parser.parseValue()
        parser.skipSpace()
        if parser.pos < parser.bytes.count {
            throw parser.fail("unexpected text after the JSON value", at: parser.pos)
        }
        return value
    }

    private init(source: SourceText) { self.source = source }

    private func fail(_ message: String, at offset: Int) -> Diagnostic {
        source.error(message, at: offset)
    }

    private mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Diagnostic) -> Node {
        guard pos < bytes.count else { throw fail("unexpected end of input; expected a value", at: pos) }
        let location = source.location(of: pos)
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return Node(.string(try parseString()), at: location, style: .quoted)
        case UInt8(ascii: "t"): try literal("true"); return Node(.bool(true), at: location)
        case UInt8(ascii: "f"): try literal("false"); return Node(.bool(false), at: location)
        case UInt8(ascii: "n"): try literal("null"); return Node(.null, at: location)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character; expected a JSON value", at: pos)
        }
    }

    private mutating func literal(_ word: String) throws(Diagnostic) {
        let w = Array(word.utf8)
        guard bytes.count - pos >= w.count, Array(bytes[pos..<pos + w.count]) == w else {
            throw fail("unexpected character; expected a JSON value", at: pos)
        }
        pos += w.count
    }

    private mutating func enter() throws(Diagnostic) {
        depth += 1
        if depth > YAMLParser.maximumDepth {
            throw fail("nesting is deeper than \(YAMLParser.maximumDepth) levels", at: pos)
        }
    }

    private mutating func parseObject() throws(Diagnostic) -> Node {
        let start = pos
        try enter()
        defer { depth -= 1 }
        pos += 1
        var entries: [Node.Entry] = []
        var seen = SeenKeys()
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return Node(.mapping([]), at: source.location(of: start))
        }
        while true {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw fail("expected a string key in double quotes", at: pos)
            }
            let keyOffset = pos
            let key = try parseString()
            let keyLocation = source.location(of: keyOffset)
            if let first = seen.duplicate(key, at: keyLocation, among: entries) {
                throw fail("duplicate key '\(key)' (first at line \(first.line), column \(first.column))", at: keyOffset)
            }
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw fail("expected ':' after the key", at: pos)
            }
            pos += 1
            skipSpace()
            entries.append(Node.Entry(key: key, keyLocation: keyLocation, value: try parseValue()))
            skipSpace()
            guard pos < bytes.count else { throw fail("unterminated object: missing '}'", at: start) }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            guard bytes[pos] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'", at: pos) }
            pos += 1
            return Node(.mapping(entries), at: source.location(of: start))
        }
    }

    private mutating func parseArray() throws(Diagnostic) -> Node {
        let start = pos
        try enter()
        defer { depth -= 1 }
        pos += 1
        var items: [Node] = []
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return Node(.sequence([]), at: source.location(of: start))
        }
        while true {
            skipSpace()
            items.append(try parseValue())
            skipSpace()
            guard pos < bytes.count else { throw fail("unterminated array: missing ']'", at: start) }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            guard bytes[pos] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'", at: pos) }
            pos += 1
            return Node(.sequence(items), at: source.location(of: start))
        }
    }

    private mutating func parseString() throws(Diagnostic) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 {
                throw fail("control characters must be escaped in JSON strings", at: pos)
            }
            if b != UInt8(ascii: "\\") {
                // The run of plain bytes up to the next quote, escape or control character,
                // copied at once: a trusted configuration holds every file as one string.
                var end = pos + 1
                while end < bytes.count, bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
                out.append(contentsOf: bytes[pos..<end])
                pos = end
                continue
            }
            let escapeStart = pos
            pos += 1
            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let c = bytes[pos]
            pos += 1
            if let byte = Self.shortEscape(c) {
                out.append(byte)
                continue
            }
            switch c {
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "u"):
                var scalar = try hex4Digits(escapeStart)
                if (0xD800...0xDBFF).contains(scalar) {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw fail("lone surrogate in \\u escape", at: escapeStart)
                    }
                    pos += 2
                    let low = try hex4Digits(escapeStart)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw fail("lone surrogate in \\u escape", at: escapeStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("lone surrogate in \\u escape", at: escapeStart)
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(scalar)!)).utf8))
            default:
                throw fail("unknown escape sequence in JSON string", at: escapeStart)
            }
        }
    }

    /// The character a one-letter escape stands for (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
    /// `\t`): the escapes canonical JSON writes. JSON also reads `\/`, which it never writes.
    static func shortEscape(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    private mutating func hex4Digits(_ escapeStart: Int) throws(Diagnostic) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count, let d = hexValue(bytes[pos]) else {
                throw fail("'\\u' needs 4 hexadecimal digits", at: escapeStart)
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    private mutating func parseNumber() throws(Diagnostic) -> Node {
        let start = pos
        func digits() -> Int {
            let s = pos
            while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
            return pos - s
        }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        let intDigits = digits()
        guard intDigits > 0 else { throw fail("invalid number", at: start) }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") {
            throw fail("invalid number: leading zeros are not allowed", at: start)
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits() > 0 else { throw fail("invalid number: digits expected after '.'", at: start) }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits() > 0 else { throw fail("invalid number: digits expected in the exponent", at: start) }
        }
        let literal = String(decoding: bytes[start..<pos], as: UTF8.self)
        guard let value = Double(literal), value.isFinite else {
            throw fail("number out of range", at: start)
        }
        return Node(.number(literal: literal, value: value), at: source.location(of: start))
    }
}
