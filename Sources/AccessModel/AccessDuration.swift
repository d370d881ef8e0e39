import AccessFormats

/// A length of time such as `30m`, `4h`, `1d`, `1w`, `2d12h`, or `permanent`.
package struct AccessDuration: Sendable, Hashable, CustomStringConvertible {
    /// The text as written; it is part of signed specs, so it is kept exactly.
    package var text: String
    /// Length in seconds; nil for `permanent`.
    package var seconds: Int64?

    package var isPermanent: Bool { seconds == nil }
    package var description: String { text }

    /// Seconds in a week, day, hour and minute: the units in the order they must be written.
    private static let unitSeconds: [Int64] = [604_800, 86_400, 3_600, 60]

    /// Parses units in decreasing order (w, d, h, m), each at most once, total above zero.
    package init?(_ text: String) {
        self.text = text
        if text == "permanent" {
            seconds = nil
            return
        }
        // Bytes, not characters: every request has a duration, and anything outside ASCII
        // digits and the four units is refused either way.
        var total: Int64 = 0
        var number: Int64?
        var nextUnit = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let current = number ?? 0
                guard current < 1_000_000 else { return nil }
                number = current * 10 + Int64(byte - UInt8(ascii: "0"))
                continue
            }
            let index: Int
            switch byte {
            case UInt8(ascii: "w"): index = 0
            case UInt8(ascii: "d"): index = 1
            case UInt8(ascii: "h"): index = 2
            case UInt8(ascii: "m"): index = 3
            default: return nil
            }
            guard let n = number, index >= nextUnit else { return nil }
            total += n * Self.unitSeconds[index]
            number = nil
            nextUnit = index + 1
        }
        guard number == nil, total > 0 else { return nil }
        seconds = total
    }

    /// Renders seconds in the largest units, for example `1d4h`.
    package static func format(seconds: Int64) -> String {
        var rest = seconds
        var out = ""
        for (unit, size) in [("w", Int64(604_800)), ("d", 86_400), ("h", 3_600), ("m", 60)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 || out.isEmpty { out += "\(rest)s" }
        return out
    }
}
