import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// Validation runs its checks side by side on large trees: the messages, their order and the
/// tree it leaves are those of the checks run one after another.
@Suite struct ValidationOrderTests {
    /// The shared tree with problems for each part of validation: references, requests (three
    /// runs of them), cycles, and who holds the administrator role.
    static func files() -> [String: [UInt8]] {
        var files = TreeFiles.files
        func manifest(_ kind: String, _ name: String, _ spec: String) -> String {
            "apiVersion: accessctl/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n" + spec
        }
        files["principals/bob.yaml"] = manifest("Principal", "bob", "  displayName: Bob\n  external: true\n  roles: [admin]\n  teams: [nosuch]\n")
        files["principals/eve.yaml"] = manifest("Principal", "eve", "  displayName: Eve\n  teams: [support, missing]\n")
        files["teams/a.yaml"] = manifest("Team", "a", "  parent: b\n")
        files["teams/b.yaml"] = manifest("Team", "b", "  parent: a\n")
        files["resources/site/loop-1.yaml"] = manifest("Resource", "loop-1", "  type: site\n  owner: owners\n  parent: site:loop-2\n")
        files["resources/site/loop-2.yaml"] = manifest("Resource", "loop-2", "  type: site\n  owner: nobody\n  parent: site:loop-1\n")
        for i in 0..<2500 {
            // Every 97th names someone unknown, every 89th a resource that does not exist.
            let requester = i % 97 == 0 ? "stranger-\(i)" : "sam"
            let resource = i % 89 == 0 ? "site:gone-\(i)" : "site:acme-prod"
            files["requests/r\(i).yaml"] = manifest(
                "AccessRequest", "r\(i)",
                "  requester: \(requester)\n  requestedAt: 2026-11-22T09:00:00Z\n  resources: [\(resource)]\n  role: reader\n  reason: Ticket \(i)\n  duration: 4h\n")
        }
        return files.mapValues { Array($0.utf8) }
    }

    @Test func theChecksSideBySideSayWhatTheyDoOneAfterAnother() throws {
        var source = InMemoryTreeSource(files: [:])
        source.files = Self.files()
        let readLog = DiagnosticCollector()
        let read = try #require(TreeLoader.read(source, displayRoot: "tree", log: readLog))
        #expect(readLog.diagnostics.isEmpty, "\(readLog.diagnostics.map(\.headline))")
        var serial = read, parallel = read
        let one = DiagnosticCollector(), every = DiagnosticCollector()
        TreeValidator.validate(&serial, log: one, parallelFrom: .max)
        TreeValidator.validate(&parallel, log: every, parallelFrom: 1)
        let a = one.diagnostics.map(\.headline), b = every.diagnostics.map(\.headline)
        #expect(a == b, "\(textDifference(b.joined(separator: "\n"), a.joined(separator: "\n")) ?? "")")
        // Each part had something to say, so the order among them was tested.
        for phrase in ["unknown team 'nosuch'", "stranger-97", "site:gone-89", "site:gone-2492", "cycle", "holds the administrator role"] {
            #expect(a.contains { $0.contains(phrase) }, "no message mentions \(phrase)")
        }
        #expect(serial.unreadableIDs == parallel.unreadableIDs && serial.principals.map(\.id) == parallel.principals.map(\.id))
        #expect(serial.teams.map(\.id) == parallel.teams.map(\.id) && serial.resources.map(\.header.id) == parallel.resources.map(\.header.id))
    }
}
