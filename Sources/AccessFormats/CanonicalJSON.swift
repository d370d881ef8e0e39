/// JSON text output: RFC 8785 (JCS) canonical bytes, and pretty output for people.
package enum CanonicalJSON {
    /// The RFC 8785 canonical form: no white space, members sorted by UTF-16 code units,
    /// ECMAScript number formatting, minimal string escapes.
    package static func encode(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out, indent: nil, sortKeys: true, level: 0)
        return out
    }

    /// Indented JSON (two spaces) with a final newline; members sorted or in source order.
    package static func pretty(_ value: JSONValue, sortKeys: Bool) -> String {
        var out = ""
        write(value, to: &out, indent: "  ", sortKeys: sortKeys, level: 0)
        return out + "\n"
    }

    /// Orders keys by their UTF-16 code units, as RFC 8785 section 3.2.3 requires.
    package static func utf16Less(_ a: String, _ b: String) -> Bool {
        // Up to the first byte that differs the strings are the same text; when both of those
        // bytes are ASCII they order the same in UTF-16. Only other cases walk UTF-16 (every
        // key accessctl writes is ASCII, and a spec digest sorts keys for each request).
        var x = a.utf8.makeIterator(), y = b.utf8.makeIterator()
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let p?, let q?):
                guard p != q else { continue }
                return p < 0x80 && q < 0x80 ? p < q : a.utf16.lexicographicallyPrecedes(b.utf16)
            }
        }
    }

    private static func write(_ value: JSONValue, to out: inout String, indent: String?, sortKeys: Bool, level: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += formatNumber(d)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                write(item, to: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            let ordered = sortKeys ? members.sorted { utf16Less($0.0, $1.0) } : members
            out += "{"
            for (i, (key, member)) in ordered.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                writeString(key, to: &out)
                out += indent == nil ? ":" : ": "
                write(member, to: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n"
        out += String(repeating: indent, count: level)
    }

    /// `s` as a JSON string literal, which is also a YAML double-quoted scalar with the same value.
    package static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, to: &out)
        return out
    }

    /// Escapes only what RFC 8785 section 3.2.2.2 requires.
    package static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Most strings need no escape at all: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{09}": out += "\\t"
            case "\u{0A}": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\u{0D}": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + hex2(UInt8(scalar.value)).lowercased()
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// ECMAScript `Number.prototype.toString` for a finite double (RFC 8785 section 3.2.2.3).
    package static func formatNumber(_ d: Double) -> String {
        precondition(d.isFinite, "canonical JSON has no NaN or infinity")
        if d == 0 { return "0" }
        if d < 0 { return "-" + formatNumber(-d) }
        // Swift prints the shortest digits that round-trip; take them and the exponent apart.
        let (digits, exponent) = shortestDigits(d)
        let k = digits.count
        let n = exponent  // value = 0.digits × 10^n
        if k <= n, n <= 21 {
            return digits + String(repeating: "0", count: n - k)
        }
        if 0 < n, n <= 21 {
            let i = digits.index(digits.startIndex, offsetBy: n)
            return digits[..<i] + "." + digits[i...]
        }
        if -6 < n, n <= 0 {
            return "0." + String(repeating: "0", count: -n) + digits
        }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let mantissa = k == 1 ? digits : String(digits.first!) + "." + digits.dropFirst()
        return mantissa + "e" + sign + String(abs(e))
    }

    /// The shortest round-trip decimal digits of a positive double and its exponent `n`,
    /// such that the value is `0.d1d2d3… × 10^n`.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = "\(d)"  // for example "1.2345e-07", "123.0", "5e+22"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var all = Array(intPart + fracPart)
        var pointPosition = intPart.count + exponent
        while let first = all.first, first == "0", all.count > 1 {
            all.removeFirst()
            pointPosition -= 1
        }
        while let last = all.last, last == "0", all.count > 1 { all.removeLast() }
        return (String(all), pointPosition)
    }
}
