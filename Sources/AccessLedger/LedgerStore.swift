import Foundation
import AccessFormats
import AccessModel

/// The one place that reads and writes `state/` and `audit/`. `StateFile` and `AuditLog`
/// only encode and decode; this does the file work, atomically where it matters.
package struct LedgerStore: Sendable {
    /// The tree's root on disk, and as messages name it.
    package var root: String
    package var displayRoot: String
    /// Where `trust/` is read: the tree's root, also when the state and log live elsewhere
    /// (a replay into another folder).
    package var treeRoot: String
    package var treeDisplay: String
    /// Where the audit checkpoint of this ledger is cached, outside the repository; nil: no
    /// cache, every read checks the whole log.
    package var checkpointPath: String?

    package init(root: String, displayRoot: String, treeRoot: String? = nil, treeDisplay: String? = nil) {
        self.root = root
        self.displayRoot = displayRoot
        self.treeRoot = treeRoot ?? root
        self.treeDisplay = treeDisplay ?? displayRoot
    }

    package var statePath: String { TreeLoader.join(root, StateFile.relativePath) }
    package var logPath: String { TreeLoader.join(root, AuditLog.relativePath) }
    package var lockPath: String { TreeLoader.join(root, "state/.lock") }
    /// The state file as messages name it.
    package var stateDisplay: String { TreeLoader.join(displayRoot, StateFile.relativePath) }
    /// The audit log as messages name it.
    package var logDisplay: String { TreeLoader.join(displayRoot, AuditLog.relativePath) }

    /// The state file: nil if it does not exist, a diagnostic if it cannot be read or decoded.
    package func readState() throws(Diagnostic) -> StateFile? {
        guard FileManager.default.fileExists(atPath: statePath) else { return nil }
        guard let data = FileManager.default.contents(atPath: statePath) else { throw Diagnostic(file: stateDisplay, message: "cannot read the state file") }
        return try StateFile.decode([UInt8](data), display: stateDisplay)
    }

    /// The audit log, every line checked; a missing file is an empty log. With a cache, the
    /// checkpoint is brought up to the log's head for the runs after.
    package func readLog() throws(AuditLog.Problem) -> AuditLog {
        guard FileManager.default.fileExists(atPath: logPath) else { return AuditLog() }
        guard let data = FileManager.default.contents(atPath: logPath) else { throw AuditLog.Problem("cannot read the audit log", line: 1) }
        var log = try AuditLog.parse([UInt8](data))
        // Written without first reading the old one: checking whether it is still right would
        // cost as much as writing it, and a damaged one must be replaced anyway.
        if checkpointPath != nil, log.count > 0 {
            log = log.rememberingHistory()
            if let checkpoint = log.checkpoint() { writeCheckpoint(checkpoint) }
        }
        return log
    }

    /// The audit log, checked from the cached checkpoint when the log still holds it (only
    /// the lines after it are read and checked), else whole (see `readLog()`).
    package func readLogFromCheckpoint() throws(AuditLog.Problem) -> AuditLog {
        guard let checkpoint = readCheckpoint(), let handle = FileHandle(forReadingAtPath: logPath) else { return try readLog() }
        // Only from the newline before the checkpoint's line: the lines before are not read.
        let offset = max(0, checkpoint.length - checkpoint.last.line.utf8.count - 2)
        let tail: Data
        do {
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            tail = try handle.readToEnd() ?? Data()
        } catch {
            throw AuditLog.Problem("cannot read the audit log", line: 1)
        }
        guard let log = try AuditLog.parse([UInt8](tail), from: checkpoint, offset: offset) else { return try readLog() }
        // Many lines since the checkpoint: move it forward, so the next run reads fewer.
        if log.events.count >= Self.checkpointStep, let moved = log.checkpoint() { writeCheckpoint(moved) }
        return log
    }

    /// This store with its checkpoint in `cache` (nil: none), in a folder named after the
    /// ledger's absolute path, so trees never share one.
    package func caching(in cache: String?) -> LedgerStore {
        var store = self
        store.checkpointPath = cache.map { folder in
            let absolute = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
            return TreeLoader.join(TreeLoader.join(folder, String(SHA256.hex(absolute).prefix(16))), "audit-checkpoint")
        }
        return store
    }

    /// Every line of the audit log, for the views that show them all: with a checkpoint the
    /// log still holds, the lines up to it are checked for order and links only (see
    /// `AuditLog.parse(_:linkedUpTo:)`); else as `readLog()`.
    package func readWholeLogFromCheckpoint() throws(AuditLog.Problem) -> AuditLog {
        guard let checkpoint = readCheckpoint(), FileManager.default.fileExists(atPath: logPath) else { return try readLog() }
        guard let data = FileManager.default.contents(atPath: logPath) else { throw AuditLog.Problem("cannot read the audit log", line: 1) }
        if let log = try AuditLog.parse([UInt8](data), linkedUpTo: checkpoint) { return log }
        return try readLog()
    }

    /// Lines after the checkpoint that make a read write a new one.
    static let checkpointStep = 1000

    /// The cached checkpoint; nil when there is none or it is damaged.
    package func readCheckpoint() -> AuditCheckpoint? {
        guard let checkpointPath, let data = FileManager.default.contents(atPath: checkpointPath) else { return nil }
        return AuditCheckpoint.decode([UInt8](data))
    }

    /// Caches `checkpoint`; a cache that cannot be written is no error (the next run reads the
    /// whole log).
    package func writeCheckpoint(_ checkpoint: AuditCheckpoint) {
        guard let checkpointPath, let bytes = checkpoint.encoded else { return }
        try? FileManager.default.createDirectory(atPath: (checkpointPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? AtomicFile.write(bytes, to: checkpointPath)
    }

    /// Appends `events` (already chained after the log's head), then flushes to disk, and
    /// returns how many bytes it wrote. The lines are encoded and written a megabyte at a
    /// time: a first run appends hundreds of thousands of events, and holding all their text
    /// at once (twice, as text and as bytes) was most of its memory peak. A partial tail left
    /// by an interrupted run is cut off first; it was never committed. `stopAfter` writes
    /// only that many bytes: the crash tests use it to leave the torn line a crash in the
    /// middle of the write would.
    @discardableResult
    package func append(_ events: [AuditEvent], replacingFrom offset: Int, stopAfter: Int? = nil) throws -> Int {
        try FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: logPath) {
            guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: logPath])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(offset))
        try handle.seek(toOffset: UInt64(offset))
        let limit = stopAfter ?? Int.max
        var written = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.appendChunk + 4096)
        func flush() throws {
            let part = buffer.prefix(limit - written)
            if !part.isEmpty { try handle.write(contentsOf: Data(part)) }
            written += part.count
            buffer.removeAll(keepingCapacity: true)
        }
        for event in events where written < limit {
            buffer += event.lineBytes
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= Self.appendChunk { try flush() }
        }
        if written < limit { try flush() }
        try handle.synchronize()
        return written
    }

    /// Bytes of log lines gathered before each write.
    static let appendChunk = 1 << 20

    /// Replaces the state file atomically, unless it already holds exactly these bytes.
    package func write(_ state: StateFile) throws {
        let bytes = Array(state.text.utf8)
        if FileManager.default.contents(atPath: statePath).map({ [UInt8]($0) }) != bytes {
            try FileManager.default.createDirectory(atPath: (statePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: statePath)
        }
    }

    /// Removes temporary state files a crash left between writing and renaming; never committed.
    package func removeLeftoverTemporaryFiles() {
        let folder = (statePath as NSString).deletingLastPathComponent
        let prefix = ".\((statePath as NSString).lastPathComponent).tmp-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: TreeLoader.join(folder, name))
        }
    }
}
