import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// The command line, run in-process: usage errors, help, parse, init and the bundled tree.
final class CommandLineTests: XCTestCase {
    private var cli: AccessCLI!

    override func setUpWithError() throws {
        let folder = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: folder)
        cli = AccessCLI(environment: [:], currentDirectory: folder.path, clock: TestSupport.clock)
    }

    func testBundledTreeValidates() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let result = cli.run(["validate", "--now", TestSupport.bundledRunTime])
        XCTAssertEqual(result.exitCode, 0)
        XCTAssertEqual(result.standardOutput, "access: 64 manifests valid, 3 warnings.\n")
        assertText(result.standardError, """
            access/requests/consultants/acme-sso-2026-11.yaml:14:7: warning: approve by bob.owens is void: the request's spec changed after this decision was signed; it needs a new decision
                - decision: approve
                  ^
            access/requests/consultants/initech-staging-retainer-2027.yaml:4:9: warning: no policy can approve this request; the nearest are policy consultant-projects: 25w5d is longer than its maxDuration 2w; and policy consultant-retainers: its condition fails for site:initech-staging: when resource.attributes.region.startsWith(principal.attributes.region) did not hold (resource.attributes.region = "us-west-2", principal.attributes.region = "eu")
              name: initech-staging-retainer-2027
                    ^
            access/requests/support-eu/globex-prod-maintenance-2028-01.yaml:13:1: warning: threshold not met: 1 more approval over the same terms needed under policy support-production
            status:
            ^

            """)
    }

    func testBundledTreeShowsEveryState() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let result = cli.run(["status", "--now", TestSupport.bundledRunTime])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasSuffix("\n15 requests: 2 pending, 1 approved, 4 active, 2 expired, 1 denied, 1 revoked, 1 relinquished, 2 stale, 1 voided.\n"), result.standardOutput)
    }

    func testUnknownOptionSuggestsTheClosest() {
        let result = cli.run(["validate", "--rot", "x"])
        XCTAssertEqual(result.exitCode, 64)
        assertText(result.standardError, """
            error: unknown option --rot, did you mean --root?
            usage: accessctl validate [--root DIR] [--format text|github] [--now TIME] [--trusted BASE] [--verbose]
            See 'accessctl validate --help'.

            """)
    }

    func testUnknownCommandSuggestsTheClosest() {
        let result = cli.run(["valdate"])
        XCTAssertEqual(result, CommandResult(exitCode: 64, standardError: "error: unknown command 'valdate', did you mean 'validate'?\nSee 'accessctl --help'.\n"))
    }

    func testOtherUsageErrors() {
        XCTAssertEqual(cli.run(["parse"]).standardError.components(separatedBy: "\n").first, "error: missing argument FILE")
        XCTAssertEqual(cli.run(["parse", "a", "b"]).standardError.components(separatedBy: "\n").first, "error: unexpected argument 'b'")
        XCTAssertEqual(cli.run(["validate", "--format", "xml"]).standardError.components(separatedBy: "\n").first, "error: option --format must be one of: text, github; got 'xml'")
        XCTAssertEqual(cli.run(["validate", "--root"]).standardError.components(separatedBy: "\n").first, "error: option --root needs a value (DIR)")
        XCTAssertEqual(cli.run(["parse", "--canonical=yes", "f"]).exitCode, 64)
        XCTAssertEqual(cli.run([]).exitCode, 64)
    }

    func testEveryCommandHasHelpWithAnExample() {
        for command in AccessCLI.commands {
            let result = cli.run(command.name.split(separator: " ").map(String.init) + ["--help"])
            XCTAssertEqual(result.exitCode, 0, command.name)
            XCTAssertTrue(result.standardOutput.contains("\nexample:\n  accessctl \(command.name)"), command.name)
            XCTAssertTrue(result.standardOutput.contains(command.usage), command.name)
        }
        XCTAssertTrue(cli.run(["--help"]).standardOutput.contains("  validate  "))
    }

    func testParsePrintsTheDataAsJSON() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        try TestSupport.write(["in.yaml": "b: [x, 'y']\na: |\n  two\n  lines\nc:\n"], under: dir)
        let local = AccessCLI(environment: [:], currentDirectory: dir.path, clock: TestSupport.clock)
        XCTAssertEqual(local.run(["parse", "in.yaml"]), CommandResult(exitCode: 0, standardOutput: """
            {
              "b": [
                "x",
                "y"
              ],
              "a": "two\\nlines\\n",
              "c": null
            }

            """))
        XCTAssertEqual(local.run(["parse", "--canonical", "in.yaml"]).standardOutput, "{\"a\":\"two\\nlines\\n\",\"b\":[\"x\",\"y\"],\"c\":null}")
    }

    func testParseErrorShowsTheLineAndCaret() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        try TestSupport.write(["bad.yaml": "a: 1\nb: *ref\n"], under: dir)
        let result = AccessCLI(environment: [:], currentDirectory: dir.path, clock: TestSupport.clock).run(["parse", "bad.yaml"])
        XCTAssertEqual(result, CommandResult(exitCode: 1, standardError: "bad.yaml:2:4: error: aliases ('*') are not supported\nb: *ref\n   ^\n"))
    }

    func testInitWritesAValidTreeAndRefusesToOverwrite() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let local = AccessCLI(environment: [:], currentDirectory: dir.path, clock: TestSupport.clock)
        let first = local.run(["init", "mytree"])
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        XCTAssertTrue(first.standardOutput.contains("  mytree/accessctl.yaml\n"))
        XCTAssertEqual(local.run(["validate", "--root", "mytree"]), CommandResult(exitCode: 0, standardOutput: "mytree: 7 manifests valid.\n"))
        let second = local.run(["init", "mytree"])
        XCTAssertEqual(second, CommandResult(exitCode: 1, standardError: "error: mytree/accessctl.yaml already exists; nothing was written\n"))
    }

    func testRootComesFromTheEnvironment() throws {
        let tree = try TreeFixture(self)
        let cli = AccessCLI(environment: ["ACCESSCTL_ROOT": "tree"], currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock)
        XCTAssertEqual(cli.run(["validate"]).standardOutput, "tree: 12 manifests valid.\n")
        XCTAssertEqual(cli.run(["validate", "--root", "missing"]).standardError, "missing: error: the access tree 'missing' does not exist or is not a folder\n")
    }
}
