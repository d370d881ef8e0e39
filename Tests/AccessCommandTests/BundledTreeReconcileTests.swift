import Foundation
import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// The README's main job on the bundled tree. Tests never read the working tree's
/// `access/state` or `access/audit` (the main job rewrites them): they replay the manifests
/// into a temporary folder and compare with the golden copies in `Fixtures/bundled`; the
/// committed files are compared with those copies through git, not the working tree.
final class BundledTreeReconcileTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        work = try TestSupport.temporaryDirectory(self)
    }

    private func run(_ arguments: [String], in folder: URL? = nil) -> CommandResult {
        AccessCLI(environment: Fixtures.environment, currentDirectory: (folder ?? work).path, clock: TestSupport.clock(for: arguments)).run(arguments)
    }

    private func golden(_ file: String) throws -> String {
        try String(contentsOf: TestSupport.fixtures.appendingPathComponent("bundled").appendingPathComponent(file), encoding: .utf8)
    }

    /// Replays the manifests of `source` at the bundled run's time and compares with the golden files.
    private func assertReplayIsGolden(from source: URL, _ message: String, line: UInt = #line) throws {
        let replay = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledManifests(to: replay, from: source)
        let result = run(["reconcile", "--root", "access", "--now", TestSupport.bundledRunTime], in: replay)
        XCTAssertEqual(result.exitCode, 0, result.standardError, line: line)
        let head = try XCTUnwrap(try LedgerStore(root: replay.appendingPathComponent("access").path, displayRoot: "").readState()).auditHash
        XCTAssertTrue(
            result.standardOutput.hasSuffix("Applied at \(TestSupport.bundledRunTime): 15 granted, 0 changed, 0 removed; 57 audit events appended (head \(head)).\n"),
            result.standardOutput, line: line)
        assertText(try String(contentsOf: replay.appendingPathComponent("access/state/grants.json"), encoding: .utf8), try golden("grants.json"), message + ": state", line: line)
        assertText(try String(contentsOf: replay.appendingPathComponent("access/audit/log.jsonl"), encoding: .utf8), try golden("log.jsonl"), message + ": audit", line: line)
        assertText(
            try String(contentsOf: replay.appendingPathComponent("access/state/configuration.json"), encoding: .utf8), try golden("configuration.json"),
            message + ": trusted configuration", line: line)
        assertText(try String(contentsOf: replay.appendingPathComponent("access/state/outbox.jsonl"), encoding: .utf8), try golden("outbox.jsonl"), message + ": outbox", line: line)
    }

    func testReplayOfTheManifestsWritesTheGoldenStateAndAudit() throws {
        try assertReplayIsGolden(from: TestSupport.repositoryRoot.appendingPathComponent("access"), "replay of the bundled manifests")
    }

    /// The committed state and audit log are the golden ones. Read from git's HEAD, never
    /// from the working tree, which the main job may have rewritten.
    func testCommittedStateAndAuditAreTheGoldenRun() throws {
        for (path, file) in [
            ("access/state/grants.json", "grants.json"), ("access/state/configuration.json", "configuration.json"), ("access/state/outbox.jsonl", "outbox.jsonl"),
            ("access/audit/log.jsonl", "log.jsonl"),
        ] {
            let committed = try XCTUnwrap(try Self.gitShow("HEAD:" + path), "git or the repository is not there")
            guard let state = try? Self.gitShow("HEAD:access/state/grants.json"), state.contains("\"lastRun\": \"\(TestSupport.bundledRunTime)\"") else {
                throw XCTSkip("HEAD's access/state is from another run than the bundled one (someone committed the main job's output)")
            }
            assertText(committed, try golden(file), path)
        }
    }

    /// `git show REV:PATH` run in the repository, or nil when git or the repository is missing.
    private static func gitShow(_ object: String) throws -> String? {
        guard let git = ["/usr/bin/git", "/usr/local/bin/git", "/opt/homebrew/bin/git"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("git is not installed: the committed state cannot be compared")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["-C", TestSupport.repositoryRoot.path, "show", object]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("not a git checkout: the committed state cannot be compared") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The README's two commands in either order, any number of times, on any date: the main
    /// job rewrites state and audit, and what the tests read stays the same.
    func testMainJobThenTestsInAnyOrder() throws {
        let checkout = try TestSupport.temporaryDirectory(self)
        let tree = try TestSupport.copyBundledTree(to: checkout)
        try assertReplayIsGolden(from: tree, "before any main job")
        for now in ["2026-12-02T04:00:00Z", "2027-06-01T00:00:00Z", "2027-06-01T00:00:00Z", "2027-12-31T00:00:00Z"] {
            let main = run(["reconcile", "--root", "access", "--now", now], in: checkout)
            XCTAssertEqual(main.exitCode, 0, main.standardError)
            try assertReplayIsGolden(from: tree, "after the main job at \(now)")
        }
        XCTAssertEqual(run(["audit", "verify", "--root", "access"], in: checkout).exitCode, 0)
    }

    func testLaterRunRemovesTheExpiredSupportGrant() throws {
        try TestSupport.copyBundledTree(to: work)
        let result = run(["reconcile", "--root", "access", "--now", "2026-12-02T04:00:00Z"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        assertText(result.standardOutput, """
            Plan at 2026-12-02T04:00:00Z (last run \(TestSupport.bundledRunTime)):

            - request/acme-prod-outage-2026-12-01 (expired)
                principal  jane.doe
                grants     role support-operator
                resources  site:acme-prod
                window     2026-12-01T04:00:00Z to 2026-12-01T08:00:00Z
                source     request acme-prod-outage-2026-12-01, BREAK-GLASS: self-approved by jane.doe; review due by 2026-12-02T04:00:00Z
                why        expired at 2026-12-01T08:00:00Z

            - request/globex-gina-invoices-2026-12-01 (expired)
                principal  raj.patel
                grants     actions impersonate
                resources  principal:gina.ross
                window     2026-12-01T04:00:00Z to 2026-12-01T06:00:00Z
                source     request globex-gina-invoices-2026-12-01, approved by gina.ross
                why        expired at 2026-12-01T06:00:00Z

            - request/initech-staging-logs-2026-11-30 (expired)
                principal  raj.patel
                grants     role support-readonly
                resources  site:initech-staging
                window     2026-11-30T16:00:00Z to 2026-12-01T16:00:00Z
                source     request initech-staging-logs-2026-11-30, approved by ian.wright
                why        expired at 2026-12-01T16:00:00Z

            Notifications to queue:
              grant.expired acme-prod-outage-2026-12-01 to jane.doe (inbox)
              grant.expired globex-gina-invoices-2026-12-01 to raj.patel (inbox)
              grant.expired initech-staging-logs-2026-11-30 to raj.patel (inbox)

            Plan: 0 to grant, 0 to change, 3 to remove.
            Applied at 2026-12-02T04:00:00Z: 0 granted, 0 changed, 3 removed; 6 audit events appended (head \(try LedgerStore(root: work.appendingPathComponent("access").path, displayRoot: "").readState()!.auditHash)).

            """)
        let markdown = run(["plan", "--root", "access", "--now", "2026-12-20T00:00:00Z", "--format", "markdown"])
        // The break-glass grant's review is still missing: the plan keeps saying so.
        assertText(markdown.standardOutput, "### accessctl plan\n\nAt `2026-12-20T00:00:00Z`: **No changes. The grants in force match the access tree.**\n\n"
            + "- break-glass request acme-prod-outage-2026-12-01 of jane.doe: its signed review was due at 2026-12-02T04:00:00Z and is missing (an approver runs: accessctl review acme-prod-outage-2026-12-01)\n")
    }

    /// The demo stays alive: on any date until the end of 2027 the main job shows an active
    /// request grant with an end, a production request waiting for its second approver and
    /// a standing binding with an end date.
    func testBundledTreeStaysAliveUntilTheEndOf2027() throws {
        try TestSupport.copyBundledTree(to: work)
        for now in ["2026-12-02T04:00:00Z", "2027-03-01T00:00:00Z", "2027-06-01T00:00:00Z", "2027-09-30T12:00:00Z", "2027-12-31T00:00:00Z", "2027-12-31T23:59:59Z"] {
            let status = run(["status", "--root", "access", "--now", now, "--format", "json"])
            XCTAssertEqual(status.exitCode, 0, status.standardError)
            let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [[String: Any]], status.standardOutput)
            let states = Dictionary(grouping: rows, by: { $0["state"] as? String ?? "" })
            XCTAssertFalse((states["active"] ?? []).filter { ($0["terms"] as? [String: Any])?["validTo"] is String }.isEmpty, "no active request with an end at \(now)")
            // The retainer no policy can approve (its condition fails) waits until it goes stale on 12-07.
            let pending = ["globex-prod-maintenance-2028-01"] + (now < "2026-12-07" ? ["initech-staging-retainer-2027"] : [])
            XCTAssertEqual((states["pending"] ?? []).compactMap { $0["name"] as? String }.sorted(), pending, now)
            for history in ["expired", "denied", "revoked", "relinquished", "voided", "stale"] {
                XCTAssertNotNil(states[history], "no \(history) request at \(now)")
            }
            let plan = run(["reconcile", "--root", "access", "--now", now])
            XCTAssertEqual(plan.exitCode, 0, plan.standardError)
            let state = try String(contentsOf: work.appendingPathComponent("access/state/grants.json"), encoding: .utf8)
            XCTAssertTrue(state.contains("\"key\": \"binding/deploy-bot-sites/deploy-bot\""), now)
            XCTAssertTrue(state.contains("\"validTo\": \"2028-01-01T00:00:00Z\""), now)
        }
    }

    func testAuditShowFilters() throws {
        try TestSupport.copyBundledTree(to: work)
        assertText(run(["audit", "show", "--root", "access", "--request", "acme-backup-debug-2026-11-22"]).standardOutput, """
            #4 \(TestSupport.bundledRunTime) request.submitted request acme-backup-debug-2026-11-22
                requested by jane.doe: site:acme-prod ("Nightly backups fail on the production site, ticket 4521")
            #5 \(TestSupport.bundledRunTime) decision.seen request acme-backup-debug-2026-11-22
                approve by bob.owens signed at 2026-11-22T09:30:00Z first seen; it counts from the later of the two
            #6 \(TestSupport.bundledRunTime) decision.seen request acme-backup-debug-2026-11-22
                approve by alice.nguyen signed at 2026-11-22T09:41:00Z first seen; it counts from the later of the two
            #7 \(TestSupport.bundledRunTime) request.approved request acme-backup-debug-2026-11-22
                approved by bob.owens, alice.nguyen under policy support-production: role support-readonly and actions console, 2026-11-22T09:30:00Z to 2026-11-22T13:30:00Z
            #8 \(TestSupport.bundledRunTime) request.expired request acme-backup-debug-2026-11-22
                approved window ended at 2026-11-22T13:30:00Z
            5 events of 57.

            """)
        XCTAssertEqual(run(["reconcile", "--root", "access", "--now", "2026-12-02T04:00:00Z"]).exitCode, 0)
        assertText(run(["audit", "show", "--root", "access", "--principal", "raj.patel", "--since", "2026-12-01T12:00:00Z"]).standardOutput, """
            #59 2026-12-02T04:00:00Z request.expired request globex-gina-invoices-2026-12-01
                approved window ended at 2026-12-01T06:00:00Z
            #60 2026-12-02T04:00:00Z request.expired request initech-staging-logs-2026-11-30
                approved window ended at 2026-12-01T16:00:00Z
            #62 2026-12-02T04:00:00Z grant.expired request globex-gina-invoices-2026-12-01
                request/globex-gina-invoices-2026-12-01 removed: expired at 2026-12-01T06:00:00Z
            #63 2026-12-02T04:00:00Z grant.expired request initech-staging-logs-2026-11-30
                request/initech-staging-logs-2026-11-30 removed: expired at 2026-12-01T16:00:00Z
            4 events of 63.

            """)
        XCTAssertEqual(run(["audit", "show", "--root", "access", "--since", "yesterday"]).exitCode, 64)
    }
}
