import Foundation
import XCTest

@testable import AccessCore

/// reconcile, check, status and the report give one answer for a request the audit log
/// shows ended, even after a commit removes its revoke (finding 1 of the one-engine issue).
final class OneAnswerTests: ReconcileTestCase {
    func testARevertedRevokeGrantsNothingAnywhere() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        let approved = try read("requests/sam-debug.yaml")
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z").exitCode, 0)
        decide("revoke", by: "ann", at: "2026-11-22T10:00:00Z", ["--reason", "Ticket closed"])
        XCTAssertEqual(reconcile("2026-11-22T10:05:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
        // A later commit reverts the file to before the revoke.
        try write("requests/sam-debug.yaml", approved)

        let run = reconcile("2026-11-22T10:10:00Z")
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])

        let check = tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:10:00Z"])
        XCTAssertEqual(check.exitCode, 1, check.standardOutput)
        // Before the run that logged the revoke, the log agrees the access was there.
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T09:50:00Z"]).exitCode, 0)

        let status = tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-11-22T10:10:00Z"])
        XCTAssertTrue(status.standardOutput.contains("  state:        revoked\n"), status.standardOutput)
        XCTAssertEqual(tree.run(["who-can", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:10:00Z"]).standardOutput.contains("sam"), false)

        let report = tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-11-22T10:10:00Z", "--templates", TestSupport.repositoryRoot.appendingPathComponent("templates").path])
        XCTAssertEqual(report.exitCode, 0, report.standardError)
        let site = tree.root.deletingLastPathComponent().appendingPathComponent("site")
        XCTAssertNotNil(FileManager.default.contents(atPath: site.appendingPathComponent("requests-revoked.html").path))
        let active = (try? String(contentsOf: site.appendingPathComponent("requests-active.html"), encoding: .utf8)) ?? ""
        XCTAssertFalse(active.contains("sam-debug"), "the report does not show it active")
        let revoked = try String(contentsOf: site.appendingPathComponent("requests-revoked.html"), encoding: .utf8)
        XCTAssertTrue(revoked.contains("sam-debug"))
    }
}
