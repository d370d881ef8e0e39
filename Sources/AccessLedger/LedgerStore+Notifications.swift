import Foundation
import AccessFormats
import AccessModel

/// One delivery attempt of a notification on one channel, as `notify` records it after each
/// send in `state/deliveries.jsonl`.
package struct Delivery: Sendable, Equatable {
    package var id: String
    package var channel: NotificationChannel
    package var at: Timestamp
    package var delivered: Bool
    /// Why it failed (never the webhook's URL, which is a secret).
    package var error: String?

    package static let relativePath = "state/deliveries.jsonl"

    package init(id: String, channel: NotificationChannel, at: Timestamp, delivered: Bool, error: String? = nil) {
        (self.id, self.channel, self.at, self.delivered, self.error) = (id, channel, at, delivered, error)
    }

    package var json: JSONValue {
        .object([
            ("id", .string(id)), ("channel", .string(channel.rawValue)), ("at", .string(at.description)), ("delivered", .bool(delivered)),
            ("error", .text(error)),
        ])
    }

    package init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let channel = json["channel"]?.stringValue.flatMap(NotificationChannel.init(rawValue:)),
            let at = json["at"]?.stringValue.flatMap(Timestamp.init(rfc3339:)), case .bool(let delivered)? = json["delivered"]
        else { return nil }
        self.init(id: id, channel: channel, at: at, delivered: delivered, error: json["error"]?.stringValue)
    }
}

extension LedgerStore {
    package var outboxPath: String { TreeLoader.join(root, NotificationItem.relativePath) }
    package var outboxDisplay: String { TreeLoader.join(displayRoot, NotificationItem.relativePath) }
    package var deliveriesPath: String { TreeLoader.join(root, Delivery.relativePath) }
    package var deliveriesDisplay: String { TreeLoader.join(displayRoot, Delivery.relativePath) }

    /// Hands each complete line of a JSON Lines file to `each`, parsed, with its position; a
    /// last line without its newline was cut by a crash mid-write and never counted. Returns
    /// the length of the complete lines.
    private func jsonLines(_ path: String, display: String, _ each: (JSONValue, SourceLocation) throws(Diagnostic) -> Void) throws(Diagnostic) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        let bytes = [UInt8](data)
        let complete = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        var line = 1
        var start = 0
        for i in 0..<complete where bytes[i] == 0x0A {
            let slice = Array(bytes[start..<i])
            start = i + 1
            defer { line += 1 }
            guard !slice.isEmpty else { continue }
            let node = try JSONParser.parse(bytes: slice, file: display)
            try each(node.json, SourceLocation(line: line, column: 1))
        }
        return complete
    }

    /// Appends lines after the complete ones (dropping a torn tail), then flushes to disk.
    private func appendLines(_ lines: [String], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        // Only the file's end is read: a torn last line (no newline) is cut off first.
        let size = try handle.seekToEnd()
        var complete = size
        if size > 0 {
            let from = size > 65_536 ? size - 65_536 : 0
            try handle.seek(toOffset: from)
            let tail = [UInt8](try handle.readToEnd() ?? Data())
            complete = tail.lastIndex(of: 0x0A).map { from + UInt64($0) + 1 } ?? from
            if complete != size { try handle.truncate(atOffset: complete) }
        }
        try handle.seek(toOffset: complete)
        try handle.write(contentsOf: Data(lines.joined().utf8))
        try handle.synchronize()
    }

    /// The queued notifications, oldest first, and the audit line the queue covers (nil when
    /// there is no outbox yet). An item written twice (a run that crashed before its coverage
    /// line, completed by the next) is read once.
    package func readOutbox() throws(Diagnostic) -> (items: [NotificationItem], coveredSeq: Int?) {
        var items: [NotificationItem] = []
        var seen = Set<String>()
        var covered: Int?
        let display = outboxDisplay
        _ = try jsonLines(outboxPath, display: display) { json, location throws(Diagnostic) in
            if case .number(let seq)? = json["coveredSeq"] {
                covered = Int(seq)
            } else if let item = NotificationItem(json: json) {
                if seen.insert(item.id).inserted { items.append(item) }
            } else {
                throw Diagnostic(file: display, location: location, message: "not a notification")
            }
        }
        return (items, covered)
    }

    /// The audit line the outbox covers, read from its end: every append ends with its
    /// coverage line, so reconcile need not read the whole queue. Nil when there is no outbox.
    package func outboxCoverage() -> Int? {
        guard let handle = FileHandle(forReadingAtPath: outboxPath) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let from = size > 65_536 ? size - 65_536 : 0
        guard (try? handle.seek(toOffset: from)) != nil, let tail = try? handle.readToEnd() else { return nil }
        let lines = String(decoding: tail, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        // The last complete line; a torn one (no newline) never counted.
        let complete = tail.last == 0x0A ? lines : lines.dropLast()
        for line in complete.reversed() where line.hasPrefix("{\"coveredSeq\":") {
            if case .number(let seq)? = (try? JSONParser.parse(String(line), file: outboxDisplay))?.json["coveredSeq"] { return Int(seq) }
        }
        // No coverage line near the end: read it all.
        return (try? readOutbox())?.coveredSeq
    }

    /// Appends `items`, then a line saying the queue covers the audit log up to `seq`.
    package func appendOutbox(_ items: [NotificationItem], coveredSeq seq: Int) throws {
        try appendLines(items.map { CanonicalJSON.encode($0.json) + "\n" } + [CanonicalJSON.encode(.object([("coveredSeq", .number(Double(seq)))])) + "\n"], to: outboxPath)
    }

    /// Every delivery attempt recorded, oldest first.
    package func readDeliveries() throws(Diagnostic) -> [Delivery] {
        var out: [Delivery] = []
        let display = deliveriesDisplay
        _ = try jsonLines(deliveriesPath, display: display) { json, location throws(Diagnostic) in
            guard let delivery = Delivery(json: json) else { throw Diagnostic(file: display, location: location, message: "not a delivery") }
            out.append(delivery)
        }
        return out
    }

    /// Records one attempt, flushed to disk before the next send.
    package func record(_ delivery: Delivery) throws {
        try appendLines([CanonicalJSON.encode(delivery.json) + "\n"], to: deliveriesPath)
    }
}
