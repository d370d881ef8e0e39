import Foundation
import XCTest
import AccessTestSupport

@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy

/// The audit checkpoint in the cache: later runs read only the lines after it, a checkpoint
/// the log no longer holds (or one made from other bytes) is ignored, and runs with and
/// without the cache give the same output and the same files.
final class AuditCheckpointTests: ReconcileTestCase {
    private var logPath: String { tree.root.appendingPathComponent(AuditLog.relativePath).path }
    private var cache: String { tree.environment["ACCESSCTL_CACHE"]! }
    private var store: LedgerStore { LedgerStore(root: tree.root.path, displayRoot: "tree").caching(in: cache) }

    /// Runs a command on `root` without any cache, as a fresh CI checkout would.
    private func runUncached(_ arguments: [String], root: URL? = nil) -> CommandResult {
        let folder = (root ?? tree.root).deletingLastPathComponent().path
        return AccessCLI(environment: ["ACCESSCTL_CACHE": "off"], currentDirectory: folder, clock: TestSupport.clock(for: arguments)).run(arguments)
    }

    /// Two runs, an approval and an expiry: a log of a dozen lines.
    private func lifecycle() {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "2h"])
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
    }

    private func lines() throws -> [String] {
        try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func writeLines(_ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: logPath))
    }

    func testReconcileLeavesACheckpointAtTheHeadAndLaterReadsStartThere() throws {
        lifecycle()
        let checkpoint = try XCTUnwrap(store.readCheckpoint())
        let whole = try AuditLog.parse(Array(try Data(contentsOf: URL(fileURLWithPath: logPath))))
        XCTAssertEqual(checkpoint.last.line, whole.events.last?.line)
        XCTAssertEqual(checkpoint.length, whole.completeLength)
        XCTAssertEqual(checkpoint.encoded, whole.checkpoint()?.encoded, "the cached history is the whole log's")

        let fromCheckpoint = try store.readLogFromCheckpoint()
        XCTAssertEqual(fromCheckpoint.base?.last.seq, whole.count)
        XCTAssertEqual(fromCheckpoint.events.count, 0, "nothing before the checkpoint is read again")
        XCTAssertEqual(fromCheckpoint.head, whole.head)
        XCTAssertEqual(fromCheckpoint.checkpoint()?.encoded, whole.checkpoint()?.encoded)
    }

    func testATamperedPrefixIsCaughtByAuditVerifyAndByReconcileWhenTheCheckpointLineChanged() throws {
        lifecycle()
        var edited = try lines()
        let count = edited.count
        XCTAssertGreaterThan(count, 4)
        // An edit before the checkpoint's line that keeps its length: the cached run does not
        // read it again (one that moves the checkpoint's line is caught at once), but `audit
        // verify` checks every line.
        edited[1] = edited[1].replacingOccurrences(of: "\"sam-debug\"", with: "\"sam-debux\"")
        XCTAssertNotEqual(edited[1], try lines()[1])
        try writeLines(edited)
        XCTAssertEqual(try store.readLogFromCheckpoint().base?.last.seq, count)
        let verify = tree.run(["audit", "verify", "--root", "tree"])
        XCTAssertEqual(verify.exitCode, 1)
        XCTAssertTrue(verify.standardError.hasPrefix("tree/audit/log.jsonl:2:1: error: the audit log's chain is broken at line 2: "), verify.standardError)
        XCTAssertEqual(runUncached(["reconcile", "--root", "tree", "--now", "2026-11-22T10:05:00Z"]).exitCode, 1, "without the cache, reconcile checks every line")

        // An edit of the checkpoint's own line: the checkpoint no longer matches, the whole
        // log is read, and reconcile refuses at the first broken line.
        var last = try lines()
        last[count - 1] = last[count - 1].replacingOccurrences(of: "\"seq\":", with: "\"seq\": ")
        try writeLines(last)
        XCTAssertNil(try? store.readLogFromCheckpoint(), "the whole log is read and its broken line found")
        let before = try Data(contentsOf: URL(fileURLWithPath: logPath))
        let refused = reconcile("2026-11-22T10:05:00Z")
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.standardError.hasPrefix("tree/audit/log.jsonl:2:1: error: the audit log's chain is broken at line 2: "), refused.standardError)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: logPath)), before)
    }

    func testACheckpointFromOtherBytesOrDamagedIsIgnored() throws {
        lifecycle()
        let real = try XCTUnwrap(store.readCheckpoint())
        // A checkpoint of the same length and seq whose line differs by one byte: the log does
        // not hold it, so it is not used, and its forged history never shows.
        var forgedLast = real.last
        forgedLast.actor = (forgedLast.actor ?? "") + "x"
        forgedLast.hash = forgedLast.computedHash
        var forgedHistory = real.history
        forgedHistory.grants = [:]
        store.writeCheckpoint(AuditCheckpoint(length: real.length, last: forgedLast, history: forgedHistory))
        let ignored = try store.readLogFromCheckpoint()
        XCTAssertNil(ignored.base, "read whole")
        XCTAssertEqual(ignored.checkpoint()?.encoded, real.encoded)
        XCTAssertEqual(try XCTUnwrap(store.readCheckpoint()).encoded, real.encoded, "the whole read put the true checkpoint back")

        // A damaged file (one byte changed in its history) fails its digest and is ignored.
        var bytes = try XCTUnwrap(real.encoded)
        let index = try XCTUnwrap(bytes.lastIndex(of: UInt8(ascii: "2")))
        bytes[index] = UInt8(ascii: "3")
        try Data(bytes).write(to: URL(fileURLWithPath: try XCTUnwrap(store.checkpointPath)))
        XCTAssertNil(store.readCheckpoint())
        XCTAssertNil(try store.readLogFromCheckpoint().base)
        XCTAssertNil(AuditCheckpoint.decode(Array("accessctl-audit-checkpoint 1\n".utf8)))
    }

    /// The checkpoint's line must be a whole line at the checkpoint's length, whether the log
    /// is read from its start or only from the newline before that line.
    func testTheCheckpointLineMustBeAWholeLineAtItsLength() throws {
        lifecycle()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: logPath)))
        let checkpoint = try XCTUnwrap(store.readCheckpoint())
        let line = Array(checkpoint.last.line.utf8)
        let offset = checkpoint.length - line.count - 2
        XCTAssertEqual(try AuditLog.parse(bytes, from: checkpoint)?.count, checkpoint.last.seq)
        XCTAssertEqual(try AuditLog.parse(Array(bytes[offset...]), from: checkpoint, offset: offset)?.count, checkpoint.last.seq)
        // The same line as the end of a longer one (one byte put before it): not the checkpoint.
        var longer = checkpoint
        longer.length += 1
        let glued = Array(bytes[..<(checkpoint.length - line.count - 1)]) + [UInt8(ascii: "x")] + line + [UInt8(ascii: "\n")]
        XCTAssertNil(try AuditLog.parse(glued, from: longer))
        XCTAssertNil(try AuditLog.parse(Array(glued[(offset + 1)...]), from: longer, offset: offset + 1))
        // A log cut before the checkpoint's end.
        XCTAssertNil(try AuditLog.parse(Array(bytes.dropLast()), from: checkpoint))
    }

    /// The report reads every line; with the checkpoint it does not hash the lines before it
    /// again, and writes the same bytes as without the cache. Lines moved before the
    /// checkpoint still break the chain's order and are reported.
    func testTheReportFromTheCheckpointIsTheSameAndStillChecksTheOrder() throws {
        lifecycle()
        XCTAssertNotNil(store.readCheckpoint())
        let work = tree.root.deletingLastPathComponent()
        let cached = tree.run(["report", "--root", "tree", "--out", "cached", "--now", "2026-11-22T10:00:00Z"])
        let plain = runUncached(["report", "--root", "tree", "--out", "plain", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(cached.exitCode, 0, cached.standardError)
        XCTAssertEqual(cached.standardOutput.replacingOccurrences(of: "cached", with: "plain"), plain.standardOutput)
        let pages = try FileManager.default.subpathsOfDirectory(atPath: work.appendingPathComponent("plain").path).sorted()
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: work.appendingPathComponent("cached").path).sorted(), pages)
        for page in pages where page.hasSuffix(".html") {
            XCTAssertEqual(try Data(contentsOf: work.appendingPathComponent("cached/\(page)")), try Data(contentsOf: work.appendingPathComponent("plain/\(page)")), page)
        }
        XCTAssertEqual(try store.readWholeLogFromCheckpoint().events.map(\.line), try store.readLog().events.map(\.line))

        var moved = try lines()
        moved.swapAt(1, 2)
        try writeLines(moved)
        let broken = tree.run(["report", "--root", "tree", "--out", "cached", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(broken.exitCode, 1)
        XCTAssertTrue(broken.standardError.contains("the audit log's chain is broken at line 2: seq is 3, expected 2"), broken.standardError)
    }

    /// Where the cache is: `$ACCESSCTL_CACHE` (absolute, `off` for none), else the XDG cache
    /// folder, else `~/.cache`; never without one of them.
    func testTheCacheFolderComesFromTheEnvironment() {
        func folder(_ environment: [String: String]) -> String? {
            AccessCLI(environment: environment, currentDirectory: "/work", clock: TestSupport.clock).cacheFolder
        }
        XCTAssertEqual(folder(["ACCESSCTL_CACHE": "/c", "HOME": "/h"]), "/c")
        XCTAssertEqual(folder(["ACCESSCTL_CACHE": "c"]), "/work/c")
        XCTAssertNil(folder(["ACCESSCTL_CACHE": "off", "HOME": "/h", "XDG_CACHE_HOME": "/x"]))
        XCTAssertEqual(folder(["HOME": "/h", "XDG_CACHE_HOME": "/x"]), "/x/accessctl")
        XCTAssertEqual(folder(["HOME": "/h", "XDG_CACHE_HOME": "relative"]), "/h/.cache/accessctl")
        XCTAssertNil(folder([:]))
        XCTAssertNotEqual(LedgerStore(root: "/a", displayRoot: "a").caching(in: "/c").checkpointPath, LedgerStore(root: "/b", displayRoot: "b").caching(in: "/c").checkpointPath, "one folder per tree")
    }

    /// Logged identities are kept as 128-bit keys: the same identity gives the same key, the
    /// keys read back from their hex, and a checkpoint with a malformed key is ignored.
    func testLoggedIdentitiesAreKeptAsKeys() throws {
        lifecycle()
        let identities = ["request.submitted sam-debug", "request.submitted sam-debuh", "request.expired sam-debug", ""]
        let keys = identities.map(AuditHistory.LoggedKey.init)
        XCTAssertEqual(Set(keys).count, identities.count)
        XCTAssertEqual(keys.map { AuditHistory.LoggedKey(hex: $0.hex) }, keys)
        XCTAssertEqual(AuditHistory.LoggedKey("request.submitted sam-debug"), keys[0])
        XCTAssertNil(AuditHistory.LoggedKey(hex: String(keys[0].hex.dropLast())))
        let history = try XCTUnwrap(store.readCheckpoint()).history
        XCTAssertTrue(history.logged.contains(keys[0]), "the lifecycle logged sam-debug's submission")
        XCTAssertFalse(history.logged.contains(keys[1]))

        var text = String(decoding: try XCTUnwrap(store.readCheckpoint()?.encoded), as: UTF8.self)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("L\t") })
        text = text.replacingOccurrences(of: String(line), with: "L\tnot-a-key")
        // Re-seal the body so only the malformed key is wrong.
        let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        let resealed = "\(parts[0])\n\(SHA256.hex(Array(parts[2].utf8)))\n\(parts[2])"
        XCTAssertNil(AuditCheckpoint.decode(Array(resealed.utf8)))
    }

    func testRunsWithAndWithoutTheCacheAgreeByteForByte() throws {
        let uncached = tree.root.deletingLastPathComponent().appendingPathComponent("uncached/tree")
        try FileManager.default.createDirectory(at: uncached.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: tree.root, to: uncached)
        func both(_ arguments: [String], _ step: String) {
            let cached = tree.run(arguments)
            let plain = runUncached(arguments, root: uncached)
            XCTAssertEqual(cached.exitCode, plain.exitCode, step)
            assertText(cached.standardOutput, plain.standardOutput, step)
            assertText(cached.standardError, plain.standardError, step)
        }
        func sameFiles(_ step: String) throws {
            for file in [AuditLog.relativePath, StateFile.relativePath, "state/outbox.jsonl"] {
                XCTAssertEqual(try Data(contentsOf: tree.root.appendingPathComponent(file)), try Data(contentsOf: uncached.appendingPathComponent(file)), "\(file) after \(step)")
            }
        }
        let reads: [[String]] = [
            ["validate", "--root", "tree"], ["status", "--root", "tree"], ["status", "sam-debug", "--root", "tree"],
            ["check", "sam", "read", "site:acme-prod", "--root", "tree"], ["audit", "verify", "--root", "tree"],
        ]
        for (step, now) in ["2026-11-22T09:10:00Z", "2026-11-22T10:00:00Z", "2026-11-22T11:30:00Z"].enumerated() {
            if step == 1 {
                decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "2h"])
                try FileManager.default.removeItem(at: uncached.appendingPathComponent("requests/sam-debug.yaml"))
                try FileManager.default.copyItem(at: tree.root.appendingPathComponent("requests/sam-debug.yaml"), to: uncached.appendingPathComponent("requests/sam-debug.yaml"))
            }
            both(["plan", "--root", "tree", "--now", now], "plan at \(now)")
            both(["reconcile", "--root", "tree", "--now", now], "reconcile at \(now)")
            try sameFiles("reconcile at \(now)")
            for arguments in reads {
                let time = arguments[0] == "audit" ? [] : [arguments[0] == "check" ? "--at" : "--now", now]
                both(arguments + time, "\(arguments[0]) at \(now)")
                XCTAssertNotEqual(tree.run(arguments + time).exitCode, 64, "\(arguments) is a valid command line")
            }
            XCTAssertNotNil(store.readCheckpoint(), "the cached runs keep a checkpoint")
            if step == 1 {
                // Deleting the cache changes nothing either.
                try FileManager.default.removeItem(atPath: cache)
            }
        }
    }
}

