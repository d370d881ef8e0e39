import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Shared set-up for reconcile tests: the small fixture tree with real keys for ann and olga
/// (owners, so approvers) and sam (the requester).
class ReconcileTestCase: XCTestCase {
    var tree: TreeFixture!
    var keys: [String: String] = [:]

    override func setUpWithError() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let made = try TestSupport.makeKeys(["ann", "olga", "sam"], in: try TestSupport.temporaryDirectory(self))
        keys = made.paths
        let files = TreeFixture.signers(made.lines)
        tree = try TreeFixture(self, changes: files.merging(extraFiles()) { $1 })
    }

    /// Files a suite adds or replaces.
    func extraFiles() -> [String: String?] { [:] }

    /// Signs a decision on `requests/NAME.yaml` through the CLI.
    /// An approval gets a fixed window starting at `at` unless `extra` places it: these
    /// suites test windows; `DurationApprovalTests` tests the duration default.
    func decide(_ kind: String, _ name: String = "sam-debug", by: String, at: String, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        let window = kind == "approve" && !extra.contains("--from") && !extra.contains("--to") ? ["--from", at] : []
        let result = tree.run([kind, "tree/requests/\(name).yaml", "--root", "tree", "--as", by, "--key", keys[by]!, "--at", at] + window + extra)
        XCTAssertEqual(result.exitCode, 0, result.standardError, file: file, line: line)
    }

    /// Signs a decision with `by`'s real key and appends it to the file without the command's
    /// checks: what someone who edits the YAML by hand (or an older accessctl) can write.
    func forceDecide(_ kind: Decision.Kind, _ name: String = "sam-debug", by: String, at: String, from: String? = nil, hours: Int64 = 4, reason: String? = nil) throws {
        let path = tree.root.appendingPathComponent("requests/\(name).yaml").path
        let loaded = TreeLoader.load(root: tree.root.path, displayRoot: "tree")
        let request = try XCTUnwrap(loaded.tree.requests.first { $0.id == name })
        let time = Timestamp(rfc3339: at)!, start = Timestamp(rfc3339: from ?? at)!
        var decision = Decision(
            kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(time, at: .start),
            terms: kind == .approve ? Terms(validFrom: start, validTo: start.adding(hours * 3600), resources: request.spec.resources.map(\.value), role: request.spec.role?.value, actions: [], location: .start) : nil,
            reason: reason, specDigest: Located(request.specDigest, at: .start), signature: Located("", at: .start), location: .start)
        let settings = try XCTUnwrap(loaded.tree.settings)
        let payload = DecisionPayload.bytes(organization: settings.organization.value, request: request, decision: decision)
        decision.signature.value = try SSHKeygen().sign(payload, keyPath: keys[by]!, namespace: settings.signatureNamespace, environment: nil)
        try Data(try DecisionFile.appending(decision, toFileAt: path, display: name).utf8).write(to: URL(fileURLWithPath: path))
    }

    func plan(_ now: String, _ extra: [String] = []) -> CommandResult { tree.run(["plan", "--root", "tree", "--now", now] + extra) }
    /// A reconcile run at `now`: the clock reads `now` too, as it would for a real run then.
    func reconcile(_ now: String, _ extra: [String] = []) -> CommandResult { tree.run(["reconcile", "--root", "tree", "--now", now] + extra, at: now) }
    func verify() -> CommandResult { tree.run(["audit", "verify", "--root", "tree"]) }

    func read(_ path: String) throws -> String { try String(contentsOf: tree.root.appendingPathComponent(path), encoding: .utf8) }
    func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: tree.root.appendingPathComponent(path)) }

    /// The configuration's digest, as `config digest` prints it.
    func configurationDigest() -> String {
        String(tree.run(["config", "digest", "--root", "tree"]).standardOutput.prefix { $0 != "\n" })
    }

    /// The note of a first run that pins the configuration (the fixture names ann an administrator).
    func pinnedNote() -> String {
        "Notes:\n  ! configuration \(configurationDigest()) trusted: pinned on first use\n\n"
    }

    /// Signs the tree's configuration as `by` through the CLI.
    func signConfiguration(by: String, at: String, file: StaticString = #filePath, line: UInt = #line) {
        let result = tree.run(["config", "sign", "--root", "tree", "--as", by, "--key", keys[by]!, "--at", at])
        XCTAssertEqual(result.exitCode, 0, result.standardError, file: file, line: line)
    }

    /// The `event` names of the audit log, in order.
    func events() throws -> [String] {
        try LedgerStore(root: tree.root.path, displayRoot: "").readLog().events.map { "\($0.event) \($0.request ?? $0.principal ?? "")" }
    }

    /// The keys of state/grants.json.
    func grantKeys() throws -> [String] {
        try LedgerStore(root: tree.root.path, displayRoot: "").readState()?.grants.map(\.key) ?? []
    }
}

