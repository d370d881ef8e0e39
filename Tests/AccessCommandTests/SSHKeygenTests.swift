import Foundation
import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Signing and verifying through the real ssh-keygen, with keys made for each test.
final class SSHKeygenTests: XCTestCase {
    private let keygen = SSHKeygen()
    private let now = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    override func setUpWithError() throws {
        try XCTSkipUnless(keygen.isAvailable, "ssh-keygen (OpenSSH) is not installed")
    }

    /// Makes a key pair with `ssh-keygen -t TYPE -N ''` and returns (private key path, public key line).
    private func makeKey(_ type: [String], in dir: URL, name: String) throws -> (String, String) {
        let path = dir.appendingPathComponent(name).path
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let result = try ProcessRunner.run(keygen.executable, ["-q", "-t"] + type + ["-N", "", "-C", name, "-f", path], in: folder)
        XCTAssertEqual(result.status, 0, result.standardError)
        return (path, try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func testSignAndVerifyWithEd25519AndECDSA() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        for type in [["ed25519"], ["ecdsa", "-b", "256"]] {
            let (key, pub) = try makeKey(type, in: dir, name: "jane-\(type[0])")
            XCTAssertNil(SSHPublicKey.problem(pub))
            let message = Array("{\"decision\":\"approve\"}".utf8)
            let armor = try keygen.sign(message, keyPath: key, namespace: "accessctl")
            XCTAssertTrue(armor.hasPrefix("-----BEGIN SSH SIGNATURE-----\n"))
            XCTAssertEqual(try keygen.verify(message, armor: armor, signer: "jane", publicKeys: [pub], namespace: "accessctl", time: now), .good)
        }
    }

    func testVerificationFailures() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let (key, pub) = try makeKey(["ed25519"], in: dir, name: "jane")
        let (_, otherPub) = try makeKey(["ed25519"], in: dir, name: "bob")
        let message = Array("payload".utf8)
        let armor = try keygen.sign(message, keyPath: key, namespace: "accessctl")
        // Another message, another namespace, another key, no key at all.
        XCTAssertNotEqual(try keygen.verify(Array("payloaD".utf8), armor: armor, signer: "jane", publicKeys: [pub], namespace: "accessctl", time: now), .good)
        XCTAssertEqual(try keygen.verify(message, armor: armor, signer: "jane", publicKeys: [pub], namespace: "other", time: now), .bad("Couldn't verify signature: namespace does not match"))
        XCTAssertNotEqual(try keygen.verify(message, armor: armor, signer: "jane", publicKeys: [otherPub], namespace: "accessctl", time: now), .good)
        XCTAssertEqual(try keygen.verify(message, armor: armor, signer: "jane", publicKeys: [], namespace: "accessctl", time: now), .unknownKey)
        // allowed_signers reads principals as patterns: "*" would match anyone, so it is refused.
        XCTAssertEqual(try keygen.verify(message, armor: armor, signer: "*", publicKeys: [pub], namespace: "accessctl", time: now), .bad("'*' is not a valid principal id"))
        XCTAssertEqual(try keygen.verify(message, armor: armor, signer: "jane,*", publicKeys: [pub], namespace: "accessctl", time: now), .bad("'jane,*' is not a valid principal id"))
    }

