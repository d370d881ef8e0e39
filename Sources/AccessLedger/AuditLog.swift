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

    /// Every complete, verified line in order; after `base` when the log was read from a
    /// checkpoint.
    package private(set) var events: [AuditEvent]
    /// The prefix that was not read again, when the log was read from a checkpoint: `events`
    /// are the lines after it.
    package private(set) var base: AuditCheckpoint?
    /// The history of the whole log, when reading it already worked it out.
    private var knownHistory: AuditHistory?
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
    package var head: String { last?.hash ?? AuditEvent.genesis }
    /// The last complete line.
    package var last: AuditEvent? { events.last ?? base?.last }
    /// How many complete lines the log has.
    package var count: Int { last?.seq ?? 0 }
    /// Whether every line is in `events` (the log was not read from a checkpoint).
    package var isWhole: Bool { base == nil }

    /// The hash of line `seq` (the genesis hash for 0); nil when the log has no such line, or
    /// it lies before the checkpoint the log was read from.
    package func hash(atSeq seq: Int) -> String? {
        if seq == 0 { return AuditEvent.genesis }
        if let base, seq == base.last.seq { return base.last.hash }
        let first = base?.last.seq ?? 0
        guard seq > first, seq <= count else { return nil }
        return events[seq - first - 1].hash
    }

    /// What the log says happened, replayed from the first line (or the checkpoint).
    package var history: AuditHistory {
        if let knownHistory { return knownHistory }
        return history(through: count)!
    }

    /// The history of the lines up to `seq`; nil when `seq` lies before the checkpoint.
    package func history(through seq: Int) -> AuditHistory? {
        if seq == count, let knownHistory { return knownHistory }
        let first = base?.last.seq ?? 0
        guard seq >= first else { return nil }
        var history = base?.history ?? AuditHistory()
        history.replay(events.prefix(seq - first))
        return history
    }

    /// The log with its whole history worked out once, for the callers after.
    package func rememberingHistory() -> AuditLog {
        var log = self
        log.knownHistory = history
        return log
    }

    /// A checkpoint covering every complete line; nil for an empty log.
    package func checkpoint() -> AuditCheckpoint? {
        guard let last else { return nil }
        return AuditCheckpoint(length: completeLength, last: last, history: history)
    }

    /// Checks log bytes. Each line must be the canonical JSON of its event, continue `seq`,
    /// name the previous line's hash in `prev`, and carry its own hash: so editing, deleting
    /// or reordering a line shows.
    package static func parse(_ bytes: [UInt8]) throws(Problem) -> AuditLog {
        try parse(bytes, after: nil)
    }

    /// `parse(_:)` with the lines read by `workers` at once, whatever the log's length (a
    /// long log is read on every core; tests check a short one gives the same answers).
    static func parse(_ bytes: [UInt8], workers: Int) throws(Problem) -> AuditLog {
        try parse(bytes, after: nil, workers: workers)
    }

    /// Checks only the lines after `checkpoint`, when the log still holds the checkpoint's
    /// last line where it ended; nil when it does not (the caller reads the whole log).
    /// Lines before it are not checked again: `audit verify` and a run without the cache do.
    /// `bytes` may start at file offset `offset`, at or before the newline that ends the line
    /// before the checkpoint's: the lines before it are then not even read.
    package static func parse(_ bytes: [UInt8], from checkpoint: AuditCheckpoint, offset: Int = 0) throws(Problem) -> AuditLog? {
        guard holds(bytes, checkpoint, offset: offset) else { return nil }
        return try parse(bytes, after: checkpoint, offset: offset)
    }

    /// Every line, for the views that show them all (the report): the lines up to
    /// `checkpoint`, which the log must still hold, are checked for order and links (`seq`,
    /// `prev`, time) but not hashed again, as a run from the checkpoint would not read them
    /// at all; the lines after it are checked in full. Nil when the log does not hold it.
    package static func parse(_ bytes: [UInt8], linkedUpTo checkpoint: AuditCheckpoint) throws(Problem) -> AuditLog? {
        guard holds(bytes, checkpoint, offset: 0) else { return nil }
        return try parse(bytes, after: nil, linkedUpTo: checkpoint.length)
    }

    /// Whether `bytes` (from file offset `offset`) hold the checkpoint's last line as a whole
    /// line ending at the checkpoint's length.
    static func holds(_ bytes: [UInt8], _ checkpoint: AuditCheckpoint, offset: Int) -> Bool {
        let end = checkpoint.length - offset
        let line = Array(checkpoint.last.line.utf8)
        let lineStart = end - 1 - line.count
        guard lineStart >= 0, end <= bytes.count, bytes[end - 1] == UInt8(ascii: "\n"), bytes[lineStart..<(end - 1)].elementsEqual(line) else { return false }
        // The line must begin the file or follow a newline: not end a longer one.
        return lineStart > 0 ? bytes[lineStart - 1] == UInt8(ascii: "\n") : offset == 0
    }

    private static func parse(_ bytes: [UInt8], after checkpoint: AuditCheckpoint?, offset: Int = 0, linkedUpTo linked: Int = 0, workers: Int? = nil) throws(Problem) -> AuditLog {
        var log = AuditLog()
        log.base = checkpoint
        log.completeLength = checkpoint?.length ?? 0
        // The lines are found first (a byte search), then each is read on its own, on every
        // core: parsing 285,000 lines of JSON on one thread took seconds of every report.
        // Their places in the chain are then checked in order, so the first bad line is the
        // one named, with the message a line-by-line read gives.
        var lines: [Range<Int>] = []
        var start = (checkpoint?.length ?? 0) - offset
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                log.partialTail = Array(bytes[start...])
                break
            }
            lines.append(start..<end)
            start = end + 1
        }
        let read = Parallel.map(lines, workers: workers ?? Parallel.workers(for: lines.count, from: 4096)) { range in
            Self.read(Array(bytes[range]), content: range.upperBound + 1 + offset > linked)
        }
        log.events.reserveCapacity(lines.count)
        var number = checkpoint?.last.seq ?? 0
        var previous = checkpoint?.last
        for (range, line) in zip(lines, read) {
            number += 1
            let event = try chain(line, number: number, after: previous)
            log.completeLength = range.upperBound + 1 + offset
            log.events.append(event)
            previous = event
        }
        return log
    }

    /// One line read on its own: its event, or why it is not one, and whether its hash is
    /// its content's (checked in `chain`, after its place, as a line-by-line read does).
    struct LineRead: Sendable {
        var event: Result<AuditEvent, Problem>
        var hashMatches = true
    }

    /// Reads one line; without `content`, not its canonical form and hash.
    static func read(_ bytes: [UInt8], content: Bool) -> LineRead {
        readCanonical(bytes, content: content) ?? readParsed(bytes, content: content)
    }

    /// A line in the one spelling accessctl writes, read in one pass (`CanonicalJSONReader`),
    /// its hash taken over the line with the `hash` member cut out: no node tree and no second
    /// encoding. Nil for any other line, which `readParsed` reads, so what is accepted and
    /// every message are its.
    static func readCanonical(_ bytes: [UInt8], content: Bool) -> LineRead? {
        guard let (value, member) = CanonicalJSONReader.read(bytes, markingMember: content ? "hash" : nil),
            case .success(let event) = AuditEvent.decode(value)
        else { return nil }
        guard content else { return LineRead(event: .success(event)) }
        guard let member, event.isLine(read: value) else { return nil }
        return LineRead(event: .success(event), hashMatches: event.hash == AuditEvent.hash(of: bytes, cutting: member))
    }

    /// Reads one line with the parser, then checks it is the canonical encoding of its event.
    static func readParsed(_ bytes: [UInt8], content: Bool) -> LineRead {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes, file: AuditLog.relativePath).json
        } catch {
            return LineRead(event: .failure(Problem("not valid JSON: \(error.message)")))
        }
        switch AuditEvent.decode(value) {
        case .success(let event):
            guard content else { return LineRead(event: .success(event)) }
            let check = event.check(line: bytes)
            guard check.canonical else {
                return LineRead(event: .failure(Problem("the line is not in canonical form (edited by hand?)")))
            }
            return LineRead(event: .success(event), hashMatches: check.hashMatches)
        case .failure(let problem): return LineRead(event: .failure(Problem(problem.message)))
        }
    }

    /// Checks a line's place in the chain after `previous`, in the order a line-by-line read
    /// checks it.
    private static func chain(_ line: LineRead, number: Int, after previous: AuditEvent?) throws(Problem) -> AuditEvent {
        let event: AuditEvent
        switch line.event {
        case .success(let e): event = e
        case .failure(let problem): throw Problem(problem.message, line: number)
        }
        let expectedSeq = (previous?.seq ?? 0) + 1
        guard event.seq == expectedSeq else {
            throw Problem("seq is \(event.seq), expected \(expectedSeq): a line was removed, added or moved", line: number)
        }
        guard event.prev == (previous?.hash ?? AuditEvent.genesis) else {
            throw Problem("prev does not match the hash of line \(number - 1): a line was removed, added or moved", line: number)
        }
        guard line.hashMatches else {
            throw Problem("hash does not match the line's content: the line was edited", line: number)
        }
        if let previous, event.time < previous.time {
            throw Problem("time \(event.time) is earlier than line \(number - 1)'s \(previous.time)", line: number)
        }
        return event
    }
}
