import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// `request new` and `request extend`, in-process on the fixture tree.
final class RequestCommandTests: XCTestCase {
    func testNewWritesAValidRequestInTheRequesterTeamFolder() throws {
        let tree = try TreeFixture(self)
        let result = tree.run([
            "request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader",
            "--reason", "Check \"logs\": ticket #9", "--duration", "2h", "--at", "2026-11-23T03:00:00Z",
        ])
        XCTAssertEqual(result, CommandResult(exitCode: 0, standardOutput: "tree/requests/support/acme-prod-sam-2026-11-23.yaml\npolicy support judges it: one approval from ann; maxDuration 1d\n"))
        assertText(try String(contentsOf: tree.root.appendingPathComponent("requests/support/acme-prod-sam-2026-11-23.yaml"), encoding: .utf8), """
            apiVersion: accessctl/v1
            kind: AccessRequest
            metadata:
              name: acme-prod-sam-2026-11-23
            spec:
              requester: sam
              requestedAt: 2026-11-23T03:00:00Z
              resources: [site:acme-prod]
              role: reader
              reason: "Check \\"logs\\": ticket #9"
              duration: 2h

            """)
        XCTAssertEqual(tree.validate().exitCode, 0)
        // A second request the same day gets a fresh name.
        let again = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader", "--reason", "again", "--duration", "1h", "--at", "2026-11-23T05:00:00Z"])
        XCTAssertEqual(again.standardOutput.components(separatedBy: "\n")[0], "tree/requests/support/acme-prod-sam-2026-11-23-2.yaml")
    }

