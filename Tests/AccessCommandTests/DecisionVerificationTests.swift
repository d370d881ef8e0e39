import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Signed decisions end to end: real ed25519 keys, signatures made with ssh-keygen over the
/// payload, appended to request files, and checked by `accessctl validate`.
final class DecisionVerificationTests: XCTestCase {
    private let keygen = SSHKeygen()
    private let now = "2026-11-22T12:00:00Z"
    private var tree: TreeFixture!
    private var keys: [String: String] = [:]

    override func setUpWithError() throws {
        try XCTSkipUnless(keygen.isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let made = try TestSupport.makeKeys(["ann", "olga", "sam", "mallory"], in: try TestSupport.temporaryDirectory(self))
        keys = made.paths
        let publicKeys = made.lines
        var files = TreeFixture.signers(publicKeys)
        files["principals/mallory.yaml"] = """
            apiVersion: accessctl/v1
            kind: Principal
            metadata:
              name: mallory
            spec:
              displayName: Mallory Outsider
              sshKeys:
                - \(publicKeys["mallory"]!)

            """
        files["requests/sam-other.yaml"] = TreeFixture.files["requests/sam-debug.yaml"]!
            .replacingOccurrences(of: "sam-debug", with: "sam-other").replacingOccurrences(of: "Debug ticket 1", with: "Other ticket")
        tree = try TreeFixture(self, changes: files)
    }

    private func request(_ name: String) -> AccessRequest {
        TreeLoader.load(root: tree.root.path, displayRoot: "tree").tree.requests.first { $0.id == name }!
    }

    private func terms(_ from: String = "2026-11-22T10:00:00Z", _ to: String = "2026-11-22T14:00:00Z", role: String? = "reader") -> Terms {
        Terms(validFrom: Timestamp(rfc3339: from)!, validTo: Timestamp(rfc3339: to)!, resources: [ResourceRef("site:acme-prod")!], role: role, actions: [], location: .start)
    }

    /// Signs a decision as `signer` with `key` and appends it to the request file.
    @discardableResult
    private func decide(
        _ kind: Decision.Kind, on name: String, by: String, key: String? = nil, at: String = "2026-11-22T10:00:00Z", terms: Terms? = nil,
        reason: String? = nil, organization: String = "testorg", armor: String? = nil
    ) throws -> Decision {
        let request = request(name)
        var decision = Decision(
            kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(Timestamp(rfc3339: at)!, at: .start),
            terms: kind == .approve ? (terms ?? self.terms()) : nil, reason: reason, specDigest: Located(request.spec.digest, at: .start),
            signature: Located("", at: .start), location: .start)
        let payload = DecisionPayload.bytes(organization: organization, request: request, decision: decision)
        decision.signature.value = try armor ?? keygen.sign(payload, keyPath: keys[key ?? by]!, namespace: "accessctl")
        let url = tree.root.appendingPathComponent("requests/\(name).yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        try Data(try StatusWriter.appending(decision, to: text, file: name).utf8).write(to: url)
        return decision
    }

    private func validate() -> CommandResult { tree.run(["validate", "--root", "tree", "--now", now]) }

    /// The message of the single error printed for request `name`.
    private func onlyError(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) -> String {
        let headlines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("tree/") }
        XCTAssertEqual(headlines.count, 1, result.standardError, file: file, line: line)
        return headlines.first.map { String($0.split(separator: " ", maxSplits: 1)[1]) } ?? ""
    }

    func testValidApprovalAndDenial() throws {
        try decide(.approve, on: "sam-debug", by: "ann")
        try decide(.deny, on: "sam-other", by: "olga", reason: "No ticket \"linked\"")
        XCTAssertEqual(validate(), CommandResult(exitCode: 0, standardOutput: "tree: 15 manifests valid.\n"))
        let text = try String(contentsOf: tree.root.appendingPathComponent("requests/sam-other.yaml"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(TreeFixture.files["requests/sam-debug.yaml"]!.replacingOccurrences(of: "sam-debug", with: "sam-other").replacingOccurrences(of: "Debug ticket 1", with: "Other ticket") + "status:\n  decisions:\n    - decision: deny\n"), "the author's bytes stay as written")
    }

    func testApprovalWithShorterDurationAndThreshold() throws {
        try decide(.approve, on: "sam-debug", by: "ann", terms: terms("2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"))
        XCTAssertEqual(validate().exitCode, 0)
        let loaded = TreeLoader.load(root: tree.root.path, displayRoot: "tree").tree
        var verifier = DecisionVerifier(tree: loaded, settings: loaded.settings!, now: Timestamp(rfc3339: now)!, keygen: keygen)
        let request = loaded.requests.first { $0.id == "sam-debug" }!
        XCTAssertEqual(verifier.approval(request, try verifier.check(request))?.approvers, ["ann"])
        // With a threshold of 2, one approval is not enough; a second over identical terms is.
        var strict = loaded
        strict.policies[0].threshold = Located(2, at: .start)
        verifier = DecisionVerifier(tree: strict, settings: strict.settings!, now: Timestamp(rfc3339: now)!, keygen: keygen)
        XCTAssertNil(verifier.approval(request, try verifier.check(request)))
        try decide(.approve, on: "sam-debug", by: "olga", terms: terms("2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"))
        let twice = TreeLoader.load(root: tree.root.path, displayRoot: "tree").tree.requests.first { $0.id == "sam-debug" }!
        XCTAssertEqual(verifier.approval(twice, try verifier.check(twice))?.approvers, ["ann", "olga"])
    }

    func testRejections() throws {
        try decide(.approve, on: "sam-debug", by: "mallory")
        XCTAssertEqual(onlyError(validate()), "error: approve by mallory: not an approver: 'mallory' approves under none of the matching policies (support)")
    }

    func testSelfApprovalIsRefused() throws {
        var files = [String: String?]()
        files["principals/sam.yaml"] = try String(contentsOf: tree.root.appendingPathComponent("principals/sam.yaml"), encoding: .utf8).replacingOccurrences(of: "teams: [support]", with: "teams: [support, owners]")
        try TestSupport.write(files.compactMapValues { $0 }, under: tree.root)
        try decide(.approve, on: "sam-debug", by: "sam")
        XCTAssertEqual(onlyError(validate()), "error: approve by sam: self-approval: 'sam' made this request, and policy support does not allow self-approval")
    }

    func testTermsWiderThanRequested() throws {
        try decide(.approve, on: "sam-debug", by: "ann", terms: terms("2026-11-22T10:00:00Z", "2026-11-22T15:00:00Z"))
        XCTAssertEqual(onlyError(validate()), "error: approve by ann: terms wider than requested: lasts longer than the requested 4h")
    }

    func testFutureDecisionTime() throws {
        try decide(.approve, on: "sam-debug", by: "ann", at: "2026-11-22T12:06:00Z", terms: terms("2026-11-22T12:06:00Z", "2026-11-22T13:00:00Z"))
        XCTAssertEqual(onlyError(validate()), "error: approve by ann: decision time 2026-11-22T12:06:00Z is in the future (now is 2026-11-22T12:00:00Z)")
    }

    func testStaleRequestCannotBeApproved() throws {
        try decide(.approve, on: "sam-debug", by: "ann", at: "2026-11-30T10:00:00Z", terms: terms("2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z"))
        let result = tree.run(["validate", "--root", "tree", "--now", "2026-11-30T12:00:00Z"])
        XCTAssertEqual(onlyError(result), "error: approve by ann: the request went stale at 2026-11-29T09:00:00Z (requestTTL 7d of policy support); it can no longer be approved")
    }

    func testSignatureFromAnotherRequestOrOrganizationFails() throws {
        let original = try decide(.approve, on: "sam-debug", by: "ann")
        try decide(.approve, on: "sam-other", by: "ann", armor: original.signature.value)
        XCTAssertEqual(onlyError(validate()), "error: approve by ann: bad signature: Signature verification failed: incorrect signature")
        try FileManager.default.removeItem(at: tree.root.appendingPathComponent("requests/sam-other.yaml"))
        try decide(.deny, on: "sam-debug", by: "olga", organization: "otherorg")
        XCTAssertEqual(onlyError(validate()), "error: deny by olga: bad signature: Signature verification failed: incorrect signature")
    }

    func testSpecEditedAfterApprovalVoidsTheDecision() throws {
        try decide(.approve, on: "sam-debug", by: "ann")
        let url = tree.root.appendingPathComponent("requests/sam-debug.yaml")
        let edited = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "Debug ticket 1", with: "Debug ticket 1 and more")
        try Data(edited.utf8).write(to: url)
        let result = validate()
        XCTAssertEqual(result.exitCode, 0)
        XCTAssertEqual(result.standardOutput, "tree: 15 manifests valid, 1 warning.\n")
        XCTAssertEqual(onlyError(result), "warning: approve by ann is void: the request's spec changed after this decision was signed; it needs a new decision")
    }

    func testKeyRemovedFromPrincipal() throws {
        try decide(.approve, on: "sam-debug", by: "olga")
        try TestSupport.write(["principals/olga.yaml": "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: olga\nspec:\n  displayName: Olga Owner\n  teams: [owners]\n"], under: tree.root)
        XCTAssertEqual(onlyError(validate()), "error: approve by olga: unknown key: principal 'olga' has no sshKeys")
    }

    func testRelinquishOnlyByTheRequester() throws {
        try decide(.relinquish, on: "sam-debug", by: "sam")
        XCTAssertEqual(validate().exitCode, 0)
        try decide(.relinquish, on: "sam-other", by: "ann")
        XCTAssertEqual(onlyError(validate()), "error: relinquish by ann: only the requester 'sam' may relinquish")
    }
}

/// The decision commands, run in-process against a tree with real keys.
final class DecisionCommandTests: XCTestCase {
    private let keygen = SSHKeygen()

