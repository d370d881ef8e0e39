import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Each kind of validation error, checked in full: file, line, column, message and caret.
final class ValidationTests: XCTestCase {
    private func expectErrors(_ changes: [String: String?], _ expected: String, count: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws {
        let tree = try TreeFixture(self, changes: changes)
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1, file: file, line: line)
        assertText(result.standardError, expected, file: file, line: line)
        XCTAssertTrue(result.standardOutput.hasPrefix("tree: \(count) error\(count == 1 ? "" : "s") in "), result.standardOutput, file: file, line: line)
    }

    private func replacing(_ path: String, _ old: String, _ new: String) -> [String: String?] {
        edits((path, old, new))
    }

    /// Fixture files with each (path, old, new) replacement applied, several per file allowed.
    private func edits(_ list: (String, String, String)...) -> [String: String?] {
        var files: [String: String] = [:]
        for (path, old, new) in list {
            let original = files[path] ?? TreeFixture.files[path]!
            precondition(original.contains(old), "\(path) has no \(old)")
            files[path] = original.replacingOccurrences(of: old, with: new)
        }
        return files.mapValues { Optional($0) }
    }

    func testTheFixtureIsValid() throws {
        let result = try TreeFixture(self).validate()
        XCTAssertEqual(result, CommandResult(exitCode: 0, standardOutput: "tree: 12 manifests valid.\n"))
    }

    func testUnknownFieldSuggestsTheClosestOne() throws {
        try expectErrors(replacing("requests/sam-debug.yaml", "  reason:", "  reasn:"), """
            tree/requests/sam-debug.yaml:5:1: error: missing required field 'spec.reason'
            spec:
            ^
            tree/requests/sam-debug.yaml:10:3: error: unknown field 'reasn' in spec; did you mean 'reason'?
              reasn: Debug ticket 1
              ^

            """, count: 2)
    }

    func testWrongType() throws {
        try expectErrors(replacing("principals/ann.yaml", "roles: [admin]", "roles: admin"), """
            tree/principals/ann.yaml:8:10: error: spec.roles must be a list, found a string
              roles: admin
                     ^

            """)
    }

    func testBadID() throws {
        try expectErrors(replacing("teams/owners.yaml", "name: owners", "name: Owners"), """
            tree/teams/owners.yaml:4:9: error: invalid metadata.name 'Owners': an id must start with a lower-case letter or digit
              name: Owners
                    ^

            """)
    }

    func testFileNameMustEqualID() throws {
        try expectErrors(["teams/owner-team.yaml": TreeFixture.files["teams/owners.yaml"]!, "teams/owners.yaml": nil], """
            tree/teams/owner-team.yaml:4:9: error: metadata.name 'owners' must equal the file name 'owner-team'
              name: owners
                    ^

            """)
    }

    func testDuplicateIDs() throws {
        try expectErrors(["teams/more/owners.yaml": TreeFixture.files["teams/owners.yaml"]!], """
            tree/teams/owners.yaml:4:9: error: duplicate team id 'owners' (also defined in tree/teams/more/owners.yaml)
              name: owners
                    ^
            tree/teams/more/owners.yaml:4:9: note: the first team 'owners' is here

            """)
    }

    func testUnknownReferences() throws {
        let changes = edits(
            ("principals/sam.yaml", "teams: [support]", "teams: [suport]"),
            ("requests/sam-debug.yaml", "resources: [site:acme-prod]", "resources: [site:acme-test]"),
            ("resources/site/acme-prod.yaml", "owner: owners", "owner: nobody"))
        try expectErrors(changes, """
            tree/principals/sam.yaml:7:11: error: unknown team 'suport'; did you mean 'support'?
              teams: [suport]
                      ^
            tree/requests/sam-debug.yaml:8:15: error: unknown resource 'site:acme-test'
              resources: [site:acme-test]
                          ^
            tree/resources/site/acme-prod.yaml:7:10: error: unknown owner team 'nobody'
              owner: nobody
                     ^

            """, count: 3)
    }