    /// A batch shares one allowed-signers file per worker holding every signer's keys: a key
    /// still counts only for its own principal, and each verdict is the one a single check gives.
    func testABatchGivesEachJobTheVerdictOfASingleCheck() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let (janeKey, janePub) = try makeKey(["ed25519"], in: dir, name: "jane")
        let (bobKey, bobPub) = try makeKey(["ed25519"], in: dir, name: "bob")
        func job(_ i: Int, _ text: String, signedWith key: String, as signer: String, keys: [String]) throws -> SignatureJob {
            let message = Array(text.utf8)
            return SignatureJob(request: "r\(i % 3)", index: i, message: message, armor: try keygen.sign(message, keyPath: key, namespace: "accessctl"), signer: signer, publicKeys: keys)
        }
        var jobs = [
            try job(0, "jane's", signedWith: janeKey, as: "jane", keys: [janePub]),
            try job(1, "bob's", signedWith: bobKey, as: "bob", keys: [bobPub]),
            // Bob's key, claimed as jane's: bob's line is in the shared file, but only for bob.
            try job(2, "forged", signedWith: bobKey, as: "jane", keys: [janePub]),
            try job(3, "no keys", signedWith: janeKey, as: "carol", keys: []),
            try job(4, "pattern", signedWith: janeKey, as: "*", keys: [janePub]),
        ]
        jobs[0].message = Array("jane's, changed".utf8)
        jobs.append(try job(5, "jane's again", signedWith: janeKey, as: "jane", keys: [janePub]))
        let single = try jobs.map { try keygen.verify($0.message, armor: $0.armor, signer: $0.signer, publicKeys: $0.publicKeys, namespace: "accessctl", time: now) }
        XCTAssertEqual(single.map { $0 == .good }, [false, true, false, false, false, true])
        for parallel in [1, 2, 4] {
            let batch = keygen.verifyAll(jobs, namespace: "accessctl", time: now, parallel: parallel)
            XCTAssertEqual(jobs.map { batch[$0.request]?[$0.index] }, single, "\(parallel) at once")
        }
        // The same signer with two key lists: each job gets its own file, and the verdicts hold.
        var mixed = jobs
        mixed[5].publicKeys = [bobPub]
        let separate = keygen.verifyAll(mixed, namespace: "accessctl", time: now, parallel: 2)
        XCTAssertEqual(mixed.map { separate[$0.request]?[$0.index] == .good }, [false, true, false, false, false, false])
    }

    func testIndentedArmorFromYAMLVerifies() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let (key, pub) = try makeKey(["ed25519"], in: dir, name: "jane")
        let message = Array("payload".utf8)
        let armor = try keygen.sign(message, keyPath: key, namespace: "accessctl")
        let indented = armor.split(separator: "\n").map { "        " + $0 }.joined(separator: "\r\n")
        XCTAssertEqual(try keygen.verify(message, armor: indented, signer: "jane", publicKeys: [pub], namespace: "accessctl", time: now), .good)
    }

    func testSigningThroughSSHAgent() throws {
        let dir = try TestSupport.temporaryDirectory(self)
        let agentPath = (keygen.executable as NSString).deletingLastPathComponent + "/ssh-agent"
        let addPath = (keygen.executable as NSString).deletingLastPathComponent + "/ssh-add"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: agentPath), "ssh-agent is not installed")
        let (key, pub) = try makeKey(["ed25519"], in: dir, name: "agent-key")
        let socket = dir.appendingPathComponent("agent.sock").path
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: agentPath)
        agent.arguments = ["-D", "-a", socket]
        try agent.run()
        defer { agent.terminate() }
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
        let environment = ["SSH_AUTH_SOCK": socket, "PATH": Fixtures.environment["PATH"] ?? "/usr/bin"]
        let folder = try PrivateFolder()
        defer { folder.remove() }
        XCTAssertEqual(try ProcessRunner.run(addPath, ["-q", key], in: folder, environment: environment).status, 0)
        // Remove the private key: only the agent holds it now; sign with the public key file.
        try FileManager.default.removeItem(atPath: key)
        let message = Array("through the agent".utf8)
        let armor = try keygen.sign(message, keyPath: key + ".pub", namespace: "accessctl", environment: environment)
        XCTAssertEqual(try keygen.verify(message, armor: armor, signer: "jane", publicKeys: [pub], namespace: "accessctl", time: now), .good)
    }

    func testPayloadBindsOrganizationRequestAndSpec() throws {
        let tree = TreeLoader.load(root: try TreeFixture(self).root.path, displayRoot: "tree").tree
        let request = tree.requests[0]
        let terms = Terms(
            validFrom: Timestamp(rfc3339: "2026-11-22T09:30:00Z")!, validTo: Timestamp(rfc3339: "2026-11-22T13:30:00Z")!,
            resources: [ResourceRef("site:acme-prod")!], role: "reader", actions: [], location: .start)
        let payload = DecisionPayload.json(
            organization: "testorg", request: request.id, specDigest: request.spec.digest, decision: .approve, by: "ann",
            at: Timestamp(rfc3339: "2026-11-22T09:30:00Z")!, terms: terms, reason: nil)
        assertText(
            CanonicalJSON.encode(payload),
            #"{"at":"2026-11-22T09:30:00Z","by":"ann","decision":"approve","organization":"testorg","request":"sam-debug","specDigest":""#
                + request.spec.digest
                + #"","terms":{"resources":["site:acme-prod"],"role":"reader","validFrom":"2026-11-22T09:30:00Z","validTo":"2026-11-22T13:30:00Z"},"type":"accessctl.decision/v1"}"#)
        // A signature over this payload cannot serve another organization or request.
        let moved = DecisionPayload.json(
            organization: "otherorg", request: request.id, specDigest: request.spec.digest, decision: .approve, by: "ann",
            at: Timestamp(rfc3339: "2026-11-22T09:30:00Z")!, terms: terms, reason: nil)
        XCTAssertNotEqual(CanonicalJSON.encode(moved), CanonicalJSON.encode(payload))
    }
}

