import Foundation
import XCTest

@testable import AccessCore
@testable import AccessModel
@testable import AccessPolicy

/// A decision counts from the later of its signed time and when a reconcile first saw it, so
/// back-dating an approval into a stale request's lifetime gains nothing (finding 5 of the
/// one-engine issue). Real keys; the approval is written by hand, as `approve` refuses it.
final class ObservedTimeTests: ReconcileTestCase {
    func testABackDatedApprovalOnAStaleRequestGrantsNothing() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        // requestedAt 2026-11-22T09:00, requestTTL 7 days: stale from 2026-11-29T09:00. The approval
        // claims 2026-11-25 and a window on 2026-12-05, and is first seen on 2026-12-05.
        let loaded = TreeLoader.load(root: tree.root.path, displayRoot: "tree")
        let request = try XCTUnwrap(loaded.tree.requests.first { $0.id == "sam-debug" })
        let at = Timestamp(rfc3339: "2026-11-25T10:00:00Z")!, from = Timestamp(rfc3339: "2026-12-05T00:00:00Z")!
        var decision = Decision(
            kind: Located(.approve, at: .start), by: Located("ann", at: .start), at: Located(at, at: .start),
            terms: Terms(validFrom: from, validTo: from.adding(4 * 3600), resources: [ResourceRef("site:acme-prod")!], role: "reader", actions: [], location: .start),
            specDigest: Located(request.spec.digest, at: .start), signature: Located("", at: .start), location: .start)
        decision.signature.value = try SSHKeygen().sign(DecisionPayload.bytes(organization: "testorg", request: request, decision: decision), keyPath: keys["ann"]!, namespace: "accessctl")
        try write("requests/sam-debug.yaml", try StatusWriter.appending(decision, to: try read("requests/sam-debug.yaml"), file: "tree/requests/sam-debug.yaml"))

        let refused = tree.run(["approve", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-25T10:00:00Z",
                                "--from", "2026-12-05T00:00:00Z", "--to", "2026-12-05T04:00:00Z"])
        XCTAssertEqual(refused.exitCode, 1, "approve refuses to back-date into a stale request")
        XCTAssertTrue(refused.standardError.contains("the request went stale at 2026-11-29T09:00:00Z"), refused.standardError)

        let run = reconcile("2026-12-05T01:00:00Z")
        XCTAssertEqual(run.exitCode, 1, "an approval that does not count is an error")
        XCTAssertFalse(run.standardOutput.contains("+ request/sam-debug"), run.standardOutput)
        XCTAssertTrue(run.standardError.contains(
            "error: approve by ann: the request went stale at 2026-11-29T09:00:00Z (requestTTL 7d of policy support); it can no longer be approved (this approval counts from 2026-12-05T01:00:00Z, when accessctl first saw it, not its signed time 2026-11-25T10:00:00Z)"),
            run.standardError)
        XCTAssertEqual(tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-12-05T01:00:00Z"]).exitCode, 1)
    }

    /// A decision first seen after the request ended is recorded as ignored, never as an approval.
    func testADecisionFirstSeenAfterTheRequestEndedIsIgnored() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z").exitCode, 0)
        decide("revoke", by: "ann", at: "2026-11-22T10:00:00Z", ["--reason", "Done"])
        XCTAssertEqual(reconcile("2026-11-22T10:05:00Z").exitCode, 0)
        // approve refuses a decision on a revoked request; written by hand it is ignored.
        let refused = tree.run(["approve", "sam-debug", "--root", "tree", "--as", "olga", "--key", keys["olga"]!, "--at", "2026-11-22T10:10:00Z"])
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.standardError.hasPrefix("error: sam-debug is revoked: its access was revoked. A approve would change nothing; nothing was written."), refused.standardError)
        try forceDecide(.approve, by: "olga", at: "2026-11-22T10:10:00Z")
        XCTAssertEqual(reconcile("2026-11-22T10:15:00Z").exitCode, 0)
        XCTAssertEqual(try events().suffix(1), ["decision.ignored sam-debug"])
        let shown = tree.run(["audit", "show", "--root", "tree", "--request", "sam-debug", "--since", "2026-11-22T10:15:00Z"]).standardOutput
        XCTAssertTrue(shown.contains("approve by olga at 2026-11-22T10:10:00Z changed nothing: first seen after the request ended (revoked at 2026-11-22T10:05:00Z); it changes nothing"), shown)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])
    }
}