    func testNewRefusesAnInvalidRequestAndLeavesNothing() throws {
        let tree = try TreeFixture(self)
        let result = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-test", "--role", "reader", "--reason", "x", "--duration", "2h", "--at", "2026-11-23T03:00:00Z"])
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardError, """
            tree/requests/support/acme-test-sam-2026-11-23.yaml:8:15: error: unknown resource 'site:acme-test'
              resources: [site:acme-test]
                          ^
            The request was not written.

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree.root.appendingPathComponent("requests/support/acme-test-sam-2026-11-23.yaml").path))
        XCTAssertEqual(tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--reason", "x", "--duration", "1h"]).standardError.components(separatedBy: "\n")[0], "error: ask for a role (--role) or actions (--action)")
        XCTAssertEqual(tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader", "--reason", "x"]).standardError.components(separatedBy: "\n")[0], "error: give either --duration, or --from and --to")
    }

    /// Workflow finding 3: a request no policy can approve is refused when written, with the
    /// nearest policy and what stands in the way; validate warns about one already in the tree.
    func testARequestNoPolicyCanApproveIsRefusedWithTheNearestPolicy() throws {
        let tree = try TreeFixture(self)
        let tooLong = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader", "--reason", "x", "--duration", "2d", "--at", "2026-11-23T03:00:00Z"])
        XCTAssertEqual(tooLong, CommandResult(exitCode: 1, standardError: "error: no policy can approve this request; the nearest is policy support: 2d is longer than its maxDuration 1d\nThe request was not written.\n"))
        let wrongRole = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "admin", "--reason", "x", "--duration", "1h", "--at", "2026-11-23T03:00:00Z"])
        XCTAssertEqual(wrongRole.standardError, "error: no policy can approve this request; the nearest is policy support: role admin is not one it grants (reader)\nThe request was not written.\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tree.root.appendingPathComponent("requests").path), ["sam-debug.yaml"], "nothing written")
        // One written by hand: validate warns, at the request's name.
        try Data(TreeFixture.files["requests/sam-debug.yaml"]!.replacingOccurrences(of: "duration: 4h", with: "duration: 2d").utf8).write(to: tree.root.appendingPathComponent("requests/sam-debug.yaml"))
        let validate = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(validate.exitCode, 0)
        assertText(validate.standardError, """
            tree/requests/sam-debug.yaml:4:9: warning: no policy can approve this request; the nearest is policy support: 2d is longer than its maxDuration 1d
              name: sam-debug
                    ^

            """)
    }

    /// Workflow finding 4: duration presets work wherever a duration is taken, and --help lists them.
    func testDurationPresetsWorkEverywhere() throws {
        let tree = try TreeFixture(self)
        let settings = try String(contentsOf: tree.root.appendingPathComponent("accessctl.yaml"), encoding: .utf8)
        try Data((settings + "  durationPresets:\n    shift: 8h\n").utf8).write(to: tree.root.appendingPathComponent("accessctl.yaml"))
        let made = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader", "--reason", "x", "--duration", "shift", "--at", "2026-11-23T03:00:00Z"])
        XCTAssertEqual(made.exitCode, 0, made.standardError)
        XCTAssertTrue(try String(contentsOf: tree.root.appendingPathComponent("requests/support/acme-prod-sam-2026-11-23.yaml"), encoding: .utf8).contains("  duration: 8h\n"))
        XCTAssertEqual(tree.run(["request", "extend", "acme-prod-sam-2026-11-23", "--root", "tree", "--duration", "shift", "--at", "2026-11-23T04:00:00Z"]).exitCode, 0)
        let typo = tree.run(["approve", "sam-debug", "--root", "tree", "--as", "ann", "--key", "k", "--duration", "shfit"])
        assertText(typo.standardError, "error: invalid duration 'shfit': write 30m, 4h, 1d, 1w, 2d12h or permanent; presets: shift (8h); did you mean 'shift'?\n")
        for command in [["request", "new"], ["request", "extend"], ["approve"]] {
            XCTAssertTrue(tree.run(command + ["--help", "--root", "tree"]).standardOutput.hasSuffix("\nduration presets (tree/accessctl.yaml):\n  shift = 8h\n"), command.joined(separator: " "))
        }
    }

    func testExtendRenewsTheRequest() throws {
        let tree = try TreeFixture(self)
        let result = tree.run(["request", "extend", "sam-debug", "--root", "tree", "--duration", "2h", "--at", "2026-11-22T12:00:00Z"])
        XCTAssertEqual(result, CommandResult(exitCode: 0, standardOutput: "tree/requests/sam-debug-renewal.yaml\npolicy support judges it: one approval from ann; maxDuration 1d\n"))
        let text = try String(contentsOf: tree.root.appendingPathComponent("requests/sam-debug-renewal.yaml"), encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("  reason: \"Debug ticket 1\"\n  duration: 2h\n  renews: sam-debug\n"), text)
        XCTAssertEqual(tree.validate().exitCode, 0)
        XCTAssertEqual(tree.run(["request", "extend", "sam-debg", "--root", "tree"]).standardError, "error: no request named 'sam-debg'; did you mean 'sam-debug'?\n")
    }
}

/// The decision commands' own usage and input errors.
final class DecisionCommandErrorTests: XCTestCase {
    func testMissingOptionsAndUnknownFiles() throws {
        let tree = try TreeFixture(self)
        let file = "tree/requests/sam-debug.yaml"
        func firstLine(_ arguments: [String]) -> String { tree.run(arguments).standardError.components(separatedBy: "\n")[0] }
        XCTAssertEqual(firstLine(["approve", file, "--root", "tree", "--key", "k"]), "error: missing option --as")
        XCTAssertEqual(firstLine(["approve", file, "--root", "tree", "--as", "ann"]), "error: missing option --key")
        XCTAssertEqual(firstLine(["payload", file, "--root", "tree", "--as", "ann"]), "error: missing option --decision")
        XCTAssertEqual(firstLine(["attach", file, "--root", "tree", "--as", "ann", "--decision", "deny"]), "error: missing option --signature")
        XCTAssertEqual(firstLine(["approve", file, "--root", "tree", "--as", "ann", "--key", "k", "--at", "yesterday"]), "error: --at needs an RFC 3339 time in UTC, like 2026-11-22T09:00:00Z; got 'yesterday'")
        // Values are typed by their option's declaration, so these fail before any work starts;
        // a duration is checked against the settings' presets first.
        XCTAssertEqual(firstLine(["approve", file, "--root", "tree", "--as", "ann", "--key", "k", "--duration", "soon"]), "error: invalid duration 'soon': write 30m, 4h, 1d, 1w, 2d12h or permanent")
        XCTAssertEqual(firstLine(["approve", file, "--root", "tree", "--as", "ann", "--key", "k", "--resource", "acme"]), "error: invalid --resource 'acme': write TYPE:NAME")
        XCTAssertEqual(firstLine(["revoke", file, "--root", "tree", "--as", "ann", "--key", "k"]), "error: a revoke needs --reason")
        if SSHKeygen().isAvailable {
            let noKey = tree.run(["approve", file, "--root", "tree", "--as", "ann", "--key", "no-such-key", "--at", "2026-11-22T09:30:00Z"])
            XCTAssertEqual(noKey.exitCode, 1)
            XCTAssertTrue(noKey.standardError.hasPrefix("error: ssh-keygen could not sign with "), noKey.standardError)
            XCTAssertEqual(try String(contentsOf: tree.root.appendingPathComponent("requests/sam-debug.yaml"), encoding: .utf8), TreeFixture.files["requests/sam-debug.yaml"]!)
        }
        XCTAssertEqual(
            tree.run(["deny", "tree/teams/owners.yaml", "--root", "tree", "--as", "ann", "--key", "k"]),
            CommandResult(exitCode: 1, standardError: "error: tree/teams/owners.yaml is neither a request's file nor a request's name in the tree tree\n"))
        XCTAssertEqual(
            tree.run(["attach", file, "--root", "tree", "--as", "ann", "--decision", "deny", "--signature", "missing.sig", "--at", "2026-11-22T09:30:00Z"]),
            CommandResult(exitCode: 1, standardError: "error: cannot read the signature file missing.sig\n"))
    }
}

/// Error paths of the writers and listings that the other suites do not reach.
final class WriterErrorTests: XCTestCase {
    func testStatusMustBeTheLastBlockToAppendADecision() throws {
        let text = "apiVersion: accessctl/v1\nstatus:\n  decisions: []\nkind: AccessRequest\n"
        let decision = Decision(
            kind: Located(.deny, at: .start), by: Located("ann", at: .start), at: Located(Timestamp(seconds: 0), at: .start), terms: nil, reason: nil,
            specDigest: Located("sha256:" + String(repeating: "0", count: 64), at: .start), signature: Located("", at: .start), location: .start)
        XCTAssertThrowsError(try StatusWriter.appending(decision, to: text, file: "r.yaml")) { error in
            XCTAssertEqual((error as? Diagnostic)?.rendered, "r.yaml:4:1: error: cannot add a decision: 'status:' must be the last block of the file\nkind: AccessRequest\n^")
        }
    }

    func testWhoCanUnknownResource() throws {
        let tree = try TreeFixture(self)
        XCTAssertEqual(tree.run(["who-can", "read", "site:acme-prd", "--root", "tree"]), CommandResult(exitCode: 1, standardError: "error: unknown resource 'site:acme-prd'; did you mean 'site:acme-prod'?\n"))
    }

    func testRequestNewRefusesBadOrTakenNames() throws {
        let tree = try TreeFixture(self)
        let base = ["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader", "--reason", "x", "--duration", "1h"]
        XCTAssertEqual(tree.run(base + ["--name", "Bad Name"]).standardError.components(separatedBy: "\n")[0],
                       "error: invalid --name 'Bad Name': an id must start with a lower-case letter or digit")
        XCTAssertEqual(tree.run(base + ["--name", "taken"]).exitCode, 0)
        XCTAssertEqual(tree.run(base + ["--name", "taken"]), CommandResult(exitCode: 1, standardError: "error: tree/requests/support/taken.yaml already exists; nothing was written\n"))
    }
}
