import Foundation
import XCTest

@testable import AccessCore

/// Reviews of standing access end to end with real keys: sam's role `reader` must be
/// confirmed by an owner every 30 days; the review falls due and its reviewers are asked, a
/// confirm starts the next period, an overdue review takes the access away (and `check`
/// agrees), a confirm brings it back, and a remove takes it away (issue 21, access reviews).
final class AccessReviewTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        [
            "accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + "  reviews:\n    grace: 7d\n",
            "principals/sam.yaml": nil,
        ]
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let sam = try String(contentsOfFile: keys["sam"]! + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try write("principals/sam.yaml", TreeFixture.files["principals/sam.yaml"]! + "  roles: [reader]\n  review:\n    every: 30d\n    by: owners\n  sshKeys:\n    - \(sam)\n")
    }

    func review(_ decision: String, by: String, at: String, file: StaticString = #filePath, line: UInt = #line) -> CommandResult {
        tree.run(["access-review", "role/sam/reader", "--root", "tree", "--decision", decision, "--as", by, "--key", keys[by]!, "--at", at], at: at)
    }

    func allowed(at: String) -> Bool {
        tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", at], at: at).exitCode == 0
    }

    func testAReviewFallsDueIsConfirmedAndWhenOverdueTakesTheAccessAwayUntilConfirmed() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:00:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys().filter { $0.hasPrefix("role/sam") }, ["role/sam/reader"])
        assertText(tree.run(["access-review", "--root", "tree"], at: "2026-11-22T09:30:00Z").standardOutput, """
            role/sam/reader  current  reviewed; next review due at 2026-12-22T09:00:00Z
            1 reviewed grant: 1 current, 0 due, 0 overdue, 0 removed.

            """)

        // Due after 30 days: the plan says so, the log opens the review, the owners are asked.
        let due = reconcile("2026-12-22T10:00:00Z")
        XCTAssertTrue(due.standardOutput.contains(
            "  ! review of role/sam/reader due: its review by team owners is due since 2026-12-22T09:00:00Z; overdue at 2026-12-29T09:00:00Z (a member of team owners runs: accessctl access-review role/sam/reader --decision confirm (or remove))\n"),
            due.standardOutput)
        XCTAssertTrue(due.standardOutput.contains("  review.opened  to ann (inbox)\n") && due.standardOutput.contains("  review.opened  to olga (inbox)\n"), due.standardOutput)
        XCTAssertTrue(allowed(at: "2026-12-22T10:30:00Z"), "within the grace period the access stays")

        // sam cannot confirm his own access; ann can.
        let own = review("confirm", by: "sam", at: "2026-12-22T11:00:00Z")
        XCTAssertEqual(own.standardError, "error: confirm of role/sam/reader by sam: no one reviews their own access; nothing was written\n")
        let confirmed = review("confirm", by: "ann", at: "2026-12-22T11:00:00Z")
        XCTAssertEqual(confirmed.standardOutput, "confirm of role/sam/reader by ann added to tree/trust/reviews.jsonl; it counts from the next reconcile\n", confirmed.standardError)
        XCTAssertEqual(reconcile("2026-12-22T12:00:00Z").exitCode, 0)
        XCTAssertEqual(try events().suffix(1), ["review.confirmed sam"])
        XCTAssertTrue(tree.run(["access-review", "--root", "tree"], at: "2026-12-22T12:30:00Z").standardOutput
            .hasPrefix("role/sam/reader  current  reviewed; next review due at 2027-01-21T12:00:00Z\n"))

        // Nobody confirms the next period: after the grace the access goes, and check agrees.
        let overdue = reconcile("2027-01-29T00:00:00Z")
        XCTAssertTrue(overdue.standardOutput.contains("""
            - role/sam/reader (review-overdue)
                principal  sam
                grants     role reader
                resources  site:*
                window     no end
                source     principal sam names the role itself
                why        its review by team owners was due at 2027-01-21T12:00:00Z and is overdue since 2027-01-28T12:00:00Z

            """), overdue.standardOutput)
        XCTAssertFalse(allowed(at: "2027-01-29T01:00:00Z"))
        XCTAssertEqual(try grantKeys().filter { $0.hasPrefix("role/sam") }, [])
        // The report lists the review as overdue, with the last confirm.
        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2027-01-29T01:00:00Z"], at: "2027-01-29T01:00:00Z").exitCode, 0)
        let admins = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("site/administrators.html"), encoding: .utf8)
        XCTAssertTrue(admins.contains(
            #"<tr><td data-label="Grant"><code>role/sam/reader</code></td><td data-label="Holder"><a href="people/sam.html">Sam Support</a> <span class="id">sam</span></td><td data-label="Review"><span class="state review-overdue">overdue</span>"#),
            admins)
        XCTAssertTrue(admins.contains("confirmed by ann, 2026-12-22 12:00 UTC"), admins)

        // A confirm brings it back (adding access: signed, in the plan, in the log).
        XCTAssertEqual(review("confirm", by: "olga", at: "2027-01-29T02:00:00Z").exitCode, 0)
        let back = reconcile("2027-01-29T03:00:00Z")
        XCTAssertTrue(back.standardOutput.contains("+ role/sam/reader\n"), back.standardOutput)
        XCTAssertTrue(allowed(at: "2027-01-29T04:00:00Z"))

        // A remove takes it away at once, whatever the schedule.
        let removal = tree.run(
            ["access-review", "role/sam/reader", "--root", "tree", "--decision", "remove", "--as", "ann", "--key", keys["ann"]!, "--at", "2027-02-01T00:00:00Z",
             "--reason", "Sam moved to engineering"], at: "2027-02-01T00:00:00Z")
        XCTAssertEqual(removal.exitCode, 0, removal.standardError)
        let removed = reconcile("2027-02-01T01:00:00Z")
        XCTAssertTrue(removed.standardOutput.contains("- role/sam/reader (review-removed)\n"), removed.standardOutput)
        XCTAssertTrue(removed.standardOutput.contains("    why        removed in review by ann at 2027-02-01T01:00:00Z: Sam moved to engineering\n"), removed.standardOutput)
        XCTAssertFalse(allowed(at: "2027-02-01T02:00:00Z"))
        XCTAssertEqual(verify().exitCode, 0)
    }

    func testAForgedOrMovedReviewCountsForNothing() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:00:00Z").exitCode, 0)
        XCTAssertEqual(review("confirm", by: "ann", at: "2026-11-22T10:00:00Z").exitCode, 0)
        // Someone edits the line: another signer's name on ann's signature.
        let path = tree.root.appendingPathComponent("trust/reviews.jsonl")
        let forged = try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: #""by":"ann""#, with: #""by":"olga""#)
        try forged.write(to: path, atomically: true, encoding: .utf8)
        let result = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T11:00:00Z"], at: "2026-11-22T11:00:00Z")
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix("tree/trust/reviews.jsonl:1:1: error: confirm of role/sam/reader by olga: bad signature"), result.standardError)
    }

    /// A review period added to access held for a while starts when a run first sees it, so
    /// the access is not overdue at once.
    func testAReviewAddedLaterStartsWhenFirstSeen() throws {
        let withReview = try read("principals/sam.yaml")
        try write("principals/sam.yaml", withReview.replacingOccurrences(of: "  review:\n    every: 30d\n    by: owners\n", with: ""))
        XCTAssertEqual(reconcile("2026-11-22T09:00:00Z").exitCode, 0)
        XCTAssertEqual(try grantKeys().filter { $0.hasPrefix("role/sam") }, ["role/sam/reader"])
        try write("principals/sam.yaml", withReview)
        signConfiguration(by: "ann", at: "2027-03-01T00:00:00Z")
        XCTAssertEqual(reconcile("2027-03-01T01:00:00Z").exitCode, 0)
        XCTAssertTrue(try events().contains("review.started sam"))
        assertText(tree.run(["access-review", "--root", "tree"], at: "2027-03-01T02:00:00Z").standardOutput, """
            role/sam/reader  current  reviewed; next review due at 2027-03-31T01:00:00Z
            1 reviewed grant: 1 current, 0 due, 0 overdue, 0 removed.

            """)
        XCTAssertEqual(try grantKeys().filter { $0.hasPrefix("role/sam") }, ["role/sam/reader"])
        // The same listing for scripts.
        let json = tree.run(["access-review", "--root", "tree", "--format", "json"], at: "2027-03-01T02:00:00Z").standardOutput
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], json)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["key"] as? String, "role/sam/reader")
        XCTAssertEqual(rows[0]["state"] as? String, "current")
        XCTAssertEqual(rows[0]["due"] as? String, "2027-03-31T01:00:00Z")
        XCTAssertTrue(rows[0]["confirmedBy"] is NSNull)
    }
}
