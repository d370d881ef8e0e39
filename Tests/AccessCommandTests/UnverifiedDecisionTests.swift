import Foundation
import XCTest

@testable import AccessCore
@testable import AccessPolicy
@testable import AccessModel

/// A decision on a request that had closed before any run saw it is not re-verified, and the
/// audit log and the report never present it as verified (part of finding 5 of the
/// one-engine issue). Real keys: the approval is forged with another owner's key.
final class UnverifiedDecisionTests: ReconcileTestCase {
    func testAForgedApprovalOnAClosedRequestIsLabelledNotVerified() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z")
        // Replace ann's signature with one made by olga's key over the same payload.
        let request = try XCTUnwrap(TreeLoader.load(root: tree.root.path, displayRoot: "tree").tree.requests.first { $0.id == "sam-debug" })
        let payload = DecisionPayload.bytes(organization: "testorg", request: request, decision: request.decisions[0])
        let text = try read("requests/sam-debug.yaml")
        let good = text.components(separatedBy: "      signature: |\n")[1]
        let forged = try SSHKeygen().sign(payload, keyPath: keys["olga"]!, namespace: "accessctl")
        try write("requests/sam-debug.yaml", text.replacingOccurrences(of: good, with: forged.split(separator: "\n").map { "        \($0)\n" }.joined()))
        // While the request is open the forgery is caught.
        XCTAssertEqual(tree.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"]).exitCode, 1)

        // First seen long after the request closed: not re-verified, and labelled so.
        XCTAssertEqual(reconcile("2026-12-10T00:00:00Z").exitCode, 0)
        let shown = tree.run(["audit", "show", "--root", "tree", "--request", "sam-debug"]).standardOutput
        XCTAssertTrue(shown.contains("approved by ann under policy support: role reader, 2026-11-22T09:30:00Z to 2026-11-22T13:30:00Z [signature not re-verified: the request had closed before the run saw it]\n"), shown)
        let status = tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-12-10T00:00:00Z"]).standardOutput
        XCTAssertTrue(status.contains("signature not re-verified: the request closed before now"), status)
        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-12-10T00:00:00Z", "--templates", TestSupport.repositoryRoot.appendingPathComponent("templates").path]).exitCode, 0)
        let page = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("site/requests/sam-debug.html"), encoding: .utf8)
        XCTAssertFalse(page.contains("signature verified"), "the report never calls it verified")
        XCTAssertTrue(page.contains("signature not re-verified"))
    }
}
