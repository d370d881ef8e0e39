/// JSON text output: RFC 8785 (JCS) canonical bytes, and pretty output for people.
package enum CanonicalJSON {
    /// The RFC 8785 canonical form: no white space, members sorted by UTF-16 code units,
    /// ECMAScript number formatting, minimal string escapes.
    package static func encode(_ value: JSONValue) -> String {
        String(decoding: encodeBytes(value), as: UTF8.self)
    }

    /// The canonical form as UTF-8 bytes, what is hashed and signed. Written as bytes, not
    /// through `String` appends: every audit event and every request's spec digest goes
    /// through here.
    package static func encodeBytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out, indent: nil, sortKeys: true, level: 0)
        return out
    }

    /// `encodeBytes(.object(members))`, and where the first member named `key` lies in it,
    /// with the comma that joins it to a neighbour: the bytes without that range are the
    /// encoding of the object without the member (the members keep their order). An audit
    /// line and the text its hash is taken over are so one encoding, not two.
    package static func encodeBytes(members: [(String, JSONValue)], markingMember key: String) -> (bytes: [UInt8], member: Range<Int>?) {
        guard !members.isEmpty else { return ([0x7B, 0x7D], nil) }
        let ordered = members.sorted { utf16Less($0.0, $1.0) }
        var out: [UInt8] = [0x7B]
        var range: Range<Int>?
        for (i, (name, member)) in ordered.enumerated() {
            let start = out.count
            if i > 0 { out.append(0x2C) }
            writeString(name, to: &out)
            out.append(0x3A)
            write(member, to: &out, indent: nil, sortKeys: true, level: 1)
            if range == nil, name.exactlyEquals(key) {
                // The first member takes the comma after it, any other the comma before it.
                range = i > 0 ? start..<out.count : start..<(out.count + (ordered.count > 1 ? 1 : 0))
            }
        }
        out.append(0x7D)
        return (out, range)
    }

    /// Indented JSON (two spaces) with a final newline; members sorted or in source order.
    package static func pretty(_ value: JSONValue, sortKeys: Bool) -> String {
        var out: [UInt8] = []
        write(value, to: &out, indent: "  ", sortKeys: sortKeys, level: 0)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
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

    private static func write(_ value: JSONValue, to out: inout [UInt8], indent: String?, sortKeys: Bool, level: Int) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += b ? Array("true".utf8) : Array("false".utf8)
        case .number(let d): out += formatNumber(d).utf8
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty {
                out += [0x5B, 0x5D]
                return
            }
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(&out, indent, level + 1)
                write(item, to: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(0x5D)
        case .object(let members):
            if members.isEmpty {
                out += [0x7B, 0x7D]
                return
            }
            let ordered = sortKeys ? members.sorted { utf16Less($0.0, $1.0) } : members
            out.append(0x7B)
            for (i, (key, member)) in ordered.enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(&out, indent, level + 1)
                writeString(key, to: &out)
                if indent == nil { out.append(0x3A) } else { out += [0x3A, 0x20] }
                write(member, to: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(0x7D)
        }
    }

    private static func newline(_ out: inout [UInt8], _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        for _ in 0..<level { out += indent.utf8 }
    }

    /// `s` as a JSON string literal, which is also a YAML double-quoted scalar with the same value.
    package static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, to: &out)
        return out
    }

    /// Escapes only what RFC 8785 section 3.2.2.2 requires.
    package static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Escapes only what RFC 8785 section 3.2.2.2 requires, appending UTF-8 bytes.
    package static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape at all: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += s.utf8
            out.append(0x22)
            return
        }
        // Escapes are ASCII and every other byte is copied: walking bytes keeps the text's
        // UTF-8 as it is.
        for byte in s.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, 0x62]
            case 0x09: out += [0x5C, 0x74]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0C: out += [0x5C, 0x66]
            case 0x0D: out += [0x5C, 0x72]
            case ..<0x20: out += Array("\\u00".utf8) + Array(hex2(byte).lowercased().utf8)
            default: out.append(byte)
            }
        }
        out.append(0x22)
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
