/// Lower-case hexadecimal, as digests are written in accessctl's files.
package enum Hex {
    /// `bytes` as lower-case hex digits.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        bytes.withContiguousStorageIfAvailable { encode(buffer: $0) } ?? encode(Array(bytes))
    }

    /// `bytes` as lower-case hex digits, written straight into the string: every audit line's
    /// hash and every logged key goes through here (a table array and a growing buffer per
    /// call were 4% of a `plan` without the cache).
    package static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { encode(buffer: $0) }
    }

    /// Contiguous bytes (an array, or a slice of one: each of the report's row digests is 32
    /// bytes of one array) as hex, without copying them first.
    private static func encode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (i, byte) in bytes.enumerated() {
                buffer[2 * i] = digit(byte >> 4)
                buffer[2 * i + 1] = digit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }

    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// The 32 bytes of a SHA-256 digest written as 64 lower-case hex digits; nil for anything
    /// else (upper case, another length), so a digest has one spelling.
    package static func digest(_ text: Substring) -> [UInt8]? {
        digest(bytes: text.utf8)
    }

    /// `digest(_:)` of text given as its UTF-8 bytes.
    package static func digest(bytes: some Collection<UInt8>) -> [UInt8]? {
        let digits = Array(bytes)
        guard digits.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    /// The value of one lower-case hex digit; nil for anything else (upper case too), so a
    /// digest or an escape has one spelling.
    static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        default: nil
        }
    }
}
