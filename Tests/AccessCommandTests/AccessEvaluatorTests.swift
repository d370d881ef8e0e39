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

/// Effective permissions: teams over three levels, hierarchy, patterns, bindings in windows,
/// request grants over time, and the explanation text in full.
final class AccessEvaluatorTests: XCTestCase {
    private func evaluator(_ test: XCTestCase, grants: [Grant] = []) throws -> AccessEvaluator {
        let tree = try TreeFixture(test, changes: [
            // owners > support > night: night inherits the owners' role through two parents.
            "teams/owners.yaml": TreeFixture.files["teams/owners.yaml"]! + "  roles: [reader]\n",
            "teams/night.yaml": "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: night\nspec:\n  parent: support\n",
            "principals/nina.yaml": "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: nina\nspec:\n  displayName: Nina Night\n  teams: [night]\n",
            "bindings/nina-console.yaml": """
                apiVersion: accessctl/v1
                kind: Binding
                metadata:
                  name: nina-console
                spec:
                  subjects:
                    principals: [nina]
                  role: operator
                  resources: [account:acme]
                  validFrom: 2026-11-01T00:00:00Z
                  validTo: 2026-12-01T00:00:00Z

                """,
            "roles/operator.yaml": "apiVersion: accessctl/v1\nkind: Role\nmetadata:\n  name: operator\nspec:\n  rules:\n    - resources: [\"site:acme-*\"]\n      actions: [console]\n",
        ])
        let loaded = TreeLoader.load(root: tree.root.path, displayRoot: "tree")
        XCTAssertEqual(loaded.diagnostics, [])
        return AccessEvaluator(directory: Directory(loaded.tree), grants: AccessEngine(directory: Directory(loaded.tree), statuses: [:]).grants() + grants)
    }

    private let prod = ResourceRef("site:acme-prod")!
    private let t = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    func testTeamRolesAreInheritedOverThreeLevels() throws {
        let e = try evaluator(self)
        XCTAssertEqual(e.paths("nina", "read", prod, at: t).map(\.description), ["nina -> team night -> parent team support -> parent team owners -> role reader -> rule 1 (site:*: read)"])
        XCTAssertEqual(e.paths("nina", "read", ResourceRef("account:acme")!, at: t), [], "reader's rule covers sites only")
    }

    func testBindingsApplyInTheirWindowAndReachChildrenThroughParents() throws {
        let e = try evaluator(self)
        XCTAssertEqual(
            e.paths("nina", "console", prod, at: t).map(\.description),
            ["nina -> binding nina-console -> role operator -> rule 1 (site:acme-*: console), covering it through parent account:acme, until 2026-12-01T00:00:00Z"])
        XCTAssertEqual(e.paths("nina", "console", prod, at: Timestamp(rfc3339: "2026-12-01T00:00:00Z")!), [], "the window has ended")
    }

    func testRolesFromSeveralSourcesAreUnited() throws {
        let e = try evaluator(self)
        // ann is an admin directly and through a binding, and reads as a member of owners.
        XCTAssertEqual(e.paths("ann", "read", prod, at: t).map(\.description), [
            "ann -> role admin -> rule 1 (*: *)",
            "ann -> team owners -> role reader -> rule 1 (site:*: read)",
            "ann -> binding ann-admin -> role admin -> rule 1 (*: *)",
        ])
        XCTAssertEqual(e.paths("sam", "console", prod, at: t), [], "nothing is allowed unless a rule allows it")
    }

    func testRequestGrantsCountOnlyInTheirWindow() throws {
        let grant = Grant(
            principal: "sam", source: .request("sam-debug", approvers: ["ann"]), role: nil, actions: ["console"], scope: [ResourcePattern("site:acme-prod")!],
            validFrom: Timestamp(rfc3339: "2026-11-22T09:30:00Z")!, validTo: Timestamp(rfc3339: "2026-11-22T13:30:00Z")!)
        let e = try evaluator(self, grants: [grant])
        XCTAssertEqual(e.paths("sam", "console", prod, at: t).map(\.description), ["sam -> request sam-debug (approved by ann) -> action console, until 2026-11-22T13:30:00Z"])
        XCTAssertEqual(e.paths("sam", "console", prod, at: Timestamp(rfc3339: "2026-11-22T09:00:00Z")!), [])
        XCTAssertEqual(e.paths("sam", "console", prod, at: Timestamp(rfc3339: "2026-11-22T13:30:00Z")!), [])
    }