    func testUnknownRoleActionAndResourceType() throws {
        let changes = edits(
            ("roles/reader.yaml", "actions: [read]", "actions: [raed]"),
            ("policies/support.yaml", "resources: [\"site:*\"]", "resources: [\"host:*\"]"),
            ("bindings/ann-admin.yaml", "role: admin", "role: admn"))
        try expectErrors(changes, """
            tree/bindings/ann-admin.yaml:8:9: error: unknown role 'admn'; did you mean 'admin'?
              role: admn
                    ^
            tree/policies/support.yaml:8:15: error: unknown resource type 'host' in pattern 'host:*'; declared types: account, site
              resources: ["host:*"]
                          ^
            tree/roles/reader.yaml:8:17: error: unknown action 'raed'; did you mean 'read'?
                  actions: [raed]
                            ^

            """, count: 3)
    }

    func testTeamCycle() throws {
        try expectErrors(replacing("teams/owners.yaml", "  displayName: Owners", "  parent: support"), """
            tree/teams/owners.yaml:6:11: error: team parents form a cycle: owners -> support -> owners
              parent: support
                      ^

            """)
    }

    func testResourceCycle() throws {
        try expectErrors(replacing("resources/account/acme.yaml", "  owner: owners", "  owner: owners\n  parent: site:acme-prod"), """
            tree/resources/account/acme.yaml:8:11: error: resource parents form a cycle: account:acme -> site:acme-prod -> account:acme
              parent: site:acme-prod
                      ^

            """)
    }

    func testInvalidTimeAndDuration() throws {
        let changes = edits(
            ("requests/sam-debug.yaml", "requestedAt: 2026-11-22T09:00:00Z", "requestedAt: 2026-02-30T09:00:00Z"),
            ("requests/sam-debug.yaml", "duration: 4h", "duration: 4 hours"))
        try expectErrors(changes, """
            tree/requests/sam-debug.yaml:7:16: error: invalid time '2026-02-30T09:00:00Z' in spec.requestedAt: write RFC 3339 in UTC, like 2026-11-22T09:00:00Z
              requestedAt: 2026-02-30T09:00:00Z
                           ^
            tree/requests/sam-debug.yaml:11:13: error: invalid duration '4 hours' in spec.duration: write for example 30m, 4h, 1d, 1w, 2d12h or permanent
              duration: 4 hours
                        ^

            """, count: 2)
    }

    func testUnknownKindAndVersion() throws {
        let changes = edits(("teams/owners.yaml", "kind: Team", "kind: Teem"), ("roles/reader.yaml", "apiVersion: accessctl/v1", "apiVersion: accessctl/v2"))
        try expectErrors(changes, """
            tree/roles/reader.yaml:1:13: error: unsupported apiVersion 'accessctl/v2'; expected 'accessctl/v1'
            apiVersion: accessctl/v2
                        ^
            tree/teams/owners.yaml:2:7: error: unknown kind 'Teem'; did you mean 'Team'?
            kind: Teem
                  ^

            """, count: 2)
    }

    func testMissingSettings() throws {
        try expectErrors(["accessctl.yaml": nil], """
            tree/accessctl.yaml: error: missing settings: create 'accessctl.yaml' at the root of the tree (accessctl init writes one)

            """)
    }

    func testSyntaxErrorIsReportedBesideOtherErrors() throws {
        let changes = edits(("teams/owners.yaml", "displayName: Owners", "displayName: &o Owners"), ("principals/ann.yaml", "email: ann@example.org", "email: ann"))
        try expectErrors(changes, """
            tree/principals/ann.yaml:7:10: error: invalid email 'ann'
              email: ann
                     ^
            tree/teams/owners.yaml:6:16: error: anchors ('&') are not supported
              displayName: &o Owners
                           ^

            """, count: 2)
    }

    func testRequestNeedsDurationOrWindow() throws {
        try expectErrors(replacing("requests/sam-debug.yaml", "  duration: 4h\n", "  validFrom: 2026-11-22T10:00:00Z\n  validTo: 2026-11-22T09:00:00Z\n"), """
            tree/requests/sam-debug.yaml:12:12: error: spec.validTo must be later than spec.validFrom
              validTo: 2026-11-22T09:00:00Z
                       ^

            """)
    }

