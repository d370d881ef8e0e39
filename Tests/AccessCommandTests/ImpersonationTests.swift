import Foundation
import XCTest

@testable import AccessCore

/// Impersonation end to end with real keys: principals are resources `principal:ID` once
/// the settings declare the type; sam asks to act as olga, olga (the impersonated person)
/// approves, the grant is active, audited naming both, shown on both people's report pages,
/// and expires (issue 21, proxy login).
final class ImpersonationTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        [
            "accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + """
                    principal:
                      actions: [impersonate]

                """,
            "policies/act-as.yaml": """
                apiVersion: accessctl/v1
                kind: Policy
                metadata:
                  name: act-as
                spec:
                  requesters:
                    teams: [support]
                  resources: ["principal:*"]
                  actions: [impersonate]
                  maxDuration: 2h
                  approvers:
                    impersonated: true

                """,
            "requests/sam-as-olga.yaml": """
                apiVersion: accessctl/v1
                kind: AccessRequest
                metadata:
                  name: sam-as-olga
                spec:
                  requester: sam
                  requestedAt: 2026-11-22T09:00:00Z
                  resources: [principal:olga]
                  actions: [impersonate]
                  reason: Olga's dashboard shows the wrong totals; see it as she does
                  duration: 1h

                """,
        ]
    }

    func testActingAsSomeoneIsRequestedApprovedByThemAuditedShownOnBothPagesAndEnds() throws {
        // Administrators' '*' does not reach principals: acting as someone always needs a grant naming it.
        let admin = tree.run(["check", "ann", "impersonate", "principal:olga", "--root", "tree", "--at", "2026-11-22T09:05:00Z"], at: "2026-11-22T09:05:00Z")
        XCTAssertEqual(admin.exitCode, 1, admin.standardOutput)
        // Only olga may approve; ann (an owner and administrator) may not.
        let other = tree.run(["approve", "sam-as-olga", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:10:00Z"], at: "2026-11-22T09:10:00Z")
        XCTAssertEqual(other.exitCode, 1)
        XCTAssertTrue(other.standardError.hasPrefix("error: ann cannot approve sam-as-olga: not an approver"), other.standardError)
        let approved = tree.run(["approve", "sam-as-olga", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T09:10:00Z"], at: "2026-11-22T09:10:00Z")
        XCTAssertEqual(approved.exitCode, 0, approved.standardError)

        let run = reconcile("2026-11-22T09:15:00Z")
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.contains("""
            + request/sam-as-olga
                principal  sam
                grants     actions impersonate
                resources  principal:olga
                window     2026-11-22T09:15:00Z to 2026-11-22T10:15:00Z
                source     request sam-as-olga, approved by olga

            """), run.standardOutput)
        // The log names both people on every event about it.
        let lines = try read("audit/log.jsonl").split(separator: "\n").filter { $0.contains("sam-as-olga") }
        XCTAssertEqual(lines.filter { $0.contains(#""event":"grant.activated""#) }.count, 1)
        for line in lines { XCTAssertTrue(line.contains(#""impersonated":["olga"]"#) && line.contains(#""principal":"sam""#), String(line)) }

        let allowed = tree.run(["check", "sam", "impersonate", "principal:olga", "--root", "tree", "--at", "2026-11-22T09:30:00Z"], at: "2026-11-22T09:30:00Z")
        assertText(allowed.standardOutput, """
            allowed: sam may impersonate principal:olga at 2026-11-22T09:30:00Z
              1. sam -> request sam-as-olga (approved by olga) -> action impersonate, until 2026-11-22T10:15:00Z

            """)
        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-11-22T09:30:00Z"], at: "2026-11-22T09:30:00Z").exitCode, 0)
        let site = tree.root.deletingLastPathComponent().appendingPathComponent("site")
        let olga = try String(contentsOf: site.appendingPathComponent("people/olga.html"), encoding: .utf8)
        XCTAssertTrue(olga.contains("<h2>Who can act as them</h2>"), olga)
        XCTAssertTrue(olga.contains(#"<td data-label="Who"><a href="../people/sam.html">Sam Support</a> <span class="id">sam</span></td>"#), olga)
        let sam = try String(contentsOf: site.appendingPathComponent("people/sam.html"), encoding: .utf8)
        XCTAssertTrue(sam.contains("principal:olga"), sam)

        // At its end the grant goes, and olga's page no longer lists anyone.
        let ended = reconcile("2026-11-22T10:20:00Z")
        XCTAssertTrue(ended.standardOutput.contains("- request/sam-as-olga (expired)\n"), ended.standardOutput)
        XCTAssertEqual(tree.run(["check", "sam", "impersonate", "principal:olga", "--root", "tree", "--at", "2026-11-22T10:30:00Z"], at: "2026-11-22T10:30:00Z").exitCode, 1)
        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "later", "--now", "2026-11-22T10:30:00Z"], at: "2026-11-22T10:30:00Z").exitCode, 0)
        let later = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("later/people/olga.html"), encoding: .utf8)
        XCTAssertFalse(later.contains("Who can act as them"), later)
        let events = try events().filter { $0.hasSuffix("sam-as-olga") }
        XCTAssertEqual(events, ["request.submitted sam-as-olga", "decision.seen sam-as-olga", "request.approved sam-as-olga", "request.expiring sam-as-olga", "grant.activated sam-as-olga", "request.expired sam-as-olga", "grant.expired sam-as-olga"])
    }

    /// A policy over principals that names no approvers: the impersonated person (or their
    /// owner team) approves by default.
    func testByDefaultThePersonToBeActedAsApproves() throws {
        try write("policies/act-as.yaml", try read("policies/act-as.yaml").replacingOccurrences(of: "  approvers:\n    impersonated: true\n", with: ""))
        XCTAssertEqual(tree.run(["validate", "--root", "tree", "--now", "2026-11-22T09:05:00Z"], at: "2026-11-22T09:05:00Z").exitCode, 0)
        let approved = tree.run(["approve", "sam-as-olga", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T09:10:00Z"], at: "2026-11-22T09:10:00Z")
        XCTAssertEqual(approved.exitCode, 0, approved.standardError)
        XCTAssertTrue(approved.standardOutput.contains("sam-as-olga is active: 1 of 1 under policy act-as (olga)"), approved.standardOutput)
    }

    /// No break-glass policy judges the request: its approvers have nothing to review.
    func testAReviewNeedsABreakGlassPolicy() throws {
        let result = tree.run(["review", "sam-as-olga", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T09:10:00Z"], at: "2026-11-22T09:10:00Z")
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertEqual(result.standardError, "error: olga cannot review sam-as-olga: only a break-glass grant takes a review; none of the policies olga approves under (act-as) is break-glass\n")
    }
}