    func testDenialNamesTheClosestRolesAndPolicies() throws {
        let e = try evaluator(self)
        let closest = e.closest("sam", "read", prod)
        XCTAssertEqual(closest.roles, ["admin", "reader"])
        XCTAssertEqual(closest.policies, ["support"])
    }

    func testCheckCommandOnTheBundledTree() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let folder = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: folder)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        // Approved 11-30 for 11-30 16:00 to 12-01 16:00, first seen by the bundled run at 12-01 04:00:
        // allowed from then, not before (times the tool observed).
        XCTAssertEqual(cli.run(["check", "raj.patel", "read", "site:initech-staging", "--at", "2026-12-01T10:00:00Z"]), CommandResult(exitCode: 0, standardOutput: """
            allowed: raj.patel may read site:initech-staging at 2026-12-01T10:00:00Z
              1. raj.patel -> request initech-staging-logs-2026-11-30 (approved by ian.wright) -> role support-readonly -> rule 1 (account:*, company:*, site:*: read), until 2026-12-01T16:00:00Z

            """))
        XCTAssertEqual(cli.run(["check", "raj.patel", "read", "site:initech-staging", "--at", "2026-12-01T03:00:00Z"]).exitCode, 1)
        // Signed for 11-22 09:30 to 13:30, but no run saw the approvals before 12-01: it never gave
        // access, and reconcile never granted it, so check agrees.
        XCTAssertEqual(cli.run(["check", "jane.doe", "console", "site:acme-prod", "--at", "2026-11-22T10:00:00Z"]).exitCode, 1)
        XCTAssertEqual(cli.run(["check", "jane.doe", "console", "site:acme-prod", "--at", "2026-11-22T14:00:00Z"]).exitCode, 1)
        XCTAssertEqual(cli.run(["check", "jane.doe", "restart", "site:globex-prod", "--at", "2026-11-22T10:00:00Z"]), CommandResult(exitCode: 1, standardOutput: """
            denied: jane.doe may not restart site:globex-prod at 2026-11-22T10:00:00Z: not authorized
              roles that would allow it: org-admin, support-operator
              policies under which jane.doe may request it: support-emergency, support-production

            """))
        // Revoked at 2026-11-20T08:00: allowed before, denied after.
        XCTAssertEqual(cli.run(["check", "lena.kraus", "write", "company:acme-eu", "--at", "2026-11-19T12:00:00Z"]).exitCode, 0)
        XCTAssertEqual(cli.run(["check", "lena.kraus", "write", "company:acme-eu", "--at", "2026-11-20T09:00:00Z"]).exitCode, 1)
        XCTAssertEqual(cli.run(["check", "bob.owens", "billing", "site:acme-prod"]).standardError,
                       "error: 'billing' is not an action of resource type 'site'; its actions are: read, write, console, restart, deploy\n")
        XCTAssertEqual(cli.run(["check", "jane.do", "read", "site:acme-prod"]).standardError, "error: unknown principal 'jane.do'; did you mean 'jane.doe'?\n")
    }
}

/// The examples in the docs are real: each `$ accessctl ...` block is run and compared.
final class DocumentationExampleTests: XCTestCase {
    func testAccessModelExamplesMatchTheCommandOutput() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let url = TestSupport.repositoryRoot.appendingPathComponent("Sources/AccessCore/AccessCore.docc/AccessModel.md")
        let blocks = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "```\n").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let examples = blocks.filter { $0.hasPrefix("$ accessctl ") }
        XCTAssertEqual(examples.count, 3)
        let folder = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: folder)
        Self.runExamples(examples, AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock))
    }

    /// Runs each `$ accessctl ARGS` block and compares its standard output with the rest of the block.
    static func runExamples(_ examples: [String], _ cli: AccessCLI, file: StaticString = #filePath, line: UInt = #line) {
        for block in examples {
            var lines = block.components(separatedBy: "\n")
            let command = lines.removeFirst().dropFirst("$ accessctl ".count).split(separator: " ").map(String.init)
            assertText(cli.run(command).standardOutput, lines.joined(separator: "\n"), command.joined(separator: " "), file: file, line: line)
        }
    }
}