final class ReconcileTests: ReconcileTestCase {
    let binding = """
        + binding/ann-admin/ann
            principal  ann
            grants     role admin
            resources  *
            window     no end
            source     binding ann-admin

        + role/ann/admin
            principal  ann
            grants     role admin
            resources  *
            window     no end
            source     principal ann names the role itself

        """

    func testRequestThroughTimeApprovedActiveExpiringExpired() throws {
        // Before approval: only the standing binding.
        assertText(plan("2026-11-22T09:10:00Z").standardOutput, "Plan at 2026-11-22T09:10:00Z (first run):\n\n" + binding + "\n" + pinnedNote()
            + "Notifications to queue:\n  request.submitted sam-debug to ann (inbox)\n  request.submitted sam-debug to olga (inbox)\n\nPlan: 2 to grant, 0 to change, 0 to remove.\n")
        XCTAssertEqual(plan("2026-11-22T09:10:00Z", ["--detailed-exitcode"]).exitCode, 2)
        let first = reconcile("2026-11-22T09:10:00Z")
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        XCTAssertTrue(first.standardOutput.hasSuffix("Applied at 2026-11-22T09:10:00Z: 2 granted, 0 changed, 0 removed; 4 audit events appended (head \(try LedgerStore(root: tree.root.path, displayRoot: "").readState()!.auditHash)).\n"), first.standardOutput)
        XCTAssertEqual(try events(), ["configuration.trusted ", "request.submitted sam-debug", "grant.activated ann", "grant.activated ann"])

        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "2h"])
        let approved = """
            Plan at 2026-11-22T10:00:00Z (last run 2026-11-22T09:10:00Z):

            + request/sam-debug
                principal  sam
                grants     role reader
                resources  site:acme-prod
                window     2026-11-22T09:30:00Z to 2026-11-22T11:30:00Z
                source     request sam-debug, approved by ann

            Notifications to queue:
              request.approved sam-debug to sam (inbox)

            Plan: 1 to grant, 0 to change, 0 to remove.

            """
        assertText(plan("2026-11-22T10:00:00Z").standardOutput, approved)
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "request/sam-debug", "role/ann/admin"])
        let log = try LedgerStore(root: tree.root.path, displayRoot: "").readLog()
        let approval = try XCTUnwrap(log.events.first { $0.event == "request.approved" })
        XCTAssertEqual(approval.actor, "ann")
        XCTAssertEqual(approval.detail("modifications"), .array([.string("duration: asked 4h, granted 2h")]))
        XCTAssertEqual(approval.detail("terms").map(CanonicalJSON.encode), #"{"resources":["site:acme-prod"],"role":"reader","validFrom":"2026-11-22T09:30:00Z","validTo":"2026-11-22T11:30:00Z"}"#)

        // Expiring: no change yet, but the plan says so.
        let expiring = plan("2026-11-22T11:00:00Z")
        assertText(expiring.standardOutput, "Plan at 2026-11-22T11:00:00Z (last run 2026-11-22T10:00:00Z):\n\nNotes:\n  ! request/sam-debug of sam expires at 2026-11-22T11:30:00Z, in 30m\n\nNotifications to queue:\n  grant.expiring sam-debug to sam (inbox)\n\nNo changes. The grants in force match the access tree.\n")
        XCTAssertEqual(plan("2026-11-22T11:00:00Z", ["--detailed-exitcode"]).exitCode, 0)

        let expired = """
            Plan at 2026-11-22T11:30:00Z (last run 2026-11-22T10:00:00Z):

            - request/sam-debug (expired)
                principal  sam
                grants     role reader
                resources  site:acme-prod
                window     2026-11-22T09:30:00Z to 2026-11-22T11:30:00Z
                source     request sam-debug, approved by ann
                why        expired at 2026-11-22T11:30:00Z

            Notifications to queue:
              grant.expired sam-debug to sam (inbox)

            Plan: 0 to grant, 0 to change, 1 to remove.

            """
        assertText(plan("2026-11-22T11:30:00Z").standardOutput, expired)
        XCTAssertEqual(reconcile("2026-11-22T11:30:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
        XCTAssertEqual(try events().suffix(4), ["request.approved sam-debug", "grant.activated sam-debug", "request.expired sam-debug", "grant.expired sam-debug"])

        // Idempotent: a second run at the same now changes no byte.
        let state = try read(StateFile.relativePath), audit = try read(AuditLog.relativePath)
        let again = reconcile("2026-11-22T11:30:00Z")
        XCTAssertTrue(again.standardOutput.contains("No changes.") && again.standardOutput.hasSuffix("0 audit events appended.\n"), again.standardOutput)
        XCTAssertEqual(try read(StateFile.relativePath), state)
        XCTAssertEqual(try read(AuditLog.relativePath), audit)
        XCTAssertEqual(verify().exitCode, 0, verify().standardError)
    }

    func testSameInputsGiveByteIdenticalFiles() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        let copy = tree.root.deletingLastPathComponent().appendingPathComponent("copy")
        try FileManager.default.copyItem(at: tree.root, to: copy)
        for now in ["2026-11-22T10:00:00Z", "2026-11-22T14:00:00Z"] {
            XCTAssertEqual(reconcile(now).exitCode, 0)
            XCTAssertEqual(tree.run(["reconcile", "--root", "copy", "--now", now]).exitCode, 0)
        }
        for file in [StateFile.relativePath, AuditLog.relativePath] {
            XCTAssertEqual(try read(file), try String(contentsOf: copy.appendingPathComponent(file), encoding: .utf8), file)
        }
    }

    func testRevokeBeforeExpiryAndRevertedRevokeIsNotGrantedAgain() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        let beforeRevoke = try read("requests/sam-debug.yaml")
        decide("revoke", by: "olga", at: "2026-11-22T10:30:00Z", ["--reason", "ticket closed"])
        let revoked = plan("2026-11-22T11:00:00Z").standardOutput
        XCTAssertTrue(revoked.contains("- request/sam-debug (revoked)\n"), revoked)
        XCTAssertTrue(revoked.contains("    why        revoked by olga at 2026-11-22T10:30:00Z: ticket closed\n"), revoked)
        XCTAssertEqual(reconcile("2026-11-22T11:00:00Z").exitCode, 0)
        XCTAssertEqual(try events().suffix(2), ["request.revoked sam-debug", "grant.revoked sam-debug"])

        // A later commit removes the revoke: the approval verifies again, but the log remembers.
        try write("requests/sam-debug.yaml", beforeRevoke)
        XCTAssertEqual(tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-11-22T11:30:00Z"]).exitCode, 0)
        let reverted = plan("2026-11-22T11:30:00Z")
        assertText(reverted.standardOutput, """
            Plan at 2026-11-22T11:30:00Z (last run 2026-11-22T11:00:00Z):

            Notes:
              ! request sam-debug is approved in the tree, but the audit log shows it revoked at 2026-11-22T11:00:00Z; it is not granted again (access needs a new request)

            No changes. The grants in force match the access tree.

            """)
        XCTAssertEqual(reconcile("2026-11-22T11:30:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
    }

    func testRelinquish() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        decide("relinquish", by: "sam", at: "2026-11-22T10:15:00Z")
        let result = reconcile("2026-11-22T10:20:00Z")
        XCTAssertTrue(result.standardOutput.contains("- request/sam-debug (relinquished)\n") && result.standardOutput.contains("why        relinquished by sam at 2026-11-22T10:15:00Z\n"), result.standardOutput)
        XCTAssertEqual(try events().suffix(2), ["request.relinquished sam-debug", "grant.relinquished sam-debug"])
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
    }

    func testApprovalVoidedBySpecEdit() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        try write("requests/sam-debug.yaml", try read("requests/sam-debug.yaml").replacingOccurrences(of: "reason: Debug ticket 1", with: "reason: Debug ticket 1 and more"))
        let result = reconcile("2026-11-22T10:30:00Z")
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("- request/sam-debug (voided)\n"), result.standardOutput)
        XCTAssertTrue(result.standardError.contains("warning: approve by ann is void"), result.standardError)
        XCTAssertEqual(try events().suffix(3), ["request.updated sam-debug", "decision.voided sam-debug", "grant.voided sam-debug"])
    }

    func testBrokenManifestBesideExpiringGrant() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "1h"])
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        try write("requests/broken.yaml", "apiVersion: accessctl/v1\nkind: AccessRequest\nmetadata:\n  name: broken\nspec: [unclosed\n")
        let result = reconcile("2026-11-22T11:00:00Z")
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix("tree/requests/broken.yaml:5:"), result.standardError)
        XCTAssertTrue(result.standardOutput.contains("- request/sam-debug (expired)\n"), result.standardOutput)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"], "the expiry is applied despite the broken file")
        XCTAssertEqual(plan("2026-11-22T11:00:00Z").exitCode, 1)
    }

    func testTamperedStateFileIsDriftRemovedAndLogged() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        let state = try read(StateFile.relativePath)
        let forged = state.replacingOccurrences(of: "\"grants\": [\n", with: """
            "grants": [
                {
                  "key": "binding/ann-admin/sam",
                  "principal": "sam",
                  "source": {
                    "kind": "binding",
                    "id": "ann-admin"
                  },
                  "resources": [
                    "*"
                  ],
                  "role": "admin"
                },

            """)
        XCTAssertNotEqual(forged, state)
        try write(StateFile.relativePath, forged)
        let verified = verify()
        XCTAssertEqual(verified.exitCode, 1)
        assertText(verified.standardError, "tree/state/grants.json: error: replaying the audit log up to line 4 does not give the state file's grants (the next reconcile corrects this as drift):\n  binding/ann-admin/sam: in the state file, never granted by the log\n")
        let result = reconcile("2026-11-22T09:20:00Z")
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("""
            - binding/ann-admin/sam (drift)
                principal  sam
                grants     role admin
                resources  *
                window     no end
                source     binding ann-admin
                why        the state file lists it, but the audit log shows no run granted it
                drift      the state file disagreed with the audit log here; corrected and logged

            """), result.standardOutput)
        XCTAssertEqual(try events().last, "grant.drift sam")
        XCTAssertEqual(try read(StateFile.relativePath), state.replacingOccurrences(of: "09:10:00Z", with: "09:20:00Z").replacingOccurrences(of: "\"seq\": 4", with: "\"seq\": 5").replacingOccurrences(of: try LedgerStore(root: tree.root.path, displayRoot: "").readLog().events[3].hash, with: try LedgerStore(root: tree.root.path, displayRoot: "").readLog().events[4].hash))
        XCTAssertEqual(verify().exitCode, 0)
    }

    func testClockGoingBackIsRefused() throws {
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        let state = try read(StateFile.relativePath)
        let result = reconcile("2026-11-22T09:00:00Z")
        XCTAssertEqual(result, CommandResult(exitCode: 1, standardError: "error: now (2026-11-22T09:00:00Z) is earlier than the last run (2026-11-22T10:00:00Z): the clock went back, which could bring ended access back. Fix the clock, or pass a --now at or after 2026-11-22T10:00:00Z\n"))
        XCTAssertEqual(plan("2026-11-22T09:00:00Z").exitCode, 1)
        XCTAssertEqual(try read(StateFile.relativePath), state)
    }

    func testHookFailureLeavesChangeUnappliedAndRetries() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        let received = tree.root.deletingLastPathComponent().appendingPathComponent("received.jsonl").path
        // The hook records what it gets and refuses grants to sam.
        let hook = "cat >> '\(received)'; tail -n 1 '\(received)' | grep -q '\"principal\":\"sam\"' && { echo 'sam is not provisioned yet' >&2; exit 3; }; exit 0"
        let failed = reconcile("2026-11-22T10:00:00Z", ["--hook", hook])
        XCTAssertEqual(failed.exitCode, 1)
        assertText(failed.standardError, "error: request/sam-debug: the hook exited with status 3: sam is not provisioned yet; not applied, tried again on the next run\n")
        XCTAssertTrue(failed.standardOutput.hasSuffix("2 granted, 0 changed, 0 removed, 1 failed; 6 audit events appended (head \(try LedgerStore(root: tree.root.path, displayRoot: "").readState()!.auditHash)).\n"), failed.standardOutput)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
        let lines = try String(contentsOfFile: received, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(String(lines[1]), #"{"action":"grant","grant":{"approvers":["ann"],"key":"request/sam-debug","policy":"support","principal":"sam","resources":["site:acme-prod"],"role":"reader","source":{"id":"sam-debug","kind":"request"},"validFrom":"2026-11-22T09:30:00Z","validTo":"2026-11-22T13:30:00Z"},"key":"request/sam-debug","now":"2026-11-22T10:00:00Z"}"#)
        let retried = reconcile("2026-11-22T10:05:00Z", ["--hook", "cat > /dev/null"])
        XCTAssertEqual(retried.exitCode, 0, retried.standardError)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "request/sam-debug", "role/ann/admin"])
        XCTAssertEqual(verify().exitCode, 0)
    }

    func testMarkdownAndJSONPlans() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        decide("revoke", by: "olga", at: "2026-11-22T10:30:00Z", ["--reason", "ticket <42> | closed & *done*"])
        let markdown = plan("2026-11-22T11:00:00Z", ["--format", "markdown"])
        assertText(markdown.standardOutput, """
            ### accessctl plan

            At `2026-11-22T11:00:00Z`: **Plan: 0 to grant, 0 to change, 1 to remove.**

            | | grant | principal | permissions | resources | window | source | why |
            |---|---|---|---|---|---|---|---|
            | `-` remove | request/sam-debug | sam | role reader | site:acme-prod | 2026-11-22T09:30:00Z to 2026-11-22T13:30:00Z | request sam-debug, approved by ann | revoked: revoked by olga at 2026-11-22T10:30:00Z: ticket &lt;42&gt; \\| closed &amp; \\*done\\* |

            """)
        let json = plan("2026-11-22T11:00:00Z", ["--format", "json", "--detailed-exitcode"])
        XCTAssertEqual(json.exitCode, 2)
        let value = try JSONParser.parse(json.standardOutput).json
        XCTAssertEqual(value["summary"].map(CanonicalJSON.encode), #"{"change":0,"grant":0,"remove":1}"#)
        guard case .array(let changes)? = value["changes"] else { return XCTFail(json.standardOutput) }
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(changes.first?["cause"], .string("revoked"))
        XCTAssertEqual(changes.first?["reason"], .string("revoked by olga at 2026-11-22T10:30:00Z: ticket <42> | closed & *done*"))
    }

    func testBadLockTimeoutIsAUsageError() {
        let result = reconcile("2026-11-22T10:00:00Z", ["--lock-timeout", "soon"])
        XCTAssertEqual(result.exitCode, 64)
        XCTAssertTrue(result.standardError.hasPrefix("error: --lock-timeout needs a number of seconds; got 'soon'\n"), result.standardError)
    }

    func testUnreadableStateIsRebuiltFromTheLog() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        let state = try read(StateFile.relativePath)
        try write(StateFile.relativePath, "{ not json")
        let result = reconcile("2026-11-22T09:20:00Z")
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix("tree/state/grants.json:1:3: error: "), result.standardError)
        XCTAssertTrue(result.standardError.contains("; the state is rebuilt from the audit log\n"), result.standardError)
        XCTAssertTrue(result.standardOutput.contains("No changes."), result.standardOutput)
        XCTAssertEqual(try read(StateFile.relativePath), state.replacingOccurrences(of: "09:10:00Z", with: "09:20:00Z"))
        XCTAssertEqual(verify().exitCode, 0)
    }

    func testLogCutShortUnderTheStateIsRefused() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        let log = try read(AuditLog.relativePath)
        let lines = log.split(separator: "\n")
        try write(AuditLog.relativePath, lines.dropLast().map { $0 + "\n" }.joined())
        let head = try LedgerStore(root: tree.root.path, displayRoot: "").readState()!.auditHash
        XCTAssertEqual(reconcile("2026-11-22T09:20:00Z"), CommandResult(exitCode: 1, standardError: "tree/state/grants.json: error: the state names audit line 4 with hash \(head), but the log has only 3 complete lines: lines were removed from the end of the audit log, or the two files come from different runs. Restore both from git history\n"))
    }

    func testSecondRunWaitsForTheLockThenGivesUp() throws {
        let lock = try FileLock(path: tree.root.appendingPathComponent("state/.lock").path, timeout: 0)
        let result = reconcile("2026-11-22T10:00:00Z", ["--lock-timeout", "0.2"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix("error: another accessctl run holds the lock "), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree.root.appendingPathComponent(StateFile.relativePath).path))
        withExtendedLifetime(lock) {}
    }
}

/// The threshold case needs a policy asking for two approvers.
final class ReconcileThresholdTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        ["policies/support.yaml": TreeFixture.files["policies/support.yaml"]! + "  threshold: 2\n"]
    }

    func testThresholdMetOnlyBySecondApproval() throws {
        let window = ["--from", "2026-11-22T09:30:00Z", "--to", "2026-11-22T12:00:00Z"]
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", window)
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
        decide("approve", by: "olga", at: "2026-11-22T10:10:00Z", window)
        let result = reconcile("2026-11-22T10:15:00Z")
        XCTAssertTrue(result.standardOutput.contains("+ request/sam-debug\n") && result.standardOutput.contains("source     request sam-debug, approved by ann, olga\n"), result.standardOutput)
        let approval = try XCTUnwrap(LedgerStore(root: tree.root.path, displayRoot: "").readLog().events.first { $0.event == "request.approved" })
        XCTAssertEqual(approval.actor, "olga")
        XCTAssertEqual(approval.detail("approvers"), .array([.string("ann"), .string("olga")]))
    }
}
