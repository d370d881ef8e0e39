import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Only decisions that can still affect a grant are verified, and in parallel processes.
final class LiveVerificationTests: ReconcileTestCase {
    /// Approves sam-debug for 1h, then edits the signed terms so the signature no longer matches.
    private func forgeApproval() throws {
        decide("approve", by: "ann", at: "2026-11-22T09:30:00Z", ["--duration", "1h"])
        let text = try read("requests/sam-debug.yaml")
        XCTAssertTrue(text.contains("validTo: 2026-11-22T10:30:00Z"), text)
        try write("requests/sam-debug.yaml", text.replacingOccurrences(of: "validTo: 2026-11-22T10:30:00Z", with: "validTo: 2026-11-22T10:45:00Z"))
    }

    func testForgedSignatureIsCaughtWhileTheRequestIsOpen() throws {
        try forgeApproval()
        let result = tree.run(["validate", "--root", "tree", "--now", "2026-11-25T00:00:00Z"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.contains("error: approve by ann: bad signature"), result.standardError)
    }

    func testClosedRequestIsNotReverified() throws {
        try forgeApproval()
        // The approval ended on 2026-11-22 and the request went stale seven days after it was
        // made: nothing in it can grant anything any more, so it is history.
        let result = tree.run(["validate", "--root", "tree", "--now", "2026-12-01T00:00:00Z"])
        XCTAssertEqual(result, CommandResult(exitCode: 0, standardOutput: "tree: 13 manifests valid.\n"))
        let status = tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-12-01T00:00:00Z"]).standardOutput
        XCTAssertTrue(status.contains("1. approve by ann at 2026-11-22T09:30:00Z: signature not re-verified: the request closed before now (policy support)\n"), status)
        XCTAssertEqual(plan("2026-12-01T00:00:00Z").exitCode, 0)
    }

    func testParallelVerdictsEqualOneAtATime() throws {
        for n in 1...5 {
            try write("requests/sam-\(n).yaml", TreeFixture.files["requests/sam-debug.yaml"]!.replacingOccurrences(of: "sam-debug", with: "sam-\(n)"))
            decide("approve", "sam-\(n)", by: n % 2 == 0 ? "ann" : "olga", at: "2026-11-22T09:30:00Z")
        }
        try forgeApproval()
        let tree = TreeLoader.load(root: self.tree.root.path, displayRoot: "tree").tree
        let verifier = DecisionVerifier(tree: tree, settings: tree.settings!, now: Timestamp(rfc3339: "2026-11-22T10:00:00Z")!, keygen: SSHKeygen())
        let jobs = verifier.signatureJobs(tree.requests)
        XCTAssertEqual(jobs.count, 6)
        let serial = SSHKeygen().verifyAll(jobs, namespace: "accessctl", time: verifier.now, parallel: 1)
        let parallel = SSHKeygen().verifyAll(jobs, namespace: "accessctl", time: verifier.now, parallel: 4)
        XCTAssertEqual(serial, parallel)
        XCTAssertEqual(serial.values.flatMap(\.values).filter { $0 == .good }.count, 5)
        XCTAssertNotEqual(serial["sam-debug"]?[0], .good)
    }
}
