import AccessFormats

/// The rules for `metadata.name` and other ids: `[a-z0-9][a-z0-9._-]*`, at most 128 long.
package enum Identifier {
    package static let maximumLength = 128

    /// Why `text` is not a valid id, or nil if it is one.
    package static func problem(_ text: String) -> String? {
        if text.isEmpty { return "an id cannot be empty" }
        if text.utf8.count > maximumLength { return "an id may be at most \(maximumLength) characters long" }
        for (i, b) in text.utf8.enumerated() {
            let lowerOrDigit = (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            let punctuation = b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            if i == 0, !lowerOrDigit { return "an id must start with a lower-case letter or digit" }
            if !lowerOrDigit, !punctuation {
                return "an id may contain only lower-case letters, digits, '.', '_' and '-'"
            }
        }
        return nil
    }

    package static func isValid(_ text: String) -> Bool { problem(text) == nil }
}
