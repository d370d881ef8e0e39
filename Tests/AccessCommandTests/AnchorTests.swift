import Foundation
import XCTest

@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel

/// Hardening findings 1 to 3: the state and the audit log are in the repository, so a merged
/// change can delete, cut or rewrite them. With an anchor kept outside the repository, the log
/// must extend the previous run's head; a lastRun beyond the clock is not believed.
final class AnchorTests: ReconcileTestCase {
    private var anchor: String { tree.root.deletingLastPathComponent().appendingPathComponent("cache/anchor.json").path }

    /// sam's request approved and granted, then revoked; returns the request text without the revoke.
    private func grantThenRevoke() throws -> String {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z", ["--anchor", anchor]).exitCode, 0)
        let approved = try read("requests/sam-debug.yaml")
        decide("revoke", by: "ann", at: "2026-11-22T09:50:00Z", ["--reason", "Done"])
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z", ["--anchor", anchor]).exitCode, 0)
        XCTAssertFalse(try grantKeys().contains("request/sam-debug"))
        XCTAssertEqual(try Anchor.read(path: anchor, display: "anchor")?.auditSeq, try events().count)
        return approved
    }

    /// Finding 1: deleting state and log (and reverting the revoke) is not a first run.
    func testDeletedStateAndLogAreRefused() throws {
        let approved = try grantThenRevoke()
        try write("requests/sam-debug.yaml", approved)
        for folder in ["state", "audit"] { try FileManager.default.removeItem(at: tree.root.appendingPathComponent(folder)) }
        let run = reconcile("2026-11-22T10:10:00Z", ["--anchor", anchor])
        let count = try XCTUnwrap(try Anchor.read(path: anchor, display: "anchor")).auditSeq
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertTrue(run.standardError.hasPrefix("tree/audit/log.jsonl: error: the anchor records \(count) audit events"), run.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree.root.appendingPathComponent("state/grants.json").path), "a refused run writes nothing")
        // The same through the environment variable CI would set.
        let viaEnvironment = AccessCLI(environment: ["ACCESSCTL_ANCHOR": anchor], currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock)
            .run(["plan", "--root", "tree", "--now", "2026-11-22T10:10:00Z"])
        XCTAssertEqual(viaEnvironment.exitCode, 1)
    }

    /// Finding 2: cutting the revoke events off the log, with the state pointed at the new last
    /// line, is refused; so is a rewritten line.
    func testCutOrRewrittenLogIsRefused() throws {
        let approved = try grantThenRevoke()
        try write("requests/sam-debug.yaml", approved)
        let log = try read(AuditLog.relativePath)
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        let cut = try XCTUnwrap(lines.firstIndex { $0.contains("\"request.revoked\"") })
        try write(AuditLog.relativePath, lines[..<cut].map { $0 + "\n" }.joined())
        let last = try LedgerStore(root: tree.root.path, displayRoot: "").readLog().events.last!
        let state = try read(StateFile.relativePath)
        let seq = try XCTUnwrap(try LedgerStore(root: tree.root.path, displayRoot: "").readState()).auditSeq
        let hash = try XCTUnwrap(try LedgerStore(root: tree.root.path, displayRoot: "").readState()).auditHash
        try write(StateFile.relativePath, state.replacingOccurrences(of: "\"seq\": \(seq)", with: "\"seq\": \(last.seq)").replacingOccurrences(of: hash, with: last.hash))
        let run = reconcile("2026-11-22T10:10:00Z", ["--anchor", anchor])
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertTrue(run.standardError.contains("but the log has \(last.seq): events were removed"), run.standardError)
        XCTAssertFalse(try grantKeys().contains("request/sam-debug"), "the revoked grant did not come back")
    }

    /// Finding 3: a lastRun in 2099 is not believed (it used to refuse every later run, so
    /// nothing expired); the state is rebuilt from the log, expiry is applied, and the next
    /// run is clean. `audit verify` notes it.
    func testALastRunInTheFutureIsNotBelieved() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "1h"])
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z").exitCode, 0)
        let state = try read(StateFile.relativePath)
        try write(StateFile.relativePath, state.replacingOccurrences(of: "\"lastRun\": \"2026-11-22T09:40:00Z\"", with: "\"lastRun\": \"2099-01-01T00:00:00Z\""))
        // audit verify says so (a note: a run simulated with --now writes such a state too).
        let verified = tree.run(["audit", "verify", "--root", "tree"])
        XCTAssertTrue(verified.standardError.contains("note: lastRun 2099-01-01T00:00:00Z is after now"), verified.standardError)
        let run = reconcile("2026-11-22T11:00:00Z")
        XCTAssertEqual(run.exitCode, 1, "the state file was wrong: said, and not believed")
        XCTAssertTrue(run.standardError.contains("tree/state/grants.json: error: lastRun 2099-01-01T00:00:00Z is after now (2026-11-22T11:00:00Z) by more than the allowed clock skew: no run can have happened then; the state is rebuilt from the audit log"), run.standardError)
        XCTAssertTrue(run.standardOutput.contains("- request/sam-debug (expired)"), run.standardOutput)
        XCTAssertEqual(reconcile("2026-11-22T11:10:00Z").exitCode, 0)
    }

    /// An anchor that is not one, or that names another head, is refused with why.
    func testAMalformedOrForeignAnchorIsRefused() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z", ["--anchor", anchor]).exitCode, 0)
        let text = try String(contentsOfFile: anchor, encoding: .utf8)
        let head = try XCTUnwrap(try Anchor.read(path: anchor, display: "anchor"))
        let other = "sha256:" + String(repeating: "0", count: 63) + "1"
        try text.replacingOccurrences(of: head.auditHash, with: other).write(toFile: anchor, atomically: true, encoding: .utf8)
        let log = try LedgerStore(root: tree.root.path, displayRoot: "").readLog()
        XCTAssertEqual(reconcile("2026-11-22T09:20:00Z", ["--anchor", anchor]).standardError, """
            tree/audit/log.jsonl: error: the anchor records audit line \(head.auditSeq) with hash \(other), but the log's line \(head.auditSeq) has hash \(log.events[head.auditSeq - 1].hash): the log was rewritten. The log must extend the anchor \(anchor) kept outside the repository; restore the log and state from git history

            """)
        try "{\"kind\": \"something\"}\n".write(toFile: anchor, atomically: true, encoding: .utf8)
        let junk = reconcile("2026-11-22T09:20:00Z", ["--anchor", anchor])
        XCTAssertEqual(junk.exitCode, 1)
        XCTAssertEqual(junk.standardError, "\(anchor):1:1: error: not an accessctl anchor (kind AccessctlAnchor with auditSeq, auditHash and lastRun)\n")
    }
}