    /// A fixture tree where ann (owner) and sam (requester) have ed25519 keys; returns key paths.
    private func makeTree() throws -> (TreeFixture, [String: String]) {
        try XCTSkipUnless(keygen.isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let (keys, pubs) = try TestSupport.makeKeys(["ann", "sam"], in: try TestSupport.temporaryDirectory(self))
        let tree = try TreeFixture(self, changes: [
            "principals/ann.yaml": TreeFixture.files["principals/ann.yaml"]! + "  sshKeys:\n    - \(pubs["ann"]!)\n",
            "principals/sam.yaml": TreeFixture.files["principals/sam.yaml"]! + "  sshKeys:\n    - \(pubs["sam"]!)\n",
        ])
        return (tree, keys)
    }

    func testApproveWritesOnlyTheStatusBlock() throws {
        let (tree, keys) = try makeTree()
        let result = tree.run(["approve", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z", "--duration", "2h"])
        XCTAssertEqual(result, CommandResult(exitCode: 0, standardOutput: """
            approve by ann added to tree/requests/sam-debug.yaml: site:acme-prod; reader; 2h from when the threshold is reached
            sam-debug is active: 1 of 1 under policy support (ann), from 2026-11-22T09:30:00Z until 2026-11-22T11:30:00Z

            """))
        let text = try String(contentsOf: tree.root.appendingPathComponent("requests/sam-debug.yaml"), encoding: .utf8)
        let original = TreeFixture.files["requests/sam-debug.yaml"]!
        XCTAssertTrue(text.hasPrefix(original))
        let added = String(text.dropFirst(original.count))
        let digest = TreeLoader.load(root: tree.root.path, displayRoot: "tree").tree.requests[0].spec.digest
        XCTAssertTrue(added.hasPrefix("""
            status:
              decisions:
                - decision: approve
                  by: ann
                  at: 2026-11-22T09:30:00Z
                  terms:
                    duration: 2h
                    resources: [site:acme-prod]
                    role: reader
                  specDigest: \(digest)
                  signature: |
                    -----BEGIN SSH SIGNATURE-----

            """), added)
        XCTAssertEqual(tree.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"]).exitCode, 0)
    }

    func testPayloadPlainSSHKeygenAndAttachGiveTheSameFileAsApprove() throws {
        let (tree, keys) = try makeTree()
        let common = ["tree/requests/sam-debug.yaml", "--root", "tree", "--as", "ann", "--at", "2026-11-22T09:30:00Z"]
        let payload = tree.run(["payload"] + common + ["--decision", "approve"])
        XCTAssertEqual(payload.exitCode, 0, payload.standardError)
        XCTAssertTrue(payload.standardOutput.hasPrefix("{\"at\":\"2026-11-22T09:30:00Z\",\"by\":\"ann\",\"decision\":\"approve\",\"organization\":\"testorg\""))
        let dir = tree.root.deletingLastPathComponent()
        try Data(payload.standardOutput.utf8).write(to: dir.appendingPathComponent("payload"))
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let signed = try ProcessRunner.run(keygen.executable, ["-Y", "sign", "-f", keys["ann"]!, "-n", "accessctl", dir.appendingPathComponent("payload").path], in: folder)
        XCTAssertEqual(signed.status, 0, signed.standardError)
        let attach = tree.run(["attach"] + common + ["--decision", "approve", "--signature", "payload.sig"])
        XCTAssertEqual(attach.exitCode, 0, attach.standardError)
        let attached = try String(contentsOf: tree.root.appendingPathComponent("requests/sam-debug.yaml"), encoding: .utf8)
        // The same decision through approve, on a fresh copy: identical but for the signature bytes
        // (ed25519 signatures are deterministic, so they match too).
        let (other, _) = try makeTree()
        try Data(TreeFixture.files["requests/sam-debug.yaml"]!.utf8).write(to: other.root.appendingPathComponent("requests/sam-debug.yaml"))
        try FileManager.default.copyItem(at: tree.root.appendingPathComponent("principals/ann.yaml"), to: other.root.appendingPathComponent("principals/ann.yaml.tmp"))
        try FileManager.default.removeItem(at: other.root.appendingPathComponent("principals/ann.yaml"))
        try FileManager.default.moveItem(at: other.root.appendingPathComponent("principals/ann.yaml.tmp"), to: other.root.appendingPathComponent("principals/ann.yaml"))
        let approve = other.run(["approve"] + common + ["--key", keys["ann"]!])
        XCTAssertEqual(approve.exitCode, 0, approve.standardError)
        assertText(try String(contentsOf: other.root.appendingPathComponent("requests/sam-debug.yaml"), encoding: .utf8), attached)
    }

    func testCommandsRefuseWhatWouldNotCount() throws {
        let (tree, keys) = try makeTree()
        let file = "tree/requests/sam-debug.yaml"
        XCTAssertEqual(
            tree.run(["approve", file, "--root", "tree", "--as", "sam", "--key", keys["sam"]!, "--at", "2026-11-22T09:30:00Z"]),
            CommandResult(exitCode: 1, standardError: "error: sam cannot approve sam-debug: self-approval: 'sam' made this request, and policy support does not allow self-approval\n"))
        XCTAssertEqual(
            tree.run(["approve", file, "--root", "tree", "--as", "ann", "--key", keys["sam"]!, "--at", "2026-11-22T09:30:00Z"]).standardError,
            "error: the signature is not ann's: bad signature: signature does not verify; nothing was written\n")
        XCTAssertEqual(tree.run(["revoke", file, "--root", "tree", "--as", "ann", "--key", keys["ann"]!]).exitCode, 64)
        XCTAssertEqual(try String(contentsOf: tree.root.appendingPathComponent("requests/sam-debug.yaml"), encoding: .utf8), TreeFixture.files["requests/sam-debug.yaml"]!)
    }

    func testJSONRequestIsRewrittenWithSortedKeys() throws {
        let (tree, keys) = try makeTree()
        let json = #"{"kind": "AccessRequest", "apiVersion": "accessctl/v1", "metadata": {"name": "sam-json"}, "spec": {"requester": "sam", "requestedAt": "2026-11-22T09:00:00Z", "resources": ["site:acme-prod"], "role": "reader", "reason": "JSON", "duration": "1h"}}"#
        try TestSupport.write(["requests/sam-json.json": json], under: tree.root)
        let result = tree.run(["deny", "tree/requests/sam-json.json", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z", "--reason", "use the ticket"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        let text = try String(contentsOf: tree.root.appendingPathComponent("requests/sam-json.json"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{\n  \"apiVersion\": \"accessctl/v1\",\n  \"kind\": \"AccessRequest\",\n"), text)
        XCTAssertTrue(text.contains("\"decision\": \"deny\""))
        XCTAssertEqual(tree.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"]).exitCode, 0)
    }
}

/// More authority rules and the status command, on the same kind of signed tree.
final class AuthorityAndStatusTests: XCTestCase {
    private let keygen = SSHKeygen()

    private func signedTree(policyChange: (String, String)? = nil) throws -> (TreeFixture, [String: String]) {
        try XCTSkipUnless(keygen.isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let (keys, pubs) = try TestSupport.makeKeys(["ann", "sam"], in: try TestSupport.temporaryDirectory(self))
        var policy = TreeFixture.files["policies/support.yaml"]!
        if let (old, new) = policyChange { policy = policy.replacingOccurrences(of: old, with: new) }
        // sam moves to a team outside the owners, so the self-approval rule does not hide the others.
        let sam = TreeFixture.files["principals/sam.yaml"]!.replacingOccurrences(of: "teams: [support]", with: "teams: [helpdesk]")
        let tree = try TreeFixture(self, changes: [
            "principals/ann.yaml": TreeFixture.files["principals/ann.yaml"]! + "  sshKeys:\n    - \(pubs["ann"]!)\n",
            "principals/sam.yaml": sam + "  sshKeys:\n    - \(pubs["sam"]!)\n",
            "teams/helpdesk.yaml": "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: helpdesk\nspec:\n  displayName: Helpdesk\n",
            "policies/support.yaml": policy.replacingOccurrences(of: "teams: [support]", with: "teams: [support, helpdesk]"),
        ])
        return (tree, keys)
    }

    func testTermsLongerThanThePolicyAllows() throws {
        let (tree, keys) = try signedTree(policyChange: ("maxDuration: 1d", "maxDuration: 2h"))
        let result = tree.run(["approve", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z"])
        XCTAssertEqual(result.standardError, "error: ann cannot approve sam-debug: terms exceed policy support: 4h is longer than maxDuration 2h\n")
        XCTAssertEqual(tree.run(["approve", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z", "--duration", "2h"]).exitCode, 0)
    }

    func testRevokeByAnApproverOnly() throws {
        let (tree, keys) = try signedTree()
        let file = "tree/requests/sam-debug.yaml"
        XCTAssertEqual(tree.run(["approve", file, "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z"]).exitCode, 0)
        XCTAssertEqual(
            tree.run(["revoke", file, "--root", "tree", "--as", "sam", "--key", keys["sam"]!, "--at", "2026-11-22T10:00:00Z", "--reason", "done"]).standardError,
            "error: sam cannot revoke sam-debug: not an approver: 'sam' approves under none of the matching policies (support)\n")
        XCTAssertEqual(tree.run(["revoke", file, "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T10:00:00Z", "--reason", "done"]).exitCode, 0)
        let status = tree.run(["status", "--root", "tree", "--now", "2026-11-22T11:00:00Z", "--format", "json"])
        XCTAssertTrue(status.standardOutput.contains("\"state\": \"revoked\""), status.standardOutput)
    }

    func testStatusThroughTime() throws {
        let (tree, keys) = try signedTree()
        let file = "tree/requests/sam-debug.yaml"
        func state(_ now: String) -> String {
            let out = tree.run(["status", "--root", "tree", "--now", now]).standardOutput
            return out.split(separator: "\n")[1].split(separator: " ", omittingEmptySubsequences: true)[1].description
        }
        XCTAssertEqual(state("2026-11-22T09:10:00Z"), "pending")
        XCTAssertEqual(state("2026-11-30T09:10:00Z"), "stale")
        XCTAssertEqual(tree.run(["approve", file, "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:30:00Z", "--from", "2026-11-22T10:00:00Z", "--duration", "1h"]).exitCode, 0)
        XCTAssertEqual(state("2026-11-22T09:40:00Z"), "approved")
        XCTAssertEqual(state("2026-11-22T10:30:00Z"), "active")
        XCTAssertEqual(state("2026-11-22T11:00:00Z"), "expired")
        XCTAssertEqual(tree.run(["relinquish", file, "--root", "tree", "--as", "sam", "--key", keys["sam"]!, "--at", "2026-11-22T10:40:00Z"]).exitCode, 0)
        XCTAssertEqual(state("2026-11-22T10:50:00Z"), "relinquished")
        let detail = tree.run(["status", "sam-debug", "--root", "tree", "--now", "2026-11-22T10:50:00Z"])
        assertText(detail.standardOutput, """
            sam-debug (tree/requests/sam-debug.yaml)
              state:        relinquished
              requester:    sam
              requested at: 2026-11-22T09:00:00Z
              resources:    site:acme-prod
              role:         reader
              reason:       Debug ticket 1
              duration:     4h
              policies:     support (threshold 1)
              granted:      site:acme-prod; reader; 2026-11-22T10:00:00Z to 2026-11-22T11:00:00Z
            Decisions:
              1. approve by ann at 2026-11-22T09:30:00Z: verified (policy support)
                 terms: site:acme-prod; reader; 2026-11-22T10:00:00Z to 2026-11-22T11:00:00Z
              2. relinquish by sam at 2026-11-22T10:40:00Z: verified

            """)
        XCTAssertEqual(tree.run(["status", "sam-debg", "--root", "tree"]).standardError, "error: no request named 'sam-debg'; did you mean 'sam-debug'?\n")
    }
}
