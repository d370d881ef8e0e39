import Foundation
import XCTest

@testable import AccessCore

/// Break-glass end to end with real keys: sam approves his own emergency request at once
/// (a reason is required), the grant is marked as emergency in the plan, the state, the
/// hook and the log, every administrator and owner is notified, and a review that is not
/// signed in time is flagged by validate, the plan and the log until an approver signs it
/// (issue 21, emergency access).
final class BreakGlassTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        [
            "policies/emergency.yaml": """
                apiVersion: accessctl/v1
                kind: Policy
                metadata:
                  name: emergency
                spec:
                  description: Production is down and nobody answers
                  requesters:
                    teams: [support]
                  resources: ["site:*"]
                  roles: [reader]
                  maxDuration: 2h
                  breakGlass: true
                  reviewWithin: 4h
                  approvers:
                    owner: true

                """,
            "requests/sam-outage.yaml": """
                apiVersion: accessctl/v1
                kind: AccessRequest
                metadata:
                  name: sam-outage
                spec:
                  requester: sam
                  requestedAt: 2026-11-22T10:00:00Z
                  resources: [site:acme-prod]
                  role: reader
                  reason: Acme production is down, incident 77
                  duration: 1h

                """,
        ]
    }

    func testASelfApprovedEmergencyGrantIsMarkedNotifiedAndItsMissingReviewIsFlagged() throws {
        // Without a reason the self-approval is refused.
        let bare = tree.run(["approve", "sam-outage", "--root", "tree", "--as", "sam", "--key", keys["sam"]!, "--at", "2026-11-22T10:01:00Z"], at: "2026-11-22T10:01:00Z")
        XCTAssertEqual(bare.exitCode, 1)
        XCTAssertEqual(bare.standardError, "error: sam cannot approve sam-outage: a break-glass approval needs a reason: say what the emergency is (--reason)\n")
        let approved = tree.run(
            ["approve", "sam-outage", "--root", "tree", "--as", "sam", "--key", keys["sam"]!, "--at", "2026-11-22T10:01:00Z", "--reason", "Nobody answers the phone"],
            at: "2026-11-22T10:01:00Z")
        XCTAssertEqual(approved.exitCode, 0, approved.standardError)
        assertText(approved.standardOutput, """
            approve by sam added to tree/requests/sam-outage.yaml: site:acme-prod; reader; 1h from when the threshold is reached
            sam-outage is active: 1 of 1 under policy emergency (sam), from 2026-11-22T10:01:00Z until 2026-11-22T11:01:00Z
            break-glass access: an approver must sign its review by 2026-11-22T14:01:00Z (accessctl review sam-outage)

            """)

        let received = tree.root.deletingLastPathComponent().appendingPathComponent("received.jsonl").path
        let first = reconcile("2026-11-22T10:05:00Z", ["--hook", "cat >> '\(received)'"])
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        XCTAssertTrue(first.standardOutput.contains("""
            + request/sam-outage
                principal  sam
                grants     role reader
                resources  site:acme-prod
                window     2026-11-22T10:05:00Z to 2026-11-22T11:05:00Z
                source     request sam-outage, BREAK-GLASS: self-approved by sam; review due by 2026-11-22T14:05:00Z

            """), first.standardOutput)
        XCTAssertTrue(first.standardOutput.contains(
            "  ! break-glass request sam-outage of sam: emergency access; an approver must sign its review by 2026-11-22T14:05:00Z (accessctl review sam-outage)\n"),
            first.standardOutput)
        // The hook and the state file carry the mark, so the target system can tell.
        let hooked = try String(contentsOfFile: received, encoding: .utf8)
        XCTAssertTrue(hooked.contains(#""emergency":true"#) && hooked.contains(#""reviewDue":"2026-11-22T14:05:00Z""#), hooked)
        XCTAssertTrue(try read("state/grants.json").contains("\"emergency\": true"))
        // Every administrator and the resource's owners hear at once (sam, the requester, gets the approval notice).
        let outbox = try read("state/outbox.jsonl").split(separator: "\n").map(String.init)
        let emergency = outbox.filter { $0.contains(#""kind":"grant.emergency""#) }
        XCTAssertEqual(emergency.count, 2, "\(outbox)")
        XCTAssertTrue(emergency[0].contains(#""recipient":"ann""#) && emergency[1].contains(#""recipient":"olga""#), "\(emergency)")
        XCTAssertTrue(emergency[0].contains(
            #""text":"BREAK-GLASS: sam approved their own emergency access to site:acme-prod (request sam-outage): Nobody answers the phone; it ends at 2026-11-22T11:05:00Z. An approver must sign its review (accessctl review sam-outage).""#),
            emergency[0])
        let approvedEvent = try XCTUnwrap(try read("audit/log.jsonl").split(separator: "\n").first { $0.contains(#""event":"request.approved""#) })
        XCTAssertTrue(approvedEvent.contains(#""emergency":true"#) && approvedEvent.contains(#""reason":"Nobody answers the phone""#), String(approvedEvent))
        let check = tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:30:00Z"], at: "2026-11-22T10:30:00Z")
        XCTAssertTrue(check.standardOutput.contains("sam -> request sam-outage (BREAK-GLASS: self-approved by sam) -> role reader"), check.standardOutput)

        // After 14:05 with no review: validate, the plan and the log flag it.
        let late = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T14:10:00Z"], at: "2026-11-22T14:10:00Z")
        XCTAssertEqual(late.exitCode, 0)
        XCTAssertTrue(late.standardError.contains(
            "tree/requests/sam-outage.yaml:14:7: warning: break-glass access: its signed review by an approver was due at 2026-11-22T14:05:00Z and is missing; an approver runs 'accessctl review sam-outage'\n"),
            late.standardError)
        let status = tree.run(["status", "sam-outage", "--root", "tree", "--now", "2026-11-22T14:10:00Z"], at: "2026-11-22T14:10:00Z").standardOutput
        XCTAssertTrue(status.contains("  policies:     emergency (break-glass), support (threshold 1)\n"), status)
        XCTAssertTrue(status.contains("  break-glass:  self-approved; OVERDUE: its review was due at 2026-11-22T14:05:00Z and is missing\n"), status)
        let overdue = reconcile("2026-11-22T14:10:00Z")
        XCTAssertTrue(overdue.standardOutput.contains(
            "  ! break-glass request sam-outage of sam: its signed review was due at 2026-11-22T14:05:00Z and is missing (an approver runs: accessctl review sam-outage)\n"),
            overdue.standardOutput)
        let logged = try events()
        XCTAssertTrue(logged.contains("request.review-overdue sam-outage"), "\(logged)")
        XCTAssertTrue(try read("state/outbox.jsonl").contains(#""kind":"review.overdue""#))
        // The report flags it on the request's page and in the tables.
        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-11-22T14:10:00Z"], at: "2026-11-22T14:10:00Z").exitCode, 0)
        let site = tree.root.deletingLastPathComponent().appendingPathComponent("site")
        let page = try String(contentsOf: site.appendingPathComponent("requests/sam-outage.html"), encoding: .utf8)
        XCTAssertTrue(page.contains(
            #"<p class="emergency overdue"><strong>Break-glass access:</strong> sam approved this request themself under a break-glass policy; its signed review by an approver was due at 2026-11-22 14:05 UTC and is missing.</p>"#),
            page)
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains(#"<span class="state state-emergency state-overdue">break-glass, review overdue</span>"#), index)

        // The requester cannot review their own access; an owner can.
        let own = tree.run(["review", "sam-outage", "--root", "tree", "--as", "sam", "--key", keys["sam"]!, "--at", "2026-11-22T14:20:00Z"], at: "2026-11-22T14:20:00Z")
        XCTAssertEqual(own.standardError, "error: sam cannot review sam-outage: a review is an approver's look at someone else's break-glass access; 'sam' made this request\n")
        let review = tree.run(
            ["review", "sam-outage", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T14:20:00Z", "--reason", "Incident 77 confirmed"],
            at: "2026-11-22T14:20:00Z")
        XCTAssertEqual(review.exitCode, 0, review.standardError)
        XCTAssertTrue(review.standardOutput.hasSuffix("break-glass access, reviewed by olga at 2026-11-22T14:20:00Z\n"), review.standardOutput)
        XCTAssertEqual(reconcile("2026-11-22T14:30:00Z").exitCode, 0)
        let reviewed = try events()
        XCTAssertTrue(reviewed.contains("request.reviewed sam-outage"), "\(reviewed)")
        let clean = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T14:30:00Z"], at: "2026-11-22T14:30:00Z")
        XCTAssertFalse(clean.standardError.contains("break-glass"), clean.standardError)
        XCTAssertEqual(verify().exitCode, 0)
    }

    func testOnlyABreakGlassGrantTakesAReview() throws {
        // sam-debug falls under the break-glass policy too, but was not approved through it.
        let result = tree.run(["review", "sam-debug", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T09:10:00Z"], at: "2026-11-22T09:10:00Z")
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertEqual(result.standardError, "error: sam-debug was not approved by break-glass: a review is the after-the-fact check of break-glass access; nothing was written\n")
    }

    func testABreakGlassPolicyMustBeShort() throws {
        try write("policies/emergency.yaml", try read("policies/emergency.yaml").replacingOccurrences(of: "maxDuration: 2h", with: "maxDuration: 3d"))
        let result = tree.run(["validate", "--root", "tree"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix("tree/policies/emergency.yaml:11:16: error: a break-glass policy's maxDuration must be at most 1d (emergency access is short), found 3d\n"), result.standardError)
    }
}