extension DocumentationExampleTests {
    /// The assignment error shown in AccessModel.md is what validate prints when the example
    /// binding loses its assignedBy line.
    func testAssignmentErrorExampleMatchesValidate() throws {
        let text = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Sources/AccessCore/AccessCore.docc/AccessModel.md"), encoding: .utf8)
        let block = try XCTUnwrap(text.components(separatedBy: "```\n").first { $0.hasPrefix("access/bindings/acme-admins-own-account.yaml:") })
        let work = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: work)
        let binding = work.appendingPathComponent("access/bindings/acme-admins-own-account.yaml")
        let original = try String(contentsOf: binding, encoding: .utf8)
        let edited = original.components(separatedBy: "\n").filter { !$0.hasPrefix("  assignedBy:") }.joined(separator: "\n")
        XCTAssertNotEqual(edited, original)
        try edited.write(to: binding, atomically: true, encoding: .utf8)
        let result = AccessCLI(environment: [:], currentDirectory: work.path, clock: TestSupport.clock).run(["validate", "--now", TestSupport.bundledRunTime])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix(block), result.standardError)
        XCTAssertEqual(result.standardOutput, "access: 1 error, 3 warnings in 64 files.\n")
    }
}

/// `who-can` and `access` on the bundled tree, compared in full.
final class ListingCommandTests: XCTestCase {
    private var cli: AccessCLI!

    override func setUpWithError() throws {
        let folder = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: folder)
        cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
    }

    func testWhoCan() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        assertText(cli.run(["who-can", "console", "site:acme-prod", "--at", "2026-11-22T10:00:00Z"]).standardOutput, """
            maria.lopez (Maria Lopez)
              - maria.lopez -> role org-admin -> rule 1 (*: *)
            tom.becker (Tom Becker)
              - tom.becker -> role org-admin -> rule 1 (*: *)
            2 principals may console site:acme-prod at 2026-11-22T10:00:00Z.

            """)
    }

    func testAccess() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let grant = "lena.kraus -> request initech-migration-2026-11 (approved by ian.wright) -> role consultant -> rule 1 (company:*, site:*: read, write)"
        assertText(cli.run(["access", "lena.kraus", "--at", "2026-11-20T10:00:00Z"]).standardOutput, """
            read company:initech-hq
              - \(grant), until 2026-11-28T18:00:00Z
            write company:initech-hq
              - \(grant), until 2026-11-28T18:00:00Z
            read site:initech-prod
              - \(grant), covering it through parent company:initech-hq, until 2026-11-28T18:00:00Z
            write site:initech-prod
              - \(grant), covering it through parent company:initech-hq, until 2026-11-28T18:00:00Z
            read site:initech-staging
              - \(grant), until 2026-11-28T18:00:00Z
            write site:initech-staging
              - \(grant), until 2026-11-28T18:00:00Z
            lena.kraus may do 6 actions at 2026-11-20T10:00:00Z.

            """)
        XCTAssertEqual(cli.run(["access", "lena.krause"]).standardError, "error: unknown principal 'lena.krause'; did you mean 'lena.kraus'?\n")
    }
}