    func testJSONManifestErrorsArePositioned() throws {
        let json = """
            {
              "apiVersion": "accessctl/v1",
              "kind": "Team",
              "metadata": {"name": "extra"},
              "spec": {"displayName": "A", "displayName": "B"}
            }

            """
        try expectErrors(["teams/extra.json": json], """
            tree/teams/extra.json:5:32: error: duplicate key 'displayName' (first at line 5, column 12)
              "spec": {"displayName": "A", "displayName": "B"}
                                           ^

            """)
    }

    func testGitHubAnnotations() throws {
        let tree = try TreeFixture(self, changes: replacing("principals/ann.yaml", "roles: [admin]", "roles: admin"))
        let result = tree.run(["validate", "--root", "tree", "--format", "github"])
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardOutput, """
            ::error file=tree/principals/ann.yaml,line=8,col=10::spec.roles must be a list, found a string
            tree: 1 error in 12 files.

            """)
    }
}

/// Administrators must be named internal people with an email.
final class AdministratorValidationTests: XCTestCase {
    func testServiceAccountsExternalsAndMissingEmailsCannotBeAdministrators() throws {
        let tree = try TreeFixture(self, changes: [
            "principals/bot.yaml": "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: bot\nspec:\n  displayName: Bot\n  kind: service\n  email: bot@example.org\n  roles: [admin]\n",
            "principals/eve.yaml": "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: eve\nspec:\n  displayName: Eve External\n  external: true\n  teams: [admins]\n",
            "teams/admins.yaml": "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: admins\nspec:\n  roles: [admin]\n",
        ])
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardError, """
            tree/principals/bot.yaml:4:9: error: 'bot' holds the administrator role 'admin' but is a service account; administrators must be named people with an email, never external
              name: bot
                    ^
            tree/principals/eve.yaml:4:9: error: 'eve' holds the administrator role 'admin' but is external and has no email; administrators must be named people with an email, never external
              name: eve
                    ^

            """)
    }
}

/// A role with `assignableBy` may be given only by a principal who holds one of those roles.
final class AssignmentValidationTests: XCTestCase {
    private static func principal(_ id: String, _ lines: String) -> String {
        "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: \(id)\nspec:\n  displayName: \(id.capitalized)\n  email: \(id)@example.org\n\(lines)"
    }

