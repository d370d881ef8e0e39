import AccessFormats

/// The rules for `metadata.name` and other ids: `[a-z0-9][a-z0-9._-]*`, at most 128 long.
package enum Identifier {
    package static let maximumLength = 128

    /// Why `text` is not a valid id, or nil if it is one.
    package static func problem(_ text: String) -> String? {
        if text.isEmpty { return "an id cannot be empty" }
        if text.utf8.count > maximumLength { return "an id may be at most \(maximumLength) characters long" }
        // Over the string's own bytes: enumerating `utf8` went through its iterator, byte by
        // byte, for every id of every manifest.
        var bytes = text
        return bytes.withUTF8 { buffer -> String? in
            for i in buffer.indices {
                let b = buffer[i]
                let lowerOrDigit = (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                if lowerOrDigit { continue }
                if i == 0 { return "an id must start with a lower-case letter or digit" }
                let punctuation = b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
                if !punctuation { return "an id may contain only lower-case letters, digits, '.', '_' and '-'" }
            }
            return nil
        }
    }

    package static func isValid(_ text: String) -> Bool { problem(text) == nil }
}