/// Dependent permissions declared on resource types.
final class DependentPermissionTests: XCTestCase {
    func testImpliesAndRequires() throws {
        let settings = TreeFixture.files["accessctl.yaml"]!
            .replacingOccurrences(of: "      actions: [read, admin]\n", with: "      actions: [read, admin]\n      implies:\n        admin: [read]\n")
            .replacingOccurrences(of: "      actions: [read, console]\n", with: "      actions: [read, console, share]\n      requires:\n        share: [console]\n        console: [share]\n")
        let tree = try TreeFixture(self, changes: [
            "accessctl.yaml": settings,
            "roles/sharer.yaml": "apiVersion: accessctl/v1\nkind: Role\nmetadata:\n  name: sharer\nspec:\n  rules:\n    - resources: [\"site:*\"]\n      actions: [share]\n    - resources: [\"account:*\"]\n      actions: [admin]\n",
            "principals/sam.yaml": TreeFixture.files["principals/sam.yaml"]! + "  roles: [sharer]\n",
        ])
        let loaded = TreeLoader.load(root: tree.root.path, displayRoot: "tree")
        XCTAssertEqual(loaded.diagnostics, [])
        let e = AccessEngine(directory: Directory(loaded.tree), statuses: [:]).evaluator
        let t = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
        XCTAssertEqual(e.paths("sam", "read", ResourceRef("account:acme")!, at: t).map(\.description), ["sam -> role sharer -> rule 2 (account:*: admin) (admin implies read)"])
        // share needs console too, which sam lacks; the cycle console <-> share ends.
        let share = e.explain("sam", "share", ResourceRef("site:acme-prod")!, at: t)
        XCTAssertEqual(share.paths, [])
        XCTAssertEqual(share.missingRequirement, "console")
        let result = tree.run(["check", "sam", "share", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"])
        assertText(result.standardOutput, """
            denied: sam may not share site:acme-prod at 2026-11-22T10:00:00Z: not authorized
              share requires console on the same resource, which sam may not do
              roles that would allow it: admin, sharer
              policies under which sam may request it: none

            """)
    }

    func testDependenciesMustNameActionsOfTheType() throws {
        let settings = TreeFixture.files["accessctl.yaml"]!.replacingOccurrences(of: "      actions: [read, admin]\n", with: "      actions: [read, admin]\n      implies:\n        admin: [reed]\n")
        let result = try TreeFixture(self, changes: ["accessctl.yaml": settings]).validate()
        XCTAssertTrue(result.standardError.hasPrefix("tree/accessctl.yaml:12:17: error: 'reed' in spec.resourceTypes.account.implies.admin is not an action of type 'account'\n"), result.standardError)
    }
}

/// The listings ask only the principals and resources that some grant can reach; asking
/// every principal about every action on every resource must give the same lines.
final class ListingIndexTests: XCTestCase {
    func testIndexedListingsAgreeWithAskingEveryone() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        // The example tree, with dependent permissions added so implied and required actions count too.
        let work = try TestSupport.temporaryDirectory(self)
        let root = try TestSupport.copyBundledTree(to: work)
        let settingsURL = root.appendingPathComponent("accessctl.yaml")
        let settings = try String(contentsOf: settingsURL, encoding: .utf8)
        let edited = settings
            .replacingOccurrences(of: "      actions: [read, write, admin, billing, console]\n", with: "      actions: [read, write, admin, billing, console]\n      implies:\n        admin: [billing]\n")
            .replacingOccurrences(of: "      actions: [read, write, console, restart, deploy]\n", with: "      actions: [read, write, console, restart, deploy]\n      implies:\n        write: [read]\n      requires:\n        restart: [console]\n")
        XCTAssertNotEqual(edited, settings)
        try edited.write(to: settingsURL, atomically: true, encoding: .utf8)
        let loaded = TreeLoader.load(root: root.path, displayRoot: "access")
        XCTAssertFalse(loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        let tree = loaded.tree
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: work.path, clock: TestSupport.clock)
        var lines = 0, requestLines = 0
        for text in ["2026-11-20T10:00:00Z", "2026-11-22T10:00:00Z", "2026-11-23T04:00:00Z", "2027-01-01T00:00:00Z"] {
            let at = Timestamp(rfc3339: text)!
            let evaluator = cli.engine(Directory(tree), now: at, liveFrom: at, history: AuditHistory()).evaluator
            let index = AccessIndex(evaluator, at: at)
            for resource in tree.resources {
                for action in tree.settings!.resourceType(resource.type.value)!.actions {
                    let everyone = tree.principals.compactMap { p -> String? in
                        let paths = evaluator.paths(p.id, action, resource.ref, at: at)
                        return paths.isEmpty ? nil : "\(p.id): " + paths.map(\.description).joined(separator: " | ")
                    }
                    let indexed = index.whoCan(action, resource.ref).map { "\($0.principal): " + $0.paths.map(\.description).joined(separator: " | ") }
                    XCTAssertEqual(indexed, everyone, "who-can \(action) \(resource.ref) at \(text)")
                    if text == "2026-11-22T10:00:00Z" {
                        // The command verifies only the requests about the resource and its parents.
                        var expected = ""
                        for p in tree.principals {
                            let paths = evaluator.paths(p.id, action, resource.ref, at: at)
                            if !paths.isEmpty { expected += "\(p.id) (\(p.displayName))\n" + paths.map { "  - \($0.description)\n" }.joined() }
                        }
                        let listing = cli.whoCanListing(tree, action, resource.ref, at: at, clock: at, history: AuditHistory())
                        assertText(String(listing.prefix(expected.count)), expected, "who-can \(action) \(resource.ref)")
                        requestLines += indexed.filter { $0.contains("-> request ") }.count
                    }
                    lines += everyone.count
                }
            }
            for principal in tree.principals {
                var everything: [String] = []
                for resource in tree.resources {
                    for action in tree.settings!.resourceType(resource.type.value)!.actions {
                        let paths = evaluator.paths(principal.id, action, resource.ref, at: at)
                        if !paths.isEmpty { everything.append("\(action) \(resource.ref): " + paths.map(\.description).joined(separator: " | ")) }
                    }
                }
                let indexed = evaluator.access(of: principal.id, at: at).map { "\($0.action) \($0.resource): " + $0.paths.map(\.description).joined(separator: " | ") }
                XCTAssertEqual(indexed, everything, "access \(principal.id) at \(text)")
            }
        }
        // Enough lines that a listing that drops people or resources would show.
        XCTAssertGreaterThan(lines, 200)
        XCTAssertGreaterThan(requestLines, 5)
    }
}

extension DocumentationExampleTests {
    /// The Controls article's examples: each `$ accessctl` block is run on the bundled tree
    /// and compared in full, and each quoted diagnostic is what validate prints.
    func testControlsExamplesMatchTheCommandOutput() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let text = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Sources/AccessCore/AccessCore.docc/Controls.md"), encoding: .utf8)
        // Fenced blocks without a language: the outputs (```yaml and ```sh blocks are inputs).
        var blocks: [String] = [], current: [String]?, fence: String?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if fence != nil {
                    if fence == "```", let current { blocks.append(current.joined(separator: "\n") + "\n") }
                    fence = nil
                    current = nil
                } else {
                    fence = line
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        let examples = blocks.filter { $0.hasPrefix("$ accessctl ") }
        XCTAssertEqual(examples.count, 5)
        let folder = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: folder)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        Self.runExamples(examples, cli)
        // The diagnostics quoted: the break-glass review a day later, the retainer its condition refuses.
        let diagnostics = blocks.filter { $0.hasPrefix("access/") }
        XCTAssertEqual(diagnostics.count, 3)
        let later = cli.run(["validate", "--now", "2026-12-02T05:00:00Z"]).standardError
        for block in diagnostics where !block.contains("error:") {
            XCTAssertTrue(later.contains(block), "validate does not print:\n\(block)\nit prints:\n\(later)")
        }
        // The type error: the bundled role with one attribute misspelt.
        let role = folder.appendingPathComponent("access/roles/support-operator.yaml")
        let original = try String(contentsOf: role, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "weekday(resource.attributes.timezone)", with: "weekday(resource.attributes.tz)")
        XCTAssertNotEqual(edited, original)
        try edited.write(to: role, atomically: true, encoding: .utf8)
        let invalid = cli.run(["validate", "--now", TestSupport.bundledRunTime])
        XCTAssertEqual(invalid.exitCode, 1)
        let typeError = try XCTUnwrap(diagnostics.first { $0.contains("error:") })
        XCTAssertTrue(invalid.standardError.contains(typeError), invalid.standardError)
    }
}