    func testRestrictedRolesNeedAnAssignerWhoHoldsAnAssigningRole() throws {
        let fixture = TreeFixture.files
        let tree = try TreeFixture(self, changes: [
            "roles/admin.yaml": fixture["roles/admin.yaml"]!.replacingOccurrences(of: "  administrator: true\n", with: "  administrator: true\n  assignableBy: [admin]\n"),
            "roles/reader.yaml": fixture["roles/reader.yaml"]!.replacingOccurrences(of: "spec:\n", with: "spec:\n  assignableBy: [admin]\n"),
            // Ann and Bob gave each other the admin role: both hold it, so both assignments stand.
            "principals/ann.yaml": fixture["principals/ann.yaml"]!.replacingOccurrences(of: "  roles: [admin]\n", with: "  roles: [admin]\n  assignedBy: bob\n"),
            "principals/bob.yaml": Self.principal("bob", "  roles: [admin]\n  assignedBy: ann\n"),
            // Dan names himself: his own roles cannot be the authority for them.
            "principals/dan.yaml": Self.principal("dan", "  roles: [admin]\n  assignedBy: dan\n"),
            // Carl holds admin only through the team whose roles he claims to have given.
            "principals/carl.yaml": Self.principal("carl", "  teams: [ops]\n"),
            "teams/ops.yaml": "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: ops\nspec:\n  roles: [admin]\n  assignedBy: carl\n",
            // Sam holds no role at all.
            "teams/support.yaml": fixture["teams/support.yaml"]!.replacingOccurrences(of: "  parent: owners\n", with: "  parent: owners\n  roles: [reader]\n  assignedBy: sam\n"),
            // The binding names nobody, so nobody can tell who gave it.
            "bindings/ann-admin.yaml": fixture["bindings/ann-admin.yaml"]!,
            "bindings/sam-reads.yaml": "apiVersion: accessctl/v1\nkind: Binding\nmetadata:\n  name: sam-reads\nspec:\n  subjects:\n    principals: [sam]\n  role: reader\n  assignedBy: anne\n  resources: [\"site:*\"]\n",
        ])
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardOutput, "tree: 5 errors in 17 files.\n")
        assertText(result.standardError, """
            tree/bindings/ann-admin.yaml:8:9: error: role 'admin' needs spec.assignedBy naming who gave it: only holders of admin may (ann, bob, carl, dan)
              role: admin
                    ^
            tree/bindings/sam-reads.yaml:9:15: error: unknown principal 'anne'; did you mean 'ann'?
              assignedBy: anne
                          ^
            tree/principals/dan.yaml:9:15: error: 'dan' may not assign role 'admin': only holders of admin may (ann, bob, carl, dan); the roles this manifest gives do not count toward its own assignment
              assignedBy: dan
                          ^
            tree/teams/ops.yaml:7:15: error: 'carl' may not assign role 'admin': only holders of admin may (ann, bob, carl, dan); the roles this manifest gives do not count toward its own assignment
              assignedBy: carl
                          ^
            tree/teams/support.yaml:8:15: error: 'sam' may not assign role 'reader': only holders of admin may (ann, bob, carl, dan)
              assignedBy: sam
                          ^

            """)
    }

    func testTheListOfAssignersIsShortenedOrSaysNobody() throws {
        let fixture = TreeFixture.files
        var changes: [String: String?] = [
            // Nobody holds 'keeper', so nobody may give 'vault'.
            "roles/vault.yaml": "apiVersion: accessctl/v1\nkind: Role\nmetadata:\n  name: vault\nspec:\n  assignableBy: [keeper]\n  rules:\n    - resources: [\"site:*\"]\n      actions: [read]\n",
            "roles/keeper.yaml": "apiVersion: accessctl/v1\nkind: Role\nmetadata:\n  name: keeper\nspec:\n  rules: []\n",
            "bindings/sam-vault.yaml": "apiVersion: accessctl/v1\nkind: Binding\nmetadata:\n  name: sam-vault\nspec:\n  subjects:\n    principals: [sam]\n  role: vault\n  resources: [\"site:*\"]\n",
            // Twelve readers may give 'reader'; the message names ten of them.
            "roles/reader.yaml": fixture["roles/reader.yaml"]!.replacingOccurrences(of: "spec:\n", with: "spec:\n  assignableBy: [reader]\n"),
            "teams/support.yaml": fixture["teams/support.yaml"]! + "  roles: [reader]\n",
        ]
        for i in 1...12 {
            changes["principals/p\(i).yaml"] = Self.principal("p\(i)", "  roles: [reader]\n  assignedBy: p\(i % 12 + 1)\n")
        }
        let tree = try TreeFixture(self, changes: changes)
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        assertText(result.standardError, """
            tree/bindings/sam-vault.yaml:8:9: error: role 'vault' needs spec.assignedBy naming who gave it: only holders of keeper may (nobody holds them)
              role: vault
                    ^
            tree/teams/support.yaml:7:11: error: role 'reader' needs spec.assignedBy naming who gave it: only holders of reader may (p1, p10, p11, p12, p2, p3, p4, p5, p6, p7 and 3 more)
              roles: [reader]
                      ^

            """)
    }

    func testRolesWithoutAssignableByNeedNoAssigner() throws {
        // The fixture's roles name no assigners, and its principals and binding name none either.
        XCTAssertFalse(TreeFixture.files.values.contains { $0.contains("assignableBy") || $0.contains("assignedBy") })
        XCTAssertEqual(try TreeFixture(self).validate().exitCode, 0)
    }
}
