import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// Who holds access to a resource, as the report's resource pages show it, on an in-memory tree.
@Suite struct AccessIndexTests {
    private func holdings(_ changes: [String: String], _ resource: String) throws -> [String] {
        var files = TreeFiles.files
        for (path, content) in changes { files[path] = content }
        let loaded = TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
        #expect(loaded.diagnostics == [])
        let evaluator = AccessEngine(directory: Directory(loaded.tree), statuses: [:]).evaluator
        let at = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
        return AccessIndex(evaluator, at: at).holdings(ResourceRef(resource)!).map { holding in
            "\(holding.grant.path): \(holding.actions.joined(separator: ", "))" + (holding.through.map { " through \($0)" } ?? "")
        }
    }

    @Test func aGrantMadeOnTheResourceIsDirectWhicheverRuleApplies() throws {
        let role = "apiVersion: accessctl/v1\nkind: Role\nmetadata:\n  name: account-reader\nspec:\n  rules:\n    - resources: [\"account:*\"]\n      actions: [read, admin]\n"
        let binding = "apiVersion: accessctl/v1\nkind: Binding\nmetadata:\n  name: sam-site\nspec:\n  subjects:\n    principals: [sam]\n  role: account-reader\n  resources: [\"site:acme-prod\"]\n"
        let lines = try holdings(["roles/account-reader.yaml": role, "bindings/sam-site.yaml": binding], "site:acme-prod")
        // Made on the site itself: no "through"; and admin, which sites do not have, is left out.
        #expect(lines.contains("sam -> binding sam-site -> role account-reader: read"), "\(lines)")
        // ann's binding names "*": it reaches the site itself too.
        #expect(lines.contains("ann -> binding ann-admin -> role admin: console, read"), "\(lines)")
    }

    @Test func aRoleHeldOutrightReachesThroughTheParentItsRuleNames() throws {
        let role = "apiVersion: accessctl/v1\nkind: Role\nmetadata:\n  name: account-reader\nspec:\n  rules:\n    - resources: [\"account:*\"]\n      actions: [read]\n"
        let sam = TreeFiles.files["principals/sam.yaml"]! + "  roles: [account-reader]\n"
        let lines = try holdings(["roles/account-reader.yaml": role, "principals/sam.yaml": sam], "site:acme-prod")
        #expect(lines.contains("sam -> role account-reader: read through account:acme"), "\(lines)")
    }
}
