import Foundation
import XCTest

@testable import AccessCore

/// A valid deny by an eligible approver closes the request; a deny on an approved request is
/// refused with a hint to revoke (finding 4 of the one-engine issue). Real keys throughout.
final class FinalDenyTests: ReconcileTestCase {
    func testAnApprovalAfterADenyGrantsNothing() throws {
        decide("deny", by: "olga", at: "2026-11-22T09:20:00Z", ["--reason", "No ticket"])
        // approve refuses it, with the deny's reason; written by hand it comes after the deny.
        let refused = tree.run(["approve", "sam-debug", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z"])
        assertText(refused.standardError, "error: sam-debug is denied: it was denied by olga at 2026-11-22T09:20:00Z: No ticket. A approve would change nothing; nothing was written. To ask again: accessctl request extend sam-debug (or request new)\n")
        try forceDecide(.approve, by: "ann", at: "2026-11-22T09:30:00Z")
        let status = tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(status.standardOutput.contains("  state:        denied\n"), status.standardOutput)
        let run = reconcile("2026-11-22T10:00:00Z")
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertFalse(run.standardOutput.contains("request/sam-debug"), run.standardOutput)
        XCTAssertEqual(try events(), [
            "configuration.trusted ", "request.submitted sam-debug", "decision.seen sam-debug", "decision.seen sam-debug", "request.denied sam-debug", "grant.activated ann", "grant.activated ann",
        ])
        let check = tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(check.exitCode, 1, check.standardOutput)
    }

    func testADenyOnAnApprovedRequestIsRefusedWithAHintToRevoke() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        let before = try read("requests/sam-debug.yaml")
        let deny = tree.run(["deny", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(deny, CommandResult(exitCode: 1, standardError: """
            error: sam-debug is already active; a deny no longer applies. To take the access away, revoke it: accessctl revoke tree/requests/sam-debug.yaml --as olga --key KEY --reason "..."

            """))
        XCTAssertEqual(try read("requests/sam-debug.yaml"), before, "nothing was written")
    }
}
