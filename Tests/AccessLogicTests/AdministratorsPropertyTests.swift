import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// `ConfigurationTrust.administrators` works out who the administrators are from roles and
/// teams alone; on generated trees (team cycles, missing teams and roles, duplicate ids) it
/// names exactly the principals that a `Directory` gives an administrator role, standing.
@Suite struct AdministratorsPropertyTests {
    /// The definition, through a `Directory`: a principal's own roles, and the roles of its
    /// teams with their ancestors.
    static func expected(_ tree: AccessTree) -> [String] {
        let directory = Directory(tree)
        func isAdmin(_ role: String) -> Bool { directory.role(role)?.administrator ?? false }
        return tree.principals.filter { principal in
            principal.roles.contains { isAdmin($0.value) }
                || directory.teams(of: principal.id).contains { team in directory.team(team)?.roles.contains { isAdmin($0.value) } ?? false }
        }.map(\.id).sorted()
    }

    static func tree(seed: UInt64) -> AccessTree {
        var r = SeededRandom(state: seed)
        var files: [String: String] = ["accessctl.yaml": TreeFiles.files["accessctl.yaml"]!]
        func manifest(_ kind: String, _ name: String, _ spec: String) -> String {
            "apiVersion: accessctl/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n" + spec
        }
        // r4 and t6 are named but never defined.
        let roles = (0..<5).map { "r\($0)" }, teams = (0..<7).map { "t\($0)" }
        for role in roles.dropLast() {
            files["roles/\(role).yaml"] = manifest(
                "Role", role, (r.chance(40) ? "  administrator: true\n" : "") + "  rules:\n    - resources: [\"*\"]\n      actions: [read]\n")
        }
        // A second role r0 in a subfolder, the other way round: the first in path order counts.
        if r.chance(30) {
            files["roles/z/r0.yaml"] = manifest("Role", "r0", "  administrator: true\n  rules:\n    - resources: [\"*\"]\n      actions: [read]\n")
        }
        for team in teams.dropLast() {
            var spec = "  displayName: \(team)\n"
            // Any parent, itself and missing ones included: cycles and dangling chains.
            if r.chance(60) { spec += "  parent: \(r.pick(teams))\n" }
            let given = r.subset(roles, 25)
            if !given.isEmpty { spec += "  roles: [\(given.joined(separator: ", "))]\n" }
            files["teams/\(team).yaml"] = manifest("Team", team, spec)
        }
        for n in 0..<8 {
            let p = "p\(n)"
            func spec() -> String {
                var spec = "  displayName: \(p)\n  email: \(p)@example.org\n"
                let memberOf = r.subset(teams, 30)
                if !memberOf.isEmpty { spec += "  teams: [\(memberOf.joined(separator: ", "))]\n" }
                let held = r.subset(roles, 15)
                if !held.isEmpty { spec += "  roles: [\(held.joined(separator: ", "))]\n" }
                return spec
            }
            files["principals/\(p).yaml"] = manifest("Principal", p, spec())
            if r.chance(15) { files["principals/more/\(p).yaml"] = manifest("Principal", p, spec()) }
        }
        let log = DiagnosticCollector()
        return TreeLoader.read(InMemoryTreeSource(files: files), displayRoot: "tree", log: log)!
    }

    @Test func administratorsAreThoseADirectoryGivesAnAdministratorRole() {
        var admins = 0, duplicates = 0
        for seed in 0..<250 as Range<UInt64> {
            let tree = Self.tree(seed: seed)
            let expected = Self.expected(tree)
            #expect(ConfigurationTrust.administrators(tree) == expected, "seed \(seed)")
            admins += expected.count
            if Set(tree.principals.map(\.id)).count < tree.principals.count { duplicates += 1 }
        }
        // The generator reaches the cases that matter.
        #expect(admins > 150)
        #expect(duplicates > 15)
    }
}
