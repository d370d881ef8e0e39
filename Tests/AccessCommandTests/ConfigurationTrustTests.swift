import Foundation
import XCTest

@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// The configuration-trust issue's attacks, each made by someone who can get one pull request
/// merged but holds no administrator key: without the administrators' signatures reconcile
/// grants nothing new and `check` denies; with the threshold of signatures the change takes
/// effect. Real keys, real ssh-keygen. ann and olga are the administrators (threshold 2);
/// sam asks for access; eve, in a team that owns nothing, helps him.
final class ConfigurationTrustTests: ReconcileTestCase {
    private var eveKey = "", eveLine = "", spareLine = "", sparePath = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        let made = try TestSupport.makeKeys(["eve", "spare"], in: try TestSupport.temporaryDirectory(self))
        (eveKey, eveLine, spareLine, sparePath) = (made.paths["eve"]!, made.lines["eve"]!, made.lines["spare"]!, made.paths["spare"]!)
        keys["eve"] = eveKey
        // eve's team has no parent: she owns nothing (support's parent is the owner team).
        try write("teams/helpers.yaml", "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: helpers\nspec:\n  displayName: Helpers\n")
        try write("principals/eve.yaml", principal("eve", teams: ["helpers"], keys: [eveLine]))
        // olga is the second administrator.
        try write("principals/olga.yaml", try read("principals/olga.yaml").replacingOccurrences(of: "  teams: [owners]\n", with: "  email: olga@example.org\n  teams: [owners]\n  roles: [admin]\n  assignedBy: ann\n"))
        let first = reconcile("2026-11-22T09:00:00Z")
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        XCTAssertTrue(first.standardOutput.contains("trusted: pinned on first use"), first.standardOutput)
    }

    private func principal(_ name: String, teams: [String], roles: [String] = [], keys: [String]) -> String {
        var text = "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: \(name)\nspec:\n  displayName: \(name)\n  email: \(name)@example.org\n  teams: [\(teams.joined(separator: ", "))]\n"
        if !roles.isEmpty { text += "  roles: [\(roles.joined(separator: ", "))]\n  assignedBy: ann\n" }
        return text + "  sshKeys:\n" + keys.map { "    - \($0)\n" }.joined()
    }

    /// Signs an approval of sam-debug as `by` with the key at `key` (not necessarily theirs).
    private func approve(as by: String, key: String, at: String = "2026-11-22T09:30:00Z", file: StaticString = #filePath, line: UInt = #line) {
        let result = tree.run(["approve", "tree/requests/sam-debug.yaml", "--root", "tree", "--as", by, "--key", key, "--at", at])
        XCTAssertEqual(result.exitCode, 0, result.standardError, file: file, line: line)
    }

    private func check(_ principal: String = "sam", _ action: String = "read", _ resource: String = "site:acme-prod") -> CommandResult {
        tree.run(["check", principal, action, resource, "--root", "tree", "--at", "2026-11-22T10:00:00Z"])
    }

    /// The attack's change is merged and reconciled: nothing new is granted, the run says
    /// the change is pending, and check denies. Then both administrators sign and the
    /// change takes effect with `grantKey` granted.
    private func assertWaitsForSignatures(_ grantKey: String, allowed: (String, String, String) = ("sam", "read", "site:acme-prod"), file: StaticString = #filePath, line: UInt = #line) throws {
        let run = reconcile("2026-11-22T10:00:00Z")
        XCTAssertEqual(run.exitCode, 0, run.standardError, file: file, line: line)
        XCTAssertTrue(run.standardOutput.contains("configuration change pending: 0 of 2 administrator signatures (waiting for ann, olga)"), run.standardOutput, file: file, line: line)
        XCTAssertFalse(try grantKeys().contains(grantKey), "granted without administrator signatures: " + run.standardOutput + run.standardError, file: file, line: line)
        XCTAssertEqual(check(allowed.0, allowed.1, allowed.2).exitCode, 1, check(allowed.0, allowed.1, allowed.2).standardOutput, file: file, line: line)
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z", ["--require-trusted-configuration"]).exitCode, 1, "CI may refuse an unsigned configuration", file: file, line: line)

        // One administrator is not enough.
        signConfiguration(by: "ann", at: "2026-11-22T10:05:00Z", file: file, line: line)
        let one = reconcile("2026-11-22T10:10:00Z")
        XCTAssertTrue(one.standardOutput.contains("configuration change pending: 1 of 2 administrator signatures (waiting for olga)"), one.standardOutput, file: file, line: line)
        XCTAssertFalse(try grantKeys().contains(grantKey), file: file, line: line)

        signConfiguration(by: "olga", at: "2026-11-22T10:15:00Z", file: file, line: line)
        let signed = reconcile("2026-11-22T10:20:00Z")
        XCTAssertEqual(signed.exitCode, 0, signed.standardError, file: file, line: line)
        XCTAssertTrue(signed.standardOutput.contains("trusted: signed by 2 of 2 administrator signatures"), signed.standardOutput, file: file, line: line)
        XCTAssertTrue(signed.standardOutput.contains("(ann, olga)"), signed.standardOutput, file: file, line: line)
        XCTAssertTrue(try grantKeys().contains(grantKey), signed.standardOutput, file: file, line: line)
        XCTAssertEqual(try events().filter { $0.hasPrefix("configuration.trusted") }.count, 2, file: file, line: line)
        XCTAssertEqual(tree.run([allowed.0 == "sam" ? "check" : "check", allowed.0, allowed.1, allowed.2, "--root", "tree", "--at", "2026-11-22T10:30:00Z"]).exitCode, 0, file: file, line: line)
    }

    /// 1. Swap the public key in an owner's principal file for your own, then approve your own
    /// request as that owner.
    func testSwappedOwnerKeyApprovesNothingUntilSigned() throws {
        try write("principals/olga.yaml", try read("principals/olga.yaml").replacingOccurrences(of: try keysLine("olga"), with: try keysLine("sam")))
        approve(as: "olga", key: keys["sam"]!)
        try assertWaitsForSignatures("request/sam-debug")
    }

    /// 2. Add new principals with your keys to the owner team and approve with them.
    func testNewOwnersApproveNothingUntilSigned() throws {
        try write("principals/mal.yaml", principal("mal", teams: ["owners"], keys: [spareLine]))
        keys["mal"] = sparePath
        approve(as: "mal", key: sparePath)
        try assertWaitsForSignatures("request/sam-debug")
    }

    /// 3. Change the owner team of the resource to your own team.
    func testChangedOwnerTeamApprovesNothingUntilSigned() throws {
        try write("resources/site/acme-prod.yaml", try read("resources/site/acme-prod.yaml").replacingOccurrences(of: "owner: owners", with: "owner: helpers"))
        approve(as: "eve", key: eveKey)
        try assertWaitsForSignatures("request/sam-debug")
    }

    /// 4. Edit the policy to allow self-approval.
    func testSelfApprovalPolicyApprovesNothingUntilSigned() throws {
        try write("policies/support.yaml", try read("policies/support.yaml") + "  allowSelfApproval: true\n")
        try write("policies/support.yaml", try read("policies/support.yaml").replacingOccurrences(of: "    owner: true\n", with: "    owner: true\n    teams: [support]\n"))
        approve(as: "sam", key: keys["sam"]!)
        try assertWaitsForSignatures("request/sam-debug")
    }

    /// 5. Add a Binding giving yourself the administrator role.
    func testNewAdminBindingGrantsNothingUntilSigned() throws {
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "  teams: [support]\n", with: "  email: sam@example.org\n  teams: [support]\n"))
        try write("bindings/sam-admin.yaml", "apiVersion: accessctl/v1\nkind: Binding\nmetadata:\n  name: sam-admin\nspec:\n  subjects:\n    principals: [sam]\n  role: admin\n  assignedBy: ann\n  resources: [\"*\"]\n")
        try assertWaitsForSignatures("binding/sam-admin/sam", allowed: ("sam", "console", "site:acme-prod"))
    }

    /// 6. Add a principal holding the administrator role.
    func testNewAdministratorPrincipalGrantsNothingUntilSigned() throws {
        try write("principals/mal.yaml", principal("mal", teams: ["support"], roles: ["admin"], keys: [spareLine]))
        try assertWaitsForSignatures("role/mal/admin", allowed: ("mal", "console", "site:acme-prod"))
    }

    /// 7. Add yourself to the owner team, then approve as an owner.
    func testJoiningTheOwnerTeamApprovesNothingUntilSigned() throws {
        try write("principals/eve.yaml", principal("eve", teams: ["helpers", "owners"], keys: [eveLine]))
        approve(as: "eve", key: eveKey)
        try assertWaitsForSignatures("request/sam-debug")
    }

    /// Taking access away needs nobody's signature: a removed key ends the approvals it made.
    func testRemovingAKeyTakesEffectWithoutSignatures() throws {
        try write("principals/olga.yaml", try read("principals/olga.yaml").replacingOccurrences(of: "  sshKeys:\n", with: "  sshKeys:\n    - \(spareLine)\n"))
        signConfiguration(by: "ann", at: "2026-11-22T09:05:00Z")
        signConfiguration(by: "olga", at: "2026-11-22T09:05:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        decide("approve", by: "olga", at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:40:00Z").exitCode, 0)
        XCTAssertTrue(try grantKeys().contains("request/sam-debug"))
        // A pull request removes the key olga signed with, and nobody signs the change.
        try write("principals/olga.yaml", try read("principals/olga.yaml").replacingOccurrences(of: try keysLine("olga"), with: ""))
        let run = reconcile("2026-11-22T09:50:00Z")
        XCTAssertTrue(run.standardOutput.contains("configuration change pending"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("- request/sam-debug (invalid)"), run.standardOutput)
        XCTAssertFalse(try grantKeys().contains("request/sam-debug"))
        XCTAssertEqual(check().exitCode, 1)
    }

    /// The line `    - KEY\n` of a principal's first key.
    private func keysLine(_ name: String) throws -> String {
        "    - \(try publicKey(name))\n"
    }

    private func publicKey(_ name: String) throws -> String {
        try String(contentsOfFile: keys[name]! + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - Report templates

    /// Hardening finding 8: the tree's `templates/` restyle the report only once the
    /// administrators sign them; until then the report keeps the trusted look.
    func testTemplatesRestyleTheReportOnlyOnceSigned() throws {
        let folder = tree.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write("templates/style.css", "body { color: rebeccapurple }\n")
        let pending = reconcile("2026-11-22T10:00:00Z", ["--report", "site"])
        XCTAssertEqual(pending.exitCode, 0, pending.standardError)
        XCTAssertTrue(pending.standardOutput.contains("configuration change pending: 0 of 2 administrator signatures (waiting for ann, olga)"), pending.standardOutput)
        XCTAssertTrue(pending.standardOutput.contains("Template/style.css"), pending.standardOutput)
        let site = tree.root.deletingLastPathComponent().appendingPathComponent("site")
        let builtIn = try XCTUnwrap(ReportTemplates.builtInFiles.first { $0.name == "style.css" }).text
        XCTAssertEqual(try String(contentsOf: site.appendingPathComponent("style.css"), encoding: .utf8), builtIn, "an unsigned restyle is not published")

        signConfiguration(by: "ann", at: "2026-11-22T10:05:00Z")
        signConfiguration(by: "olga", at: "2026-11-22T10:05:00Z")
        let signed = reconcile("2026-11-22T10:10:00Z", ["--report", "site"])
        XCTAssertEqual(signed.exitCode, 0, signed.standardError)
        XCTAssertEqual(try String(contentsOf: site.appendingPathComponent("style.css"), encoding: .utf8), "body { color: rebeccapurple }\n")

        // A template that does not compile is a positioned error, and the page stays built in.
        try write("templates/index.mustache", "{{#unclosed}}\n")
        let broken = tree.run(["validate", "--root", "tree"])
        XCTAssertEqual(broken.exitCode, 1)
        XCTAssertTrue(broken.standardError.contains("tree/templates/index.mustache:"), broken.standardError)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("index.mustache"))

        // Only regular text files: a link to a secret is named, never read.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("leak.css").path, withDestinationPath: "/etc/passwd")
        let link = tree.run(["validate", "--root", "tree"])
        XCTAssertEqual(link.exitCode, 1)
        XCTAssertTrue(link.standardError.contains("tree/templates/leak.css: error: is a symlink, folder or special file; templates and assets must be regular files in the templates folder"), link.standardError)
        XCTAssertFalse(link.standardError.contains("root:"), "the target's content never appears")
    }

    // MARK: - Rotation

    /// A change of administrators needs the old threshold of old administrators and the new
    /// threshold of new ones: olga hands her administrator role to eve.
    private func handOverFromOlgaToEve() throws {
        try write("principals/olga.yaml", try read("principals/olga.yaml").replacingOccurrences(of: "  roles: [admin]\n  assignedBy: ann\n", with: ""))
        try write("principals/eve.yaml", principal("eve", teams: ["helpers"], roles: ["admin"], keys: [eveLine]))
    }

    func testRotationRefusedWhenOnlyTheNewAdministratorsSigned() throws {
        try handOverFromOlgaToEve()
        signConfiguration(by: "ann", at: "2026-11-22T10:00:00Z")
        signConfiguration(by: "eve", at: "2026-11-22T10:00:00Z")
        let run = reconcile("2026-11-22T10:10:00Z")
        XCTAssertTrue(run.standardOutput.contains(
            "configuration change pending: 1 of 2 administrator signatures (waiting for olga); the change replaces the administrators or the threshold, so also 2 of 2 new administrator signatures;"),
            run.standardOutput)
        XCTAssertEqual(try events().filter { $0.hasPrefix("configuration.trusted") }.count, 1)
        XCTAssertFalse(try grantKeys().contains("role/eve/admin"))
        XCTAssertEqual(check("eve", "console", "site:acme-prod").exitCode, 1)
    }

    func testRotationNeedsTheOldAndTheNewAdministrators() throws {
        try handOverFromOlgaToEve()
        signConfiguration(by: "ann", at: "2026-11-22T10:00:00Z")
        signConfiguration(by: "olga", at: "2026-11-22T10:00:00Z")
        let old = reconcile("2026-11-22T10:10:00Z")
        XCTAssertTrue(old.standardOutput.contains("2 of 2 administrator signatures; the change replaces the administrators or the threshold, so also 1 of 2 new administrator signatures (waiting for eve);"), old.standardOutput)
        XCTAssertFalse(try grantKeys().contains("role/eve/admin"))
        // olga's own role is taken away at once: removals need no signature.
        XCTAssertFalse(try grantKeys().contains("role/olga/admin"))
        signConfiguration(by: "eve", at: "2026-11-22T10:15:00Z")
        let signed = reconcile("2026-11-22T10:20:00Z")
        XCTAssertTrue(signed.standardOutput.contains("trusted: signed by 2 of 2 administrator signatures; the change replaces the administrators or the threshold, so also 2 of 2 new administrator signatures (ann, eve, olga)"), signed.standardOutput)
        XCTAssertTrue(try grantKeys().contains("role/eve/admin"))
        // From now on eve, not olga, counts: olga alone with ann is no longer enough.
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "Sam Support", with: "Sam S."))
        signConfiguration(by: "ann", at: "2026-11-22T10:25:00Z")
        signConfiguration(by: "olga", at: "2026-11-22T10:25:00Z")
        XCTAssertTrue(reconcile("2026-11-22T10:30:00Z").standardOutput.contains("1 of 2 administrator signatures (waiting for eve)"))
    }

    // MARK: - Signatures and the trust root

    /// A decision's signature never passes for a configuration signature: the payloads differ
    /// in their type, and the statement's is the one verified.
    func testADecisionSignatureIsNotAConfigurationSignature() throws {
        decide("approve", by: "olga", at: "2026-11-22T09:30:00Z")
        let request = try read("requests/sam-debug.yaml")
        let armorLines = request.components(separatedBy: "\n").drop { !$0.contains("-----BEGIN SSH SIGNATURE-----") }
        let armor = armorLines.prefix { !$0.contains("-----END SSH SIGNATURE-----") }.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n-----END SSH SIGNATURE-----"
        try write("principals/mal.yaml", principal("mal", teams: ["owners"], keys: [spareLine]))
        let digest = configurationDigest()
        let trusted = try XCTUnwrap(try LedgerStore(root: tree.root.path, displayRoot: "").readLog().events.first { $0.event == "configuration.trusted" }?.detail("digest")?.stringValue)
        for by in ["olga", "ann"] {
            let statement = ConfigurationStatement(digest: digest, previous: trusted, by: by, at: Timestamp(rfc3339: "2026-11-22T09:40:00Z")!, signature: armor)
            try FileManager.default.createDirectory(at: tree.root.appendingPathComponent("trust"), withIntermediateDirectories: true)
            let existing = (try? read("trust/configuration.jsonl")) ?? ""
            try write("trust/configuration.jsonl", existing + statement.jsonLine)
        }
        let run = reconcile("2026-11-22T10:00:00Z")
        XCTAssertTrue(run.standardOutput.contains("configuration change pending: 0 of 2 administrator signatures"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("configuration signature not counted: olga (line 1): the signature does not verify with their trusted keys"), run.standardOutput)
    }

    /// A configuration statement's signature never passes for a decision's.
    func testAConfigurationSignatureIsNotADecisionSignature() throws {
        try write("principals/mal.yaml", principal("mal", teams: ["owners"], keys: [spareLine]))
        signConfiguration(by: "olga", at: "2026-11-22T09:20:00Z")
        let line = try read("trust/configuration.jsonl")
        let armor = try XCTUnwrap(JSONParser.parse(line.trimmingCharacters(in: .newlines)).json["signature"]?.stringValue)
        decide("approve", by: "olga", at: "2026-11-22T09:30:00Z")
        let request = try read("requests/sam-debug.yaml")
        let start = try XCTUnwrap(request.range(of: "      signature: |\n"))
        let indented = armor.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n") + "\n"
        try write("requests/sam-debug.yaml", String(request[..<start.upperBound]) + indented)
        let validate = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertTrue(validate.standardError.contains("approve by olga: bad signature"), validate.standardError)
    }

    func testTheTrustRootDecidesTheFirstTrust() throws {
        let fresh = try TestSupport.temporaryDirectory(self)
        let copy = fresh.appendingPathComponent("tree")
        try FileManager.default.copyItem(at: tree.root, to: copy)
        for folder in ["state", "audit"] { try? FileManager.default.removeItem(at: copy.appendingPathComponent(folder)) }
        func run(_ extra: [String], environment: [String: String] = [:]) -> CommandResult {
            AccessCLI(environment: environment, currentDirectory: fresh.path, clock: TestSupport.clock)
                .run(["reconcile", "--root", "tree", "--now", "2026-11-22T09:00:00Z"] + extra)
        }
        let digest = configurationDigest()
        let wrong = "sha256:" + String(repeating: "ab", count: 32)
        XCTAssertEqual(run(["--trust-root", wrong]), CommandResult(exitCode: 1, standardError: """
            error: the configuration's digest \(digest) is not the trust root \(wrong), and no trusted configuration is recorded: check out the configuration the trust root names, or set the trust root to this digest once its administrators agree

            """))
        XCTAssertEqual(run([], environment: ["ACCESSCTL_TRUST_ROOT": wrong]).exitCode, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: copy.appendingPathComponent("audit/log.jsonl").path), "a refused run writes nothing")
        let pinned = run([], environment: ["ACCESSCTL_TRUST_ROOT": digest])
        XCTAssertTrue(pinned.standardOutput.contains("configuration \(digest) trusted: it is the trust root"), pinned.standardOutput)
        // Later, the log must start at the trust root: a replaced log is refused.
        let later = AccessCLI(environment: ["ACCESSCTL_TRUST_ROOT": wrong], currentDirectory: fresh.path, clock: TestSupport.clock)
            .run(["reconcile", "--root", "tree", "--now", "2026-11-22T09:10:00Z"])
        XCTAssertEqual(later.standardError, "tree/audit/log.jsonl: error: the audit log's trust starts at configuration \(digest), not at the trust root \(wrong): the log or the trust root was replaced\n")
    }

    // MARK: - The recorded snapshot

    /// The trusted snapshot is checked against the audit log: an edited one is refused while a
    /// change is pending; a lost one is rebuilt when the tree is the trusted configuration.
    func testAnEditedSnapshotIsRefusedAndALostOneRebuilt() throws {
        let trusted = configurationDigest()
        let snapshot = try read("state/configuration.json")
        // Lost, with the tree unchanged: rebuilt from the tree, byte for byte.
        try FileManager.default.removeItem(at: tree.root.appendingPathComponent("state/configuration.json"))
        XCTAssertEqual(reconcile("2026-11-22T09:10:00Z").exitCode, 0)
        XCTAssertEqual(try read("state/configuration.json"), snapshot)
        // Edited to make eve an owner in the "trusted" configuration, while a change is pending.
        // (Whatever the edit, the snapshot's digest no longer matches the log's.)
        try write("state/configuration.json", snapshot.replacingOccurrences(of: "teams: [helpers]", with: "teams: [helpers, owners]"))
        try write("principals/mal.yaml", principal("mal", teams: ["owners"], keys: [spareLine]))
        approve(as: "mal", key: sparePath)
        XCTAssertEqual(reconcile("2026-11-22T10:00:00Z"), CommandResult(exitCode: 1, standardError: """
            tree/state/configuration.json: error: does not hold the configuration the audit log trusts (\(trusted)): restore it from git history; accessctl will not guess which configuration to trust

            """))
        XCTAssertFalse(try grantKeys().contains("request/sam-debug"))
    }

    /// A broken line in the trust file is a positioned error; it counts as no signature.
    func testABrokenStatementIsAPositionedError() throws {
        try write("principals/mal.yaml", principal("mal", teams: ["owners"], keys: [spareLine]))
        try FileManager.default.createDirectory(at: tree.root.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try write("trust/configuration.jsonl", "{\"at\":\"2026-11-22T09:40:00Z\",\"by\":\"ann\",\"digest\":\"sha256:x\",\"previous\":null,\"signature\":\"s\"}\n{\"at\": 5}\n")
        let run = reconcile("2026-11-22T10:00:00Z")
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertTrue(run.standardError.hasPrefix("tree/trust/configuration.jsonl:2:8: error: 'at' must be a string in a configuration statement\n"), run.standardError)
        XCTAssertTrue(run.standardOutput.contains("configuration change pending: 0 of 2 administrator signatures"), run.standardOutput)
        for (line, message) in [
            ("{\"at\":\"yesterday\",\"by\":\"ann\",\"digest\":\"d\",\"previous\":null,\"signature\":\"s\"}", "1:7: error: 'at' must be a time like 2026-11-22T10:00:00Z"),
            ("{\"at\":\"2026-11-22T09:40:00Z\",\"by\":\"ann\",\"digest\":\"d\",\"previous\":7,\"signature\":\"s\"}", "1:65: error: 'previous' must be a digest or null"),
        ] {
            try write("trust/configuration.jsonl", line + "\n")
            let bad = reconcile("2026-11-22T10:00:00Z")
            XCTAssertTrue(bad.standardError.hasPrefix("tree/trust/configuration.jsonl:\(message)\n"), bad.standardError)
        }
    }

    // MARK: - The pull request check

    /// `validate --trusted BASE` on a pull-request-shaped pair: the base branch's tree and the
    /// pull request's, which adds a principal to the owner team who approves at once.
    func testValidateAgainstTheBaseConfigurationAnnotatesThePullRequest() throws {
        let base = tree.root.deletingLastPathComponent().appendingPathComponent("base")
        try FileManager.default.copyItem(at: tree.root, to: base)
        try write("principals/mal.yaml", principal("mal", teams: ["owners"], keys: [spareLine]))
        try write("bindings/sam-admin.yaml", "apiVersion: accessctl/v1\nkind: Binding\nmetadata:\n  name: sam-admin\nspec:\n  subjects:\n    principals: [mal]\n  role: reader\n  resources: [\"site:*\"]\n")
        approve(as: "mal", key: sparePath)
        let digest = configurationDigest()
        let baseDigest = String(tree.run(["config", "digest", "--root", "base"]).standardOutput.prefix { $0 != "\n" })
        let broken = tree.root.deletingLastPathComponent().appendingPathComponent("broken")
        try FileManager.default.copyItem(at: base, to: broken)
        try Data("apiVersion: accessctl/v1\nkind: Team\n".utf8).write(to: broken.appendingPathComponent("teams/bad.yaml"))
        let refused = tree.run(["validate", "--root", "tree", "--trusted", "broken", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.standardError.hasSuffix("error: the base tree broken has errors: it cannot be the trusted configuration\n"), refused.standardError)
        let result = tree.run(["validate", "--root", "tree", "--trusted", "base", "--format", "github", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        let waiting = "0 of 2 administrator signatures (waiting for ann, olga)"
        assertText(result.standardOutput, """
            ::warning file=tree/bindings/sam-admin.yaml,line=1,col=1::configuration change (+ Binding/sam-admin) waits for administrator signatures: \(waiting)
            ::warning file=tree/principals/mal.yaml,line=1,col=1::configuration change (+ Principal/mal) waits for administrator signatures: \(waiting)
            ::warning file=tree/requests/sam-debug.yaml,line=14,col=7::approve by mal: unknown signer: 'mal' is not a principal of the configuration under the base configuration; it counts once the configuration change is signed
            configuration: \(digest) changes base's \(baseDigest):
              + Binding/sam-admin (tree/bindings/sam-admin.yaml)
              + Principal/mal (tree/principals/mal.yaml)
            signatures: \(waiting)
            access:
              + binding/sam-admin/mal (once signed)
              + request/sam-debug (once signed)
            tree: 17 manifests valid against base's configuration, 3 warnings.

            """)
        // Signed by both administrators, the same check says so and the access comes at the merge.
        signConfiguration(by: "ann", at: "2026-11-22T09:50:00Z")
        signConfiguration(by: "olga", at: "2026-11-22T09:50:00Z")
        let signed = tree.run(["validate", "--root", "tree", "--trusted", "base", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(signed.exitCode, 0, signed.standardError)
        XCTAssertTrue(signed.standardOutput.contains("signatures: enough (ann, olga)\naccess:\n  + binding/sam-admin/mal (at the merge)\n  + request/sam-debug (at the merge)\n"), signed.standardOutput)
        XCTAssertEqual(signed.standardError, "")
        // A pull request may not touch what only reconcile writes.
        try write("state/grants.json", try read("state/grants.json").replacingOccurrences(of: "2026-11-22T09:00:00Z", with: "2026-11-22T09:00:01Z"))
        try FileManager.default.removeItem(at: tree.root.appendingPathComponent("audit/log.jsonl"))
        let ledger = tree.run(["validate", "--root", "tree", "--trusted", "base", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(ledger.exitCode, 1)
        XCTAssertTrue(ledger.standardError.hasPrefix("""
            tree/audit/log.jsonl: error: the pull request deletes this file: only reconcile writes state/ and audit/
            tree/state/grants.json: error: the pull request changes this file: only reconcile writes state/ and audit/

            """), ledger.standardError)
    }
}

/// The first configuration signed with `config init`, and a change signed with plain
/// ssh-keygen through `config payload` and `config attach`. ann is the only administrator.
final class ConfigurationSigningTests: ReconcileTestCase {
    func testInitThenPlainSSHKeygenThroughPayloadAndAttach() throws {
        let initialized = tree.run(["config", "init", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T08:00:00Z"])
        XCTAssertEqual(initialized.exitCode, 0, initialized.standardError)
        XCTAssertTrue(initialized.standardOutput.hasSuffix("1 of 1 administrator signatures needed for the first configuration: the next reconcile trusts it.\n"), initialized.standardOutput)
        let first = reconcile("2026-11-22T09:00:00Z")
        XCTAssertTrue(first.standardOutput.contains("trusted: signed by 1 of 1 administrator signature (ann)"), first.standardOutput)
        XCTAssertEqual(tree.run(["config", "sign", "--root", "tree", "--as", "ann", "--key", keys["ann"]!]).standardError,
                       "error: the configuration \(configurationDigest()) is already the trusted one: there is nothing to sign\n")
        XCTAssertEqual(tree.run(["config", "init", "--root", "tree", "--as", "ann", "--key", keys["ann"]!]).standardError,
                       "error: a configuration is already trusted (\(configurationDigest())): sign changes with 'accessctl config sign'\n")

        // A change, signed outside accessctl.
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "Sam Support", with: "Sam S."))
        let payload = tree.run(["config", "payload", "--root", "tree", "--as", "ann", "--at", "2026-11-22T09:30:00Z"])
        XCTAssertEqual(payload.exitCode, 0, payload.standardError)
        XCTAssertTrue(payload.standardOutput.hasPrefix("{\"at\":\"2026-11-22T09:30:00Z\",\"by\":\"ann\",\"digest\":\"\(configurationDigest())\",\"organization\":\"testorg\",\"previous\":\"sha256:"), payload.standardOutput)
        XCTAssertTrue(payload.standardOutput.hasSuffix("\"type\":\"accessctl.configuration/v1\"}"), payload.standardOutput)
        let message = tree.root.deletingLastPathComponent().appendingPathComponent("config.json")
        try Data(payload.standardOutput.utf8).write(to: message)
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: SSHKeygen().executable)
        keygen.arguments = ["-q", "-Y", "sign", "-f", keys["ann"]!, "-n", "accessctl", message.path]
        try keygen.run()
        keygen.waitUntilExit()
        XCTAssertEqual(keygen.terminationStatus, 0)
        let attached = tree.run(["config", "attach", "--root", "tree", "--as", "ann", "--at", "2026-11-22T09:30:00Z", "--signature", message.path + ".sig"])
        XCTAssertEqual(attached.exitCode, 0, attached.standardError)
        let second = reconcile("2026-11-22T10:00:00Z")
        XCTAssertTrue(second.standardOutput.contains("configuration \(configurationDigest()) trusted: signed by 1 of 1 administrator signature (ann)"), second.standardOutput)
        // Attaching a signature of other bytes is refused and writes nothing.
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "Sam S.", with: "Sam T."))
        let before = try read("trust/configuration.jsonl")
        let wrong = tree.run(["config", "attach", "--root", "tree", "--as", "ann", "--at", "2026-11-22T10:30:00Z", "--signature", message.path + ".sig"])
        XCTAssertEqual(wrong.exitCode, 1)
        XCTAssertTrue(wrong.standardError.hasPrefix("error: the signature does not verify: "), wrong.standardError)
        XCTAssertEqual(try read("trust/configuration.jsonl"), before)
    }
}
