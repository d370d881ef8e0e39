import Foundation
import XCTest

@testable import AccessCore
@testable import AccessLedger
@testable import AccessFormats

/// The requesters' and approvers' workflow, played as a team would with real keys, plain
/// commands and the clock moving: a production policy needs two of the owners (ann, olga).
final class WorkflowTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        ["policies/support.yaml": TreeFixture.files["policies/support.yaml"]! + "  threshold: 2\n", "requests/sam-debug.yaml": nil]
    }

    private func approve(_ name: String, as who: String, at now: String) -> CommandResult {
        tree.run(["approve", name, "--root", "tree", "--as", who, "--key", keys[who]!], at: now)
    }

    /// Finding 1: both owners run plain `approve` minutes apart; the request completes, and its
    /// four hours start when the second approval took effect.
    func testTwoOwnersWithPlainApproveCompleteTheRequest() throws {
        let made = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader",
                             "--reason", "Ticket 7", "--duration", "4h", "--name", "sam-logs"], at: "2026-12-03T10:00:00Z")
        XCTAssertEqual(made.exitCode, 0, made.standardError)

        let first = approve("sam-logs", as: "ann", at: "2026-12-03T10:05:00Z")
        assertText(first.standardOutput, """
            approve by ann added to tree/requests/support/sam-logs.yaml: site:acme-prod; reader; 4h from when the threshold is reached
            sam-logs is pending: approved 1 of 2 under policy support; waiting for one more of: olga

            """)
        XCTAssertEqual(tree.run(["reconcile", "--root", "tree"], at: "2026-12-03T10:06:00Z").exitCode, 0)
        XCTAssertFalse(try grantKeys().contains("request/sam-logs"))

        // The same owner cannot count twice.
        let again = approve("sam-logs", as: "ann", at: "2026-12-03T10:10:00Z")
        XCTAssertEqual(again.exitCode, 1)
        assertText(again.standardError, "error: ann already signed an approval of these terms on sam-logs at 2026-12-03T10:05:00Z; one approver counts once, so nothing was written\n")

        let second = approve("sam-logs", as: "olga", at: "2026-12-03T10:30:00Z")
        assertText(second.standardOutput, """
            approve by olga added to tree/requests/support/sam-logs.yaml: site:acme-prod; reader; 4h from when the threshold is reached
            sam-logs is active: 2 of 2 under policy support (ann, olga), from 2026-12-03T10:30:00Z until 2026-12-03T14:30:00Z

            """)
        let run = tree.run(["reconcile", "--root", "tree"], at: "2026-12-03T10:40:00Z")
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("+ request/sam-logs\n"), run.standardOutput)
        // The clock started when the run saw the second approval: four full hours from 10:40.
        let grant = try XCTUnwrap(LedgerStore(root: tree.root.path, displayRoot: "").readState()?.grants.first { $0.key == "request/sam-logs" })
        XCTAssertEqual(grant.validFrom?.description, "2026-12-03T10:40:00Z")
        XCTAssertEqual(grant.validTo?.description, "2026-12-03T14:40:00Z")
        let status = tree.run(["status", "sam-logs", "--root", "tree"], at: "2026-12-03T11:00:00Z")
        XCTAssertTrue(status.standardOutput.contains("  state:        active\n"), status.standardOutput)
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree"], at: "2026-12-03T14:39:00Z").exitCode, 0)

        let expired = tree.run(["reconcile", "--root", "tree"], at: "2026-12-03T14:41:00Z")
        XCTAssertTrue(expired.standardOutput.contains("- request/sam-logs"), expired.standardOutput)
        XCTAssertFalse(try grantKeys().contains("request/sam-logs"))
        // Finding 2: deciding on an ended request is refused with the reason.
        let late = tree.run(["revoke", "sam-logs", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--reason", "done"], at: "2026-12-03T15:00:00Z")
        assertText(late.standardError, "error: sam-logs is expired: its access ended at 2026-12-03T14:40:00Z. A revoke would change nothing; nothing was written. To ask again: accessctl request extend sam-logs (or request new)\n")
    }

    /// A second approver who passes other terms is shown both sets side by side.
    func testDifferingTermsAreShownSideBySide() throws {
        XCTAssertEqual(tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader",
                                 "--reason", "Ticket 8", "--duration", "4h", "--name", "sam-8"], at: "2026-12-03T10:00:00Z").exitCode, 0)
        XCTAssertEqual(approve("sam-8", as: "ann", at: "2026-12-03T10:05:00Z").exitCode, 0)
        let shorter = tree.run(["approve", "sam-8", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--duration", "2h"], at: "2026-12-03T10:06:00Z")
        assertText(shorter.standardOutput, """
            approve by olga added to tree/requests/support/sam-8.yaml: site:acme-prod; reader; 2h from when the threshold is reached
            sam-8 is pending: approved 1 of 2 under policy support; waiting for one more of: olga
            approvals with different terms do not count together:
              ann (policy support): site:acme-prod; reader; 4h from when the threshold is reached
              olga (policy support): site:acme-prod; reader; 2h from when the threshold is reached

            """)
        // olga joins ann's terms: that completes the request.
        let joined = tree.run(["approve", "sam-8", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--duration", "4h"], at: "2026-12-03T10:07:00Z")
        XCTAssertTrue(joined.standardOutput.contains("sam-8 is active: 2 of 2 under policy support (ann, olga), from 2026-12-03T10:07:00Z until 2026-12-03T14:07:00Z\n"), joined.standardOutput)
    }
}

/// Workflow findings 6 to 9 on the fixture tree (ann and olga own site:acme-prod; sam asks):
/// names for paths, simulations that never block, JSON listings with their schema, check's
/// exit codes and the inbox.
final class ScriptingTests: ReconcileTestCase {
    private func json(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        XCTAssertEqual(result.exitCode, 0, result.standardError, file: file, line: line)
        return try JSONParser.parse(result.standardOutput, file: "output.json").json
    }

    /// Finding 7: a run in the future is refused, a replay into another folder is not, and the
    /// next real run works.
    func testSimulationNeverBlocksTheNextRealRun() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        let before = try read(StateFile.relativePath)
        let future = tree.run(["reconcile", "--root", "tree", "--now", "2027-06-01T00:00:00Z"], at: "2026-11-22T09:20:00Z")
        XCTAssertEqual(future.exitCode, 1)
        XCTAssertTrue(future.standardError.hasPrefix("error: --now 2027-06-01T00:00:00Z is ahead of the clock (2026-11-22T09:20:00Z): a reconcile then would record its last run in the future"), future.standardError)
        XCTAssertEqual(try read(StateFile.relativePath), before, "nothing was written")
        // A plan in the future writes nothing either.
        XCTAssertEqual(tree.run(["plan", "--root", "tree", "--now", "2027-06-01T00:00:00Z"], at: "2026-11-22T09:20:00Z").exitCode, 0)
        XCTAssertEqual(try read(StateFile.relativePath), before)

        let replay = tree.run(["reconcile", "--root", "tree", "--now", "2027-06-01T00:00:00Z", "--replay-into", "replay"], at: "2026-11-22T09:20:00Z")
        XCTAssertEqual(replay.exitCode, 0, replay.standardError)
        let replayState = tree.root.deletingLastPathComponent().appendingPathComponent("replay/state/grants.json")
        XCTAssertTrue(try String(contentsOf: replayState, encoding: .utf8).contains("\"lastRun\": \"2027-06-01T00:00:00Z\""))
        XCTAssertEqual(try read(StateFile.relativePath), before, "the tree's state is untouched")
        XCTAssertEqual(tree.run(["audit", "verify", "--root", "tree"]).exitCode, 0)
        let next = tree.run(["reconcile", "--root", "tree"], at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(next.exitCode, 0, next.standardError)
        XCTAssertEqual(tree.run(["reconcile", "--root", "tree", "--replay-into", "replay", "--hook", "true"]).exitCode, 64)
    }

    /// Finding 6: from inside the tree, commands find it by walking up; a request may be named
    /// by its name or its file everywhere.
    func testTheTreeIsFoundFromInsideAndRequestsByNameOrPath() throws {
        let inside = AccessCLI(environment: [:], currentDirectory: tree.root.appendingPathComponent("requests").path, clock: TestSupport.clock(for: ["--now", "2026-11-22T09:10:00Z"]))
        let validate = inside.run(["validate", "--now", "2026-11-22T09:10:00Z"])
        XCTAssertEqual(validate.standardOutput, "..: 13 manifests valid.\n", validate.standardError)
        let status = inside.run(["status", "sam-debug.yaml", "--now", "2026-11-22T09:10:00Z"])
        XCTAssertTrue(status.standardOutput.hasPrefix("sam-debug (../requests/sam-debug.yaml)\n"), status.standardOutput + status.standardError)
        let beside = AccessCLI(environment: [:], currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock)
        XCTAssertEqual(beside.run(["validate"]).exitCode, 1, "no tree named access beside it, none above")
        XCTAssertEqual(tree.run(["request", "extend", "tree/requests/sam-debug.yaml", "--root", "tree", "--at", "2026-11-22T10:00:00Z"]).exitCode, 0)
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        XCTAssertTrue(tree.run(["audit", "show", "--root", "tree", "--request", "tree/requests/sam-debug.yaml"]).standardOutput.contains("request.submitted request sam-debug"))
    }

    /// Finding 5: reconcile --report compiles the templates before it applies anything, so a
    /// broken template stops the run with nothing recorded; a good one renders after applying.
    func testReconcileReportChecksTheTemplatesFirst() throws {
        let mine = tree.root.deletingLastPathComponent().appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("{{#broken}}\n".utf8).write(to: mine.appendingPathComponent("index.mustache"))
        let broken = reconcile("2026-11-22T09:10:00Z", ["--report", "site", "--templates", "mine"])
        XCTAssertEqual(broken.exitCode, 1)
        XCTAssertTrue(broken.standardError.hasPrefix("error: the report cannot be rendered, so nothing was applied: mine/index.mustache:"), broken.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree.root.appendingPathComponent(StateFile.relativePath).path), "nothing recorded")
        let good = reconcile("2026-11-22T09:10:00Z", ["--report", "site"])
        XCTAssertEqual(good.exitCode, 0, good.standardError)
        XCTAssertTrue(good.standardOutput.contains("Report written to site: "), good.standardOutput)
    }

    /// Finding 8: check exits 0 allowed, 1 denied, 3 when it cannot answer.
    func testCheckExitCodes() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z").exitCode, 0)
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"]).exitCode, 0)
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-23T10:00:00Z"]).exitCode, 1)
        let unknown = tree.run(["check", "samm", "read", "site:acme-prod", "--root", "tree"])
        XCTAssertEqual(unknown.exitCode, 3)
        assertText(unknown.standardError, "error: unknown principal 'samm'; did you mean 'sam'?\n")
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:nowhere", "--root", "tree"]).exitCode, 3)
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "missing"]).exitCode, 3)
        XCTAssertEqual(tree.run(["check", "sam", "read"]).exitCode, 64)
    }

    /// Finding 8: every listing has JSON output that parses, with the documented keys.
    func testJSONListings() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z").exitCode, 0)
        let at = ["--at", "2026-11-22T10:00:00Z"]
        let whoCan = try json(tree.run(["who-can", "read", "site:acme-prod", "--root", "tree", "--format", "json"] + at))
        XCTAssertEqual(whoCan["resource"]?.stringValue, "site:acme-prod")
        guard case .array(let principals)? = whoCan["principals"] else { return XCTFail("principals") }
        XCTAssertEqual(principals.compactMap { $0["id"]?.stringValue }, ["ann", "sam"])
        let samPath = principals[1]["paths"]?[item: 0]
        XCTAssertEqual(samPath?["grant"]?.stringValue, "sam -> request sam-debug (approved by ann) -> role reader")
        XCTAssertEqual(samPath?["until"]?.stringValue, "2026-11-22T13:30:00Z")

        let access = try json(tree.run(["access", "sam", "--root", "tree", "--format", "json"] + at))
        guard case .array(let rows)? = access["access"] else { return XCTFail("access") }
        XCTAssertEqual(rows.map { "\($0["action"]?.stringValue ?? "") \($0["resource"]?.stringValue ?? "")" }, ["read site:acme-prod"])

        let audit = try json(tree.run(["audit", "show", "--root", "tree", "--request", "sam-debug", "--format", "json"]))
        guard case .array(let events)? = audit["events"] else { return XCTFail("events") }
        XCTAssertEqual(events.compactMap { $0["event"]?.stringValue }, ["request.submitted", "decision.seen", "request.approved", "grant.activated"])
        XCTAssertNotNil(events.first?["hash"]?.stringValue)
        XCTAssertNotNil(events.first?["summary"]?.stringValue)

        let status = try json(tree.run(["status", "--root", "tree", "--format", "json", "--now", "2026-11-22T10:00:00Z"]))
        guard case .array(let requests) = status else { return XCTFail("status") }
        XCTAssertEqual(requests.first?["state"]?.stringValue, "active")
        XCTAssertEqual(requests.first?["window"]?["validTo"]?.stringValue, "2026-11-22T13:30:00Z")
        XCTAssertEqual(requests.first?["waiting"], .null)
        for key in ["name", "file", "state", "requester", "resources", "role", "actions", "reason", "requestedAt", "duration", "updatedAt", "approvers", "window", "waiting", "decisions"] {
            XCTAssertNotNil(requests.first?[key], key)
        }
    }

    /// Finding 9 and 6: the inbox lists what waits for me, by name; status NAME says who can
    /// still approve; approve takes a request's name.
    func testInboxAndNames() throws {
        let inbox = tree.run(["inbox", "--as", "olga", "--root", "tree", "--now", "2026-11-22T09:10:00Z"])
        assertText(inbox.standardOutput, """
            Waiting for olga's decision, oldest first:
              sam-debug: sam asks for site:acme-prod (reader, 4h), requested 2026-11-22T09:00:00Z
                reason: Debug ticket 1
                approved 0 of 1 under policy support; waiting for one of: ann, olga
                accessctl approve sam-debug --as olga --key KEY   (or deny ... --reason TEXT)

            olga has made no requests.

            """)
        let mine = try json(tree.run(["inbox", "--as", "sam", "--root", "tree", "--now", "2026-11-22T09:10:00Z", "--format", "json"]))
        XCTAssertEqual(mine["awaiting"], .array([]))
        XCTAssertEqual(mine["requests"]?[item: 0]?["waiting"]?["canApprove"], .array([.string("ann"), .string("olga")]))
        let awaiting = try json(tree.run(["status", "--awaiting", "ann", "--root", "tree", "--now", "2026-11-22T09:10:00Z", "--format", "json"]))
        XCTAssertEqual(awaiting["awaiting"]?[item: 0]?["name"]?.stringValue, "sam-debug")
        XCTAssertNil(awaiting["requests"], "status --awaiting lists only what waits")
        let detail = tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-11-22T09:10:00Z"])
        XCTAssertTrue(detail.standardOutput.contains("  waiting:      approved 0 of 1 under policy support; waiting for one of: ann, olga\n"), detail.standardOutput)
        // By name, not path.
        let approved = tree.run(["approve", "sam-debug", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T09:30:00Z"])
        XCTAssertEqual(approved.exitCode, 0, approved.standardError)
        XCTAssertTrue(approved.standardOutput.hasPrefix("approve by olga added to tree/requests/sam-debug.yaml"), approved.standardOutput)
        XCTAssertEqual(tree.run(["inbox", "--as", "olga", "--root", "tree", "--now", "2026-11-22T09:40:00Z"]).standardOutput.components(separatedBy: "\n")[0], "Nothing waits for olga's decision.")
    }
}

/// Colour on a terminal only: never piped, never with NO_COLOR.
final class ColourTests: ReconcileTestCase {
    func testPlanAndStatusAreColouredOnlyForATerminal() throws {
        XCTAssertTrue(TerminalColour.wanted(environment: [:], isTerminal: true))
        XCTAssertFalse(TerminalColour.wanted(environment: [:], isTerminal: false), "piped")
        XCTAssertFalse(TerminalColour.wanted(environment: ["NO_COLOR": "1"], isTerminal: true))
        XCTAssertFalse(TerminalColour.wanted(environment: ["TERM": "dumb"], isTerminal: true))
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        var cli = AccessCLI(environment: [:], currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock(for: ["--now", "2026-11-22T10:00:00Z"]))
        let plain = cli.run(["plan", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertFalse(plain.standardOutput.contains("\u{1B}"), "no colour unless asked")
        cli.colour = true
        let plan = cli.run(["plan", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(plan.standardOutput.contains("\u{1B}[32m+ request/sam-debug\u{1B}[0m\n"), plan.standardOutput)
        let stripped = ["\u{1B}[32m", "\u{1B}[33m", "\u{1B}[31m", "\u{1B}[0m"].reduce(plan.standardOutput) { $0.replacingOccurrences(of: $1, with: "") }
        XCTAssertEqual(stripped, plain.standardOutput, "colour adds nothing else")
        let status = cli.run(["status", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(status.standardOutput.contains("\u{1B}[32mactive\u{1B}[0m"), status.standardOutput)
        let parse = cli.run(["validate", "--root", "nowhere"])
        XCTAssertTrue(parse.standardError.contains("\u{1B}[31merror:\u{1B}[0m"), parse.standardError)
    }
}

extension JSONValue {
    /// The element at `index` of a list, for reading command output in tests.
    subscript(item index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
