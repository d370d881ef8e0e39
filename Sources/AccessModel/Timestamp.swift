import AccessFormats

/// A point in time with one-second precision, written as RFC 3339 in UTC: `2026-11-22T09:00:00Z`.
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    package var seconds: Int64

    package init(seconds: Int64) { self.seconds = seconds }

    package static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    /// The time `duration` later.
    package func adding(_ seconds: Int64) -> Timestamp { Timestamp(seconds: self.seconds + seconds) }

    /// Parses the one form accessctl writes, `YYYY-MM-DDTHH:MM:SSZ`, so each instant has one spelling.
    package init?(rfc3339 text: String) {
        // Read where the bytes lie (every request has times; an array per time showed in profiles).
        var text = text
        guard let seconds = text.withUTF8({ Timestamp.seconds(rfc3339: $0) }) else { return nil }
        self.seconds = seconds
    }

    private static func seconds(rfc3339 b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    package var description: String {
        let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let rest = Int(seconds - Int64(days) * 86400)
        let (y, m, d) = Timestamp.civilFromDays(days)
        if (0...9999).contains(y) {
            // The common case in bytes: this runs for every time in every log line and report page.
            let digits: [Int] = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1, m / 10, m % 10, -1, d / 10, d % 10, -2,
                                 rest / 36000, rest / 3600 % 10, -3, rest / 60 % 60 / 10, rest / 60 % 10, -3, rest % 60 / 10, rest % 10, -4]
            return String(unsafeUninitializedCapacity: 20) { buffer in
                for (i, digit) in digits.enumerated() {
                    buffer[i] = switch digit {
                    case -1: UInt8(ascii: "-")
                    case -2: UInt8(ascii: "T")
                    case -3: UInt8(ascii: ":")
                    case -4: UInt8(ascii: "Z")
                    default: UInt8(ascii: "0") + UInt8(digit)
                    }
                }
                return 20
            }
        }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y)
        return "\(year)-\(two(m))-\(two(d))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's civil-calendar algorithms: exact and free of Calendar's locale state.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