/// Hardening finding 11: ssh-keygen is never looked up on `PATH`, so a fake one that a
/// repository or a CI step puts first cannot call a forged signature good.
final class SSHKeygenLocationTests: ReconcileTestCase {
    func testAFakeSSHKeygenOnPATHIsNotUsed() throws {
        let fakeFolder = try TestSupport.temporaryDirectory(self)
        let fake = fakeFolder.appendingPathComponent("ssh-keygen")
        try Data("#!/bin/sh\necho 'Good \"git\" signature for everyone'\nexit 0\n".utf8).write(to: fake)
        XCTAssertEqual(chmod(fake.path, 0o755), 0)
        let environment = ["PATH": fakeFolder.path + ":/usr/bin:/bin"]
        XCTAssertNotEqual(SSHKeygen(environment: environment).executable, fake.path)
        XCTAssertNotEqual(SSHKeygen(environment: environment.merging(["ACCESSCTL_SSH_KEYGEN": "ssh-keygen"]) { $1 }).executable, "ssh-keygen", "a relative path is never used")
        XCTAssertEqual(SSHKeygen(environment: ["ACCESSCTL_SSH_KEYGEN": "/opt/openssh/bin/ssh-keygen"]).executable, "/opt/openssh/bin/ssh-keygen")
        // validate --verbose says which program verifies.
        let verbose = AccessCLI(environment: environment, currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock)
            .run(["validate", "--root", "tree", "--verbose"])
        XCTAssertEqual(verbose.standardOutput.components(separatedBy: "\n").first, "ssh-keygen: \(SSHKeygen(environment: environment).executable)")
        XCTAssertTrue(SSHKeygen(environment: environment).executable.hasPrefix("/"))
        // A forged approval (olga's name, sam's key) stays forged with the fake first on PATH.
        let result = tree.run(["approve", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", "olga", "--key", keys["sam"]!, "--at", "2026-11-22T09:30:00Z"])
        XCTAssertEqual(result.exitCode, 1, "approve checks the signature before writing it")
        let forged = AccessCLI(environment: environment, currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock)
        let digest = try XCTUnwrap(TreeLoader.load(root: tree.root.path, displayRoot: "tree").tree.requests.first { $0.id == "sam-debug" }).specDigest
        try write("requests/sam-debug.yaml", try read("requests/sam-debug.yaml") + """
            status:
              decisions:
                - decision: approve
                  by: olga
                  at: 2026-11-22T09:30:00Z
                  terms:
                    validFrom: 2026-11-22T09:30:00Z
                    validTo: 2026-11-22T13:30:00Z
                    resources: [site:acme-prod]
                    role: reader
                  specDigest: \(digest)
                  signature: |
                    -----BEGIN SSH SIGNATURE-----
                    U1NIU0lHAAAAAQ==
                    -----END SSH SIGNATURE-----

            """)
        let validate = forged.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(validate.exitCode, 1)
        XCTAssertTrue(validate.standardError.contains("approve by olga: bad signature"), validate.standardError)
    }
}

extension SSHKeygenLocationTests {
    /// `--ssh-keygen PATH` names the program for one run, anywhere on the line; only an
    /// absolute path to an executable is taken.
    func testTheSSHKeygenOptionTakesOnlyAnAbsoluteExecutable() throws {
        let real = SSHKeygen().executable
        let cli = AccessCLI(environment: [:], currentDirectory: tree.root.deletingLastPathComponent().path, clock: TestSupport.clock)
        let chosen = cli.run(["--ssh-keygen", real, "validate", "--root", "tree", "--verbose"])
        XCTAssertEqual(chosen.standardOutput.components(separatedBy: "\n").first, "ssh-keygen: \(real)")
        let after = cli.run(["validate", "--root", "tree", "--verbose", "--ssh-keygen=\(real)"])
        XCTAssertEqual(after.standardOutput.components(separatedBy: "\n").first, "ssh-keygen: \(real)")
        let relative = cli.run(["validate", "--root", "tree", "--ssh-keygen", "tree/ssh-keygen"])
        XCTAssertEqual(relative.exitCode, ExitCode.usage)
        assertText(relative.standardError, "error: --ssh-keygen takes an absolute path, not 'tree/ssh-keygen': a relative path could name a program from the repository\nSee 'accessctl --help'.\n")
        let missing = cli.run(["validate", "--root", "tree", "--ssh-keygen", "/nonexistent/ssh-keygen"])
        XCTAssertEqual(missing.exitCode, ExitCode.usage)
        assertText(missing.standardError, "error: --ssh-keygen: '/nonexistent/ssh-keygen' is not an executable file\nSee 'accessctl --help'.\n")
        XCTAssertTrue(cli.run(["--help"]).standardOutput.contains("--ssh-keygen PATH"))
    }
}

/// Hardening finding 10: control characters from a manifest (here a YAML `\e` escape in a
/// request's reason) never reach the terminal or the CI log raw.
final class TerminalSafetyTests: ReconcileTestCase {
    func testControlCharactersAreEscapedInStatusAuditAndErrors() throws {
        try write("requests/sam-debug.yaml", try read("requests/sam-debug.yaml").replacingOccurrences(of: "reason: Debug ticket 1", with: "reason: \"Debug \\e[2J\\e]0;owned\\u0007 ticket\\u009B\""))
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        let outputs = [
            tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-11-22T09:10:00Z"]),
            tree.run(["audit", "show", "--root", "tree"]),
            tree.run(["status", "--root", "tree", "--format", "json", "--now", "2026-11-22T09:10:00Z"]),
        ]
        for result in outputs {
            let text = result.standardOutput + result.standardError
            XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, text)
        }
        XCTAssertTrue(outputs[1].standardOutput.contains("(\"Debug \\u001B[2J\\u001B]0;owned\\u0007 ticket\\u009B\")"), outputs[1].standardOutput)
        // In JSON the same spelling is a JSON escape: the value reads back exactly.
        let json = try JSONParser.parse(outputs[2].standardOutput, file: "status.json").json
        guard case .array(let items) = json else { return XCTFail("not a list") }
        XCTAssertEqual(items.first?["reason"]?.stringValue, "Debug \u{1B}[2J\u{1B}]0;owned\u{07} ticket\u{9B}")
    }
}
