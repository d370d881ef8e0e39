import Foundation
import XCTest

@testable import AccessCore
@testable import AccessLedger

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
