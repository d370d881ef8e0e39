/// Text for a terminal or a CI log: control characters (C0 but newline and tab, DEL, C1)
/// written as `\u001B`, so a value from a manifest cannot move the cursor, recolour the log,
/// or hide lines. The same spelling is a valid JSON escape of the same character, so JSON
/// output stays valid and means the same.
package enum TerminalText {
    /// `text` with every control character but newline and tab escaped.
    package static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: "\\u\(hex(scalar.value))".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v)
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
