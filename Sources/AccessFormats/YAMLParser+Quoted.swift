// Single- and double-quoted scalars with every YAML escape.
extension YAMLParser {
    /// A single- or double-quoted scalar at `pos`. Continuation lines must be indented more
    /// than `parentIndent`; `Int.max` means the scalar must end on its first line (a key).
    mutating func parseQuoted(parentIndent: Int) throws(Diagnostic) -> String {
        let quote = bytes[pos]
        let start = pos
        pos += 1
        var out: [UInt8] = []
        var trailingBlanks = 0
        while true {
            guard pos < bytes.count else {
                throw fail("unterminated \(quote == Byte.dquote ? "double" : "single")-quoted string", at: start)
            }
            let b = bytes[pos]
            if b == quote {
                if quote == Byte.squote, byte(pos + 1) == Byte.squote {
                    out.append(Byte.squote)
                    trailingBlanks = 0
                    pos += 2
                    continue
                }
                pos += 1
                break
            }
            if b == Byte.lf {
                if parentIndent == Int.max {
                    throw fail("a quoted key must end on the line where it starts", at: start)
                }
                out.removeLast(trailingBlanks)
                trailingBlanks = 0
                let blankLines = try skipToContinuation(parentIndent: parentIndent, quoteStart: start)
                if blankLines == 0 {
                    out.append(Byte.space)
                } else {
                    out.append(contentsOf: repeatElement(Byte.lf, count: blankLines))
                }
                continue
            }
            if quote == Byte.dquote, b == Byte.backslash {
                if byte(pos + 1) == Byte.lf, pos + 1 < bytes.count {
                    // An escaped line break joins the lines without a space.
                    pos += 1
                    trailingBlanks = 0
                    let blankLines = try skipToContinuation(parentIndent: parentIndent, quoteStart: start)
                    out.append(contentsOf: repeatElement(Byte.lf, count: blankLines))
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
    mutating func skipToContinuation(parentIndent: Int, quoteStart: Int) throws(Diagnostic) -> Int {
        var blankLines = 0
        pos += 1
        while true {
            let lineStart = pos
            while pos < bytes.count, isBlank(bytes[pos]) { pos += 1 }
            guard pos < bytes.count else {
                throw fail("unterminated quoted string", at: quoteStart)
            }
            if bytes[pos] == Byte.lf {
                blankLines += 1
                pos += 1
                continue
            }
            if let tabAt = bytes[lineStart..<pos].firstIndex(of: Byte.tab) {
                throw tabError(at: tabAt)
            }
            if pos - lineStart <= parentIndent || (pos == lineStart && isDocumentMarker(at: pos)) {
                throw fail("a continuation line of a quoted string must be indented more than its key", at: pos)
            }
            return blankLines
        }
    }

    mutating func appendEscape(to out: inout [UInt8]) throws(Diagnostic) {
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
        case UInt8(ascii: "t"), Byte.tab: simple = 9
        case UInt8(ascii: "n"): simple = 10
        case UInt8(ascii: "v"): simple = 11
        case UInt8(ascii: "f"): simple = 12
        case UInt8(ascii: "r"): simple = 13
        case UInt8(ascii: "e"): simple = 0x1B
        case Byte.space: simple = 0x20
        case Byte.dquote: simple = 0x22
        case Byte.slash: simple = 0x2F
        case Byte.backslash: simple = 0x5C
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
}
