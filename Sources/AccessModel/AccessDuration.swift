import AccessFormats

/// A length of time such as `30m`, `4h`, `1d`, `1w`, `2d12h`, or `permanent`.
package struct AccessDuration: Sendable, Hashable, CustomStringConvertible {
    /// The text as written; it is part of signed specs, so it is kept exactly.
    package var text: String
    /// Length in seconds; nil for `permanent`.
    package var seconds: Int64?

    package var isPermanent: Bool { seconds == nil }
    package var description: String { text }

    /// Parses units in decreasing order (w, d, h, m), each at most once, total above zero.
    package init?(_ text: String) {
        self.text = text
        if text == "permanent" {
            seconds = nil
            return
        }
        let units: [(Character, Int64)] = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)]
        var total: Int64 = 0
        var number: Int64?
        var nextUnit = 0
        for ch in text {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                let current = number ?? 0
                guard current < 1_000_000 else { return nil }
                number = current * 10 + Int64(digit)
                continue
            }
            guard let n = number, let index = units.firstIndex(where: { $0.0 == ch }), index >= nextUnit else { return nil }
            total += n * units[index].1
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
