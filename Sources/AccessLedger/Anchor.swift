import Foundation
import AccessFormats
import AccessModel

/// What the previous run left, kept outside the repository (a CI cache or artifact): the audit
/// log's head and length, and the run's time. A state and log that do not extend it were cut,
/// rewritten or deleted by a change to the repository, and are refused.
package struct Anchor: Sendable, Equatable {
    package var auditSeq: Int
    package var auditHash: String
    package var lastRun: Timestamp

    package init(auditSeq: Int, auditHash: String, lastRun: Timestamp) {
        self.auditSeq = auditSeq
        self.auditHash = auditHash
        self.lastRun = lastRun
    }

    package var text: String {
        CanonicalJSON.encode(.object([
            ("kind", .string("AccessctlAnchor")), ("auditSeq", .number(Double(auditSeq))), ("auditHash", .string(auditHash)),
            ("lastRun", .string(lastRun.description)),
        ])) + "\n"
    }

    /// Reads an anchor file; nil when it does not exist, an error when it is not an anchor.
    package static func read(path: String, display: String) throws(Diagnostic) -> Anchor? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard case .bytes(let bytes) = ManifestReader.readFile(path: path, limit: 4096) else {
            throw Diagnostic(file: display, message: "cannot read the anchor")
        }
        let node = try JSONParser.parse(bytes: bytes, file: display)
        let json = node.json
        guard json["kind"]?.stringValue == "AccessctlAnchor", case .number(let seq)? = json["auditSeq"], seq >= 0, seq == seq.rounded(),
            let hash = json["auditHash"]?.stringValue, let last = json["lastRun"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
        else {
            throw Diagnostic(file: display, location: node.location, message: "not an accessctl anchor (kind AccessctlAnchor with auditSeq, auditHash and lastRun)")
        }
        return Anchor(auditSeq: Int(seq), auditHash: hash, lastRun: last)
    }

    /// Writes the anchor atomically.
    package func write(path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(Array(text.utf8), to: path)
    }

    /// Why `log` does not extend this anchor, or nil.
    package func problem(with log: AuditLog) -> String? {
        if auditSeq > log.count {
            return "the anchor records \(auditSeq) audit events (head \(auditHash)), but the log has \(log.count): events were removed, or the log and state were deleted"
        }
        let head = log.hash(atSeq: auditSeq) ?? ""
        guard head == auditHash else {
            return "the anchor records audit line \(auditSeq) with hash \(auditHash), but the log's line \(auditSeq) has hash \(head): the log was rewritten"
        }
        return nil
    }
}