/// The cache of verified signatures, with the real ssh-keygen: a run after one with the same
/// bytes does not ask ssh-keygen again, a changed signature is checked again, and a cache
/// made by another ssh-keygen is not used.
final class SignatureCacheCommandTests: ReconcileTestCase {
    func testIdenticalSignaturesAreNotCheckedAgainAndChangedOnesAre() throws {
        let bin = tree.root.deletingLastPathComponent().appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let program = bin.appendingPathComponent("ssh-keygen")
        try FileManager.default.copyItem(atPath: SSHKeygen().executable, toPath: program.path)
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "2h"])
        let cacheFile = tree.root.deletingLastPathComponent().appendingPathComponent("cache/\(AccessCLI.signatureCacheName)")
        func validate() -> CommandResult { tree.run(["--ssh-keygen", program.path, "validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"]) }

        let first = validate()
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cacheFile.path), "a good signature is remembered")

        // The same path now holds a program that calls every signature bad: the approval
        // still verifies, from the cache, with the same output.
        try FileManager.default.removeItem(at: program)
        try Data("#!/bin/sh\necho 'Signature verification failed: always' >&2\nexit 255\n".utf8).write(to: program)
        XCTAssertEqual(chmod(program.path, 0o755), 0)
        let cached = validate()
        XCTAssertEqual(cached.exitCode, 0, cached.standardError)
        XCTAssertEqual(cached.standardOutput, first.standardOutput)
        XCTAssertEqual(cached.standardError, first.standardError)
        // reconcile, which applies access, never takes a verdict from the cache.
        let reconcile = tree.run(["--ssh-keygen", program.path, "reconcile", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(reconcile.standardError.contains("bad signature: Signature verification failed: always"), reconcile.standardError)
        XCTAssertFalse(reconcile.standardOutput.contains("+ request/sam-debug"), reconcile.standardOutput)
        // With the real program, the same approval is granted (so the line above can fail).
        let granted = tree.run(["plan", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(granted.standardOutput.contains("+ request/sam-debug"), granted.standardOutput)

        // A changed signature (another approval, of other terms) is new bytes: checked again.
        decide("approve", by: "ann", at: "2026-11-22T09:40:00Z", ["--duration", "1h"])
        let changed = validate()
        XCTAssertEqual(changed.exitCode, 1)
        XCTAssertTrue(changed.standardError.contains("bad signature: Signature verification failed: always"), changed.standardError)

        // Without the cache, even the first approval is checked, and fails with this program.
        try FileManager.default.removeItem(at: cacheFile)
        decide("approve", by: "ann", at: "2026-11-22T09:50:00Z", ["--duration", "2h"])
        try FileManager.default.removeItem(at: cacheFile)
        let uncached = validate()
        XCTAssertEqual(uncached.exitCode, 1)
        XCTAssertEqual(uncached.standardError.components(separatedBy: "bad signature: Signature verification failed: always").count - 1, 3, uncached.standardError)
        // The real ssh-keygen at another path does not read verdicts cached for this one.
        XCTAssertNotEqual(SignatureCache.key(tool: SSHKeygen(executable: program.path).identity, namespace: "n", signer: "ann", publicKeys: ["ssh-ed25519 AAAA"], message: [], armor: ""),
                          SignatureCache.key(tool: SSHKeygen().identity, namespace: "n", signer: "ann", publicKeys: ["ssh-ed25519 AAAA"], message: [], armor: ""))
    }
}
