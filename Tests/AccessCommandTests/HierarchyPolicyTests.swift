import Foundation
import XCTest

@testable import AccessCore

/// The hierarchy never widens a policy: an approved grant on a parent reaches a child only if
/// the approvals satisfy a policy that matches the child (finding 3 of the one-engine issue).
final class HierarchyPolicyTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        [
            // Accounts need one owner; sites (the support policy) now need two.
            "policies/support-accounts.yaml": """
                apiVersion: accessctl/v1
                kind: Policy
                metadata:
                  name: support-accounts
                spec:
                  requesters:
                    teams: [support]
                  resources: ["account:*"]
                  roles: [reader]
                  maxDuration: 1d
                  approvers:
                    owner: true

                """,
            "policies/support.yaml": TreeFixture.files["policies/support.yaml"]!.replacingOccurrences(of: "    owner: true\n", with: "    owner: true\n  threshold: 2\n"),
            "requests/sam-account.yaml": TreeFixture.files["requests/sam-debug.yaml"]!
                .replacingOccurrences(of: "sam-debug", with: "sam-account").replacingOccurrences(of: "[site:acme-prod]", with: "[account:acme]"),
        ]
    }

    func testAParentGrantDoesNotReachAChildWhosePolicyNeedsMoreApprovals() throws {
        decide("approve", "sam-account", by: "ann", at: "2026-11-22T09:30:00Z")
        let check = tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(check.exitCode, 1, check.standardOutput)

        let status = tree.run(["status", "sam-account", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(status.standardOutput.contains("  state:        active\n"), status.standardOutput)
        XCTAssertTrue(status.standardOutput.contains("  not reached:  site:acme-prod left out: policy support needs 2 approvals, 1 given\n"), status.standardOutput)

        let run = reconcile("2026-11-22T10:00:00Z")
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("""
            + request/sam-account
                principal  sam
                grants     role reader
                resources  account:acme
                window     2026-11-22T09:30:00Z to 2026-11-22T13:30:00Z
                source     request sam-account, approved by ann
                except     site:acme-prod left out: policy support needs 2 approvals, 1 given

            """), run.standardOutput)
        XCTAssertTrue(try read("state/grants.json").contains("\"except\": [\n        \"site:acme-prod left out: policy support needs 2 approvals, 1 given\"\n      ]"))

        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-11-22T10:00:00Z", "--templates", TestSupport.repositoryRoot.appendingPathComponent("templates").path]).exitCode, 0)
        let page = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("site/requests/sam-account.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<li>Not reached: site:acme-prod left out: policy support needs 2 approvals, 1 given</li>"), page)
        let site = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("site/resources/site/acme-prod.html"), encoding: .utf8)
        XCTAssertFalse(site.contains("sam-account"), "the site's page does not list the request's access")

        // With the second owner's approval the site's own policy is satisfied too.
        decide("approve", "sam-account", by: "olga", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"]).exitCode, 0)
    }
}
