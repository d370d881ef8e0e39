import Foundation
import XCTest

@testable import AccessCore

/// Standing access from roles (a principal's own, its teams') is planned, audited and sent
/// to the hook like any grant, so a pull request that adds it shows in its plan (finding 2
/// of the one-engine issue).
final class StandingAccessTests: ReconcileTestCase {
    func testRolesGivenToAPrincipalOrThroughATeamAreInThePlanTheLogAndTheHook() throws {
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        XCTAssertEqual(plan("2026-11-22T09:20:00Z", ["--detailed-exitcode"]).exitCode, 0)

        // A pull request gives sam a role directly and through a new team.
        try write("principals/sam.yaml", TreeFixture.files["principals/sam.yaml"]!.replacingOccurrences(of: "teams: [support]", with: "teams: [support, readers]") + "  sshKeys:\n    - \(try read("principals/sam.yaml").components(separatedBy: "    - ")[1])  roles: [reader]\n")
        try write("teams/readers.yaml", "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: readers\nspec:\n  roles: [reader]\n")
        XCTAssertEqual(tree.run(["validate", "--root", "tree", "--now", "2026-11-22T09:20:00Z"]).exitCode, 0)
        // Unsigned, the change grants nothing yet, but the plan on the pull request shows it and what waits.
        let pending = plan("2026-11-22T09:20:00Z", ["--detailed-exitcode"])
        XCTAssertEqual(pending.exitCode, 2, "the plan on the pull request shows the change")
        XCTAssertTrue(pending.standardOutput.hasSuffix("\nNo changes. The grants in force match the access tree.\n"), pending.standardOutput)
        XCTAssertTrue(pending.standardOutput.contains("configuration change pending: 0 of 1 administrator signature (waiting for ann)"), pending.standardOutput)
        XCTAssertTrue(pending.standardOutput.contains("waiting: ~ Principal/sam, + Team/readers; grants that wait for it: role/sam/reader, team/readers/sam/reader\n"), pending.standardOutput)
        // Signed by the administrator, it takes effect.
        signConfiguration(by: "ann", at: "2026-11-22T09:15:00Z")
        let planned = plan("2026-11-22T09:20:00Z", ["--detailed-exitcode"])
        XCTAssertEqual(planned.exitCode, 2, "the plan on the pull request shows the change")
        assertText(planned.standardOutput, """
            Plan at 2026-11-22T09:20:00Z (last run 2026-11-22T09:10:00Z):

            + role/sam/reader
                principal  sam
                grants     role reader
                resources  site:*
                window     no end
                source     principal sam names the role itself

            + team/readers/sam/reader
                principal  sam
                grants     role reader
                resources  site:*
                window     no end
                source     team readers, which sam belongs to

            Notes:
              ! configuration \(configurationDigest()) trusted: signed by 1 of 1 administrator signature (ann)

            Plan: 2 to grant, 0 to change, 0 to remove.

            """)
        let received = tree.root.deletingLastPathComponent().appendingPathComponent("received.jsonl").path
        XCTAssertEqual(reconcile("2026-11-22T09:20:00Z", ["--hook", "cat >> '\(received)'"]).exitCode, 0)
        let sent = try String(contentsOfFile: received, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(sent.count, 2)
        XCTAssertTrue(sent[0].contains(#""key":"role/sam/reader""#) && sent[1].contains(#""key":"team/readers/sam/reader""#), "\(sent)")
        XCTAssertEqual(try events().suffix(3), ["configuration.trusted ", "grant.activated sam", "grant.activated sam"])

        // Taking the role away is a removal with its cause, at once: no signature needed.
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "  roles: [reader]\n", with: ""))
        let removed = plan("2026-11-22T09:30:00Z")
        XCTAssertTrue(removed.standardOutput.contains("- role/sam/reader (deleted)\n"), removed.standardOutput)
        XCTAssertTrue(removed.standardOutput.contains("    why        principal sam no longer names role reader\n"), removed.standardOutput)
    }
}
