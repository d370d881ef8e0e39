/// HTML escaping: the one function that turns text into markup in the report.
package enum HTML {
    /// Escapes `& < > " '`, so text is safe in element content and in quoted attributes.
    package static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text`, escaped, to `out` as UTF-8.
    package static func escape(_ text: String, into out: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() {
                let entity: StaticString
                switch byte {
                case 0x26: entity = "&amp;"
                case 0x3C: entity = "&lt;"
                case 0x3E: entity = "&gt;"
                case 0x22: entity = "&quot;"
                case 0x27: entity = "&#39;"
                default: continue
                }
                // Runs without special characters are copied whole.
                out.append(contentsOf: bytes[start..<i])
                out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                start = i + 1
            }
            out.append(contentsOf: bytes[start...])
        }
    }
}
