import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// A verified prefix of the audit log, kept in the cache outside the repository: its length
/// in bytes, its last line, and the history that replaying it gives. A run whose log still
/// holds exactly that last line at that length reads and checks only the lines after it.
///
/// The key is the last line itself (its hash chains to every line before): a checkpoint whose
/// line is not in the log at its length is ignored, and the whole log is read and checked.
/// A damaged or unreadable checkpoint file is ignored the same way; it is never an error.
package struct AuditCheckpoint: Sendable {
    /// Bytes of the log the checkpoint covers (complete lines only).
    package var length: Int
    /// The covered prefix's last event.
    package var last: AuditEvent
    /// The history of the covered prefix.
    package var history: AuditHistory

    package init(length: Int, last: AuditEvent, history: AuditHistory) {
        self.length = length
        self.last = last
        self.history = history
    }

    static let magic = "accessctl-audit-checkpoint 3"

    /// The file's bytes: a header with the SHA-256 of the body, then the body. Nil when a
    /// value holds a tab or newline, which the line format cannot carry (no checkpoint then).
    package var encoded: [UInt8]? {
        // Written as bytes: every reconcile writes a line per logged event and per request
        // (470,000 on the 100k tree), and a string per line, joined, was a tenth of a
        // reconcile after one change, on one core. The bytes are those of the lines joined.
        let tab = UInt8(ascii: "\t"), lf = UInt8(ascii: "\n")
        var body: [UInt8] = []
        body.reserveCapacity(history.logged.count * 35 + history.specDigests.count * 90 + history.ended.count * 45 + 4096)
        body += String(length).utf8
        body.append(lf)
        body += last.line.utf8
        body.append(lf)
        var ok = true
        /// One field after a tab; a field holding a tab or line break makes the whole nil.
        func field(_ text: String) {
            body.append(tab)
            let start = body.count
            body += text.utf8
            if body[start...].contains(where: { $0 == tab || $0 == lf || $0 == UInt8(ascii: "\r") }) { ok = false }
        }
        func line(_ kind: UInt8, _ fields: String...) {
            body.append(kind)
            for text in fields { field(text) }
            body.append(lf)
        }
        if let time = history.lastTime { line(UInt8(ascii: "T"), time.description) }
        for key in history.grants.keys.sorted() { line(UInt8(ascii: "G"), key, CanonicalJSON.encode(history.grants[key]!.json)) }
        for request in history.ended.keys.sorted() {
            let end = history.ended[request]!
            body.append(UInt8(ascii: "E"))
            field(request)
            field(end.cause.rawValue)
            field(end.time.description)
            body.append(lf)
        }
        // Fixed-width lowercase hex sorts as the numbers do: no strings to sort.
        for key in history.logged.sorted(by: { ($0.high, $0.low) < ($1.high, $1.low) }) {
            body.append(UInt8(ascii: "L"))
            body.append(tab)
            Self.appendHex(key.high, to: &body)
            Self.appendHex(key.low, to: &body)
            body.append(lf)
        }
        for request in history.specDigests.keys.sorted() {
            body.append(UInt8(ascii: "D"))
            field(request)
            field(history.specDigests[request]!)
            body.append(lf)
        }
        for key in history.firstSeen.keys.sorted() { line(UInt8(ascii: "S"), key, history.firstSeen[key]!.description) }
        for digest in history.trustedConfigurations { line(UInt8(ascii: "C"), digest) }
        for key in history.reviews.keys.sorted() { line(UInt8(ascii: "R"), key, CanonicalJSON.encode(history.reviews[key]!.json)) }
        guard ok else { return nil }
        return Array("\(Self.magic)\n\(SHA256.hex(body))\n".utf8) + body
    }

    /// Sixteen lowercase hex digits of `number`, as `LoggedKey.hex` writes each half.
    static func appendHex(_ number: UInt64, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        for shift in stride(from: 60, through: 0, by: -4) {
            out.append(digits.utf8Start[Int((number >> UInt64(shift)) & 0xF)])
        }
    }

    /// Reads a checkpoint file's bytes; nil when they are not a whole, intact checkpoint.
    package static func decode(_ bytes: [UInt8]) -> AuditCheckpoint? {
        let newline = UInt8(ascii: "\n")
        guard let first = bytes.firstIndex(of: newline), let second = bytes[(first + 1)...].firstIndex(of: newline),
            String(decoding: bytes[..<first], as: UTF8.self) == magic
        else { return nil }
        let body = bytes[(second + 1)...]
        guard String(decoding: bytes[(first + 1)..<second], as: UTF8.self) == SHA256.hex(body) else { return nil }
        var lines = body.split(separator: newline, omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else { return nil }
        lines.removeLast()
        guard lines.count >= 2, let length = Int(String(decoding: lines[0], as: UTF8.self)), length > 0 else { return nil }
        let last: AuditEvent
        do {
            guard case .success(let event) = AuditEvent.decode(try JSONParser.parse(bytes: Array(lines[1]), file: "checkpoint").json),
                event.check(line: lines[1]) == (true, true)
            else { return nil }
            last = event
        } catch {
            return nil
        }
        var history = AuditHistory()
        history.logged.reserveCapacity(lines.count)
        for line in lines.dropFirst(2) {
            // The three kinds with a line per logged event or request are read from the bytes
            // (splitting 470,000 lines into strings was a second on one core, in every plan
            // and reconcile); the few other lines are split.
            if let kind = line.first, kind == UInt8(ascii: "L") || kind == UInt8(ascii: "D") || kind == UInt8(ascii: "E") {
                guard readPerEventLine(line, into: &history) else { return nil }
                continue
            }
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            switch (fields.first, fields.count) {
            case ("T", 2):
                guard let time = Timestamp(rfc3339: fields[1]) else { return nil }
                history.lastTime = time
            case ("G", 3):
                guard let json = try? JSONParser.parse(bytes: Array(fields[2].utf8), file: "checkpoint").json, let grant = GrantRecord(json: json) else { return nil }
                history.grants[fields[1]] = grant
            case ("S", 3):
                guard let time = Timestamp(rfc3339: fields[2]) else { return nil }
                history.firstSeen[fields[1]] = time
            case ("C", 2): history.trustedConfigurations.append(fields[1])
            case ("R", 3):
                guard let json = try? JSONParser.parse(bytes: Array(fields[2].utf8), file: "checkpoint").json, let record = ReviewRecord(json: json) else { return nil }
                history.reviews[fields[1]] = record
            default: return nil
            }
        }
        return AuditCheckpoint(length: length, last: last, history: history)
    }

    /// Reads an `L` (logged key), `D` (spec digest) or `E` (ended request) line with exactly
    /// its fields into `history`; false, with `history` unchanged, for anything else.
    static func readPerEventLine(_ line: ArraySlice<UInt8>, into history: inout AuditHistory) -> Bool {
        let tab = UInt8(ascii: "\t")
        guard line.count > 2, line[line.startIndex + 1] == tab else { return false }
        let kind = line[line.startIndex]
        let rest = line[(line.startIndex + 2)...]
        switch kind {
        case UInt8(ascii: "L"):
            guard rest.count == 32, let key = AuditHistory.LoggedKey(hexBytes: rest) else { return false }
            history.logged.insert(key)
            return true
        case UInt8(ascii: "D"):
            guard let split = rest.firstIndex(of: tab), !rest[(split + 1)...].contains(tab) else { return false }
            history.specDigests[String(decoding: rest[..<split], as: UTF8.self)] = String(decoding: rest[(split + 1)...], as: UTF8.self)
            return true
        case UInt8(ascii: "E"):
            guard let first = rest.firstIndex(of: tab), let second = rest[(first + 1)...].firstIndex(of: tab), !rest[(second + 1)...].contains(tab),
                let cause = RemovalCause(rawValue: String(decoding: rest[(first + 1)..<second], as: UTF8.self)),
                let time = Timestamp(rfc3339: String(decoding: rest[(second + 1)...], as: UTF8.self))
            else { return false }
            history.ended[String(decoding: rest[..<first], as: UTF8.self)] = (cause, time)
            return true
        default:
            return false
        }
    }
}
