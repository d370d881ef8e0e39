import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Files too large, not UTF-8, too deep, or behind a symlink leaving the root are refused clearly.
final class InputLimitTests: XCTestCase {
    func testLargeFileIsRefused() throws {
        let big = "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: big\nspec:\n  description: " + String(repeating: "x", count: 1 << 20) + "\n"
        let tree = try TreeFixture(self, changes: ["teams/big.yaml": big])
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardError, "tree/teams/big.yaml: error: file is larger than 1 MiB (\(big.utf8.count) bytes); it is not read\n")
    }

    /// Hardening finding 6: a device or FIFO is refused before any read (a FIFO used to block
    /// forever, /dev/zero was called "larger than 1 MiB (0 bytes)"), and a large file is
    /// refused by its size before it is read.
    func testDevicesAndFIFOsAreRefusedBeforeReading() throws {
        XCTAssertEqual(ManifestReader.readFile(path: "/dev/zero", limit: ManifestReader.maximumFileSize), .notRegular)
        let folder = try TestSupport.temporaryDirectory(self)
        let fifo = folder.appendingPathComponent("pipe.yaml").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Opening a FIFO with no writer would block a plain open(2); this returns at once.
        XCTAssertEqual(ManifestReader.readFile(path: fifo, limit: ManifestReader.maximumFileSize), .notRegular)
        let cli = AccessCLI(environment: [:], currentDirectory: folder.path, clock: TestSupport.clock)
        XCTAssertEqual(cli.run(["parse", "pipe.yaml"]), CommandResult(exitCode: 1, standardError: "pipe.yaml: error: not a regular file (a folder, device, FIFO or socket); it is not read\n"))
        XCTAssertEqual(cli.run(["parse", "/dev/zero"]).standardError, "/dev/zero: error: not a regular file (a folder, device, FIFO or socket); it is not read\n")
        let big = folder.appendingPathComponent("big.yaml")
        XCTAssertTrue(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 64 << 20)   // 64 MiB, sparse: refused by fstat, never read
        try handle.close()
        XCTAssertEqual(ManifestReader.readFile(path: big.path, limit: ManifestReader.maximumFileSize), .tooLarge(64 << 20))
    }

    func testInvalidUTF8IsRefusedWithItsPosition() throws {
        let tree = try TreeFixture(self)
        try Data("apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: caf".utf8 + [0xE9] + Data("\n".utf8))
            .write(to: tree.root.appendingPathComponent("teams/cafe.yaml"))
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix("tree/teams/cafe.yaml:4:12: error: file is not valid UTF-8 (byte 0xE9 at offset 57)\n"), result.standardError)
    }

    func testDeepNestingIsRefused() {
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        XCTAssertThrowsError(try ManifestReader.parse(bytes: Array("a: \(deep)\n".utf8), file: "deep.yaml")) { error in
            XCTAssertEqual((error as? Diagnostic)?.headline, "deep.yaml:1:5: error: nested flow collections are not supported; only scalars may stand inside '[ ]' and '{ }'")
        }
        let block = (0..<70).map { String(repeating: "  ", count: $0) + "k:\n" }.joined() + String(repeating: "  ", count: 70) + "v: 1\n"
        XCTAssertThrowsError(try ManifestReader.parse(bytes: Array(block.utf8), file: "deep.yaml")) { error in
            XCTAssertEqual((error as? Diagnostic)?.headline, "deep.yaml:65:129: error: nesting is deeper than 64 levels")
        }
    }

    func testSymlinkOutsideTheRootIsRefused() throws {
        let tree = try TreeFixture(self)
        let outside = tree.root.deletingLastPathComponent().appendingPathComponent("outside.yaml")
        // What the target holds (CI secrets, say) must never reach the log, even when broken.
        try Data("SECRET_TOKEN=hunter2: [\n".utf8).write(to: outside)
        try FileManager.default.createSymbolicLink(atPath: tree.root.appendingPathComponent("teams/linked.yaml").path, withDestinationPath: outside.path)
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertEqual(result.standardError, "tree/teams/linked.yaml: error: symlink leads outside the access tree; it is not read\n")
        XCTAssertFalse((result.standardOutput + result.standardError).contains("hunter2"))
    }

    func testAFileThatCannotBeOpenedIsReported() throws {
        // A link inside the tree to a file that is gone: found as a manifest, but open fails.
        let tree = try TreeFixture(self)
        try FileManager.default.createSymbolicLink(atPath: tree.root.appendingPathComponent("teams/ghost.yaml").path, withDestinationPath: "missing.yaml")
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardError, "tree/teams/ghost.yaml: error: cannot read the file\n")
    }

    func testStateAndAuditFoldersAreNotRead() throws {
        let tree = try TreeFixture(self, changes: ["state/grants.json": "not json", "audit/2026.jsonl": "{}"])
        XCTAssertEqual(tree.validate().exitCode, 0)
    }

    /// Hardening finding 4: a key line with no key data is a positioned error in every
    /// command, never a crash.
    func testKeyLinesWithoutKeyDataArePositionedErrors() throws {
        let cases = [
            ("ssh-ed25519", "expected 'TYPE BASE64 [comment]', like 'ssh-ed25519 AAAA... name'"),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "the key data holds only its type, no key"),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAQA=", "an ssh-ed25519 key holds 32 bytes of key data"),
            ("ssh-ed25519 AAAA", "the key data is not valid base64"),
        ]
        for (key, why) in cases {
            let tree = try TreeFixture(self, changes: ["principals/sam.yaml": TreeFixture.files["principals/sam.yaml"]! + "  sshKeys:\n    - \(key)\n"])
            for command in [["validate"], ["plan"], ["status"], ["check", "sam", "read", "site:acme-prod"]] {
                let result = tree.run(command + ["--root", "tree"])
                XCTAssertTrue(result.standardError.contains("tree/principals/sam.yaml:9:7: error: invalid SSH public key: \(why)\n"), "\(key) \(command): \(result.standardError)")
            }
            // The listings print no diagnostics; they answer (sam's manifest grants nothing).
            XCTAssertEqual(tree.run(["who-can", "read", "site:acme-prod", "--root", "tree"]).exitCode, 0)
        }
    }
}
