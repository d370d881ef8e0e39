import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// The hash-chained audit log `audit/log.jsonl`: read, checked line by line, and appended.
package struct AuditLog: Sendable {
    /// Where the log lives, relative to the tree root.
    package static let relativePath = "audit/log.jsonl"

    /// What is wrong with a line; `line` is 1-based.
    package struct Problem: Error, Sendable {
        package var message: String
        package var line: Int

        init(_ message: String, line: Int = 0) {
            self.message = message
            self.line = line
        }
    }

    /// Every complete, verified line in order.
    package var events: [AuditEvent]
    /// Bytes after the last newline: what an append cut short by a crash leaves behind.
    package var partialTail: [UInt8]
    /// Length of the complete lines in bytes (where a partial tail starts).
    package var completeLength: Int

    package init(events: [AuditEvent] = [], partialTail: [UInt8] = [], completeLength: Int = 0) {
        self.events = events
        self.partialTail = partialTail
        self.completeLength = completeLength
    }

    /// The hash of the last line, or the genesis hash of an empty log.
    package var head: String { events.last?.hash ?? AuditEvent.genesis }

    /// Checks log bytes. Each line must be the canonical JSON of its event, continue `seq`,
    /// name the previous line's hash in `prev`, and carry its own hash: so editing, deleting
    /// or reordering a line shows.
    package static func parse(_ bytes: [UInt8]) throws(Problem) -> AuditLog {
        var log = AuditLog()
        var start = 0
        var number = 0
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                log.partialTail = Array(bytes[start...])
                break
            }
            number += 1
            let lineBytes = Array(bytes[start..<end])
            start = end + 1
            log.completeLength = start
            let event = try check(lineBytes, number: number, after: log.events.last)
            log.events.append(event)
        }
        return log
    }

    private static func check(_ bytes: [UInt8], number: Int, after previous: AuditEvent?) throws(Problem) -> AuditEvent {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes, file: AuditLog.relativePath).json
        } catch {
            throw Problem("not valid JSON: \(error.message)", line: number)
        }
        let event: AuditEvent
        switch AuditEvent.decode(value) {
        case .success(let e): event = e
        case .failure(let problem): throw Problem(problem.message, line: number)
        }
        guard event.line.utf8.elementsEqual(bytes) else {
            throw Problem("the line is not in canonical form (edited by hand?)", line: number)
        }
        let expectedSeq = (previous?.seq ?? 0) + 1
        guard event.seq == expectedSeq else {
            throw Problem("seq is \(event.seq), expected \(expectedSeq): a line was removed, added or moved", line: number)
        }
        guard event.prev == (previous?.hash ?? AuditEvent.genesis) else {
            throw Problem("prev does not match the hash of line \(number - 1): a line was removed, added or moved", line: number)
        }
        guard event.hash == event.computedHash else {
            throw Problem("hash does not match the line's content: the line was edited", line: number)
        }
        if let previous, event.time < previous.time {
            throw Problem("time \(event.time) is earlier than line \(number - 1)'s \(previous.time)", line: number)
        }
        return event
    }
}
