import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel

/// The scanner's principals, teams and resources against the parser and decoder: on
/// generated files of every shape the scanner takes, and on seeded mutations of them,
/// whenever the scanner reads a file the general path makes the same model value and the
/// same configuration entry (whose canonical spec feeds the configuration digest), with no
/// diagnostic.
@Suite struct ConfigurationScannerTests {
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDHdytKCWbW+x9ygqHBfz6X17JK3zqkV6pH9P+r6uL19"

    /// A configuration manifest of random kind and shape, as people write them; `unscanned`
    /// adds now and then a field the scanner leaves to the general path.
    static func manifest(_ r: inout SeededRandom, id: String, unscanned: Bool = false) -> (text: String, relative: String) {
        func pick<T>(_ items: [T]) -> T { items[r.below(items.count)] }
        func maybe(_ line: String) -> [String] { r.below(2) == 0 ? [line] : [] }
        /// A list as flow (`[a, b]`) or as a block of items below its key.
        func list(_ items: [String]) -> String {
            if r.below(3) == 0 { return "\n" + items.map { "  \(pick(["", "  "]))- \($0)" }.joined(separator: "\n") }
            return " [" + items.joined(separator: pick([", ", ",", " , "])) + "]"
        }
        let names = ["Agent 7", "\"Quoted: Name\"", "Zoë Ünal", "Ops [night] team", "a-b.c", "O'Brien, Pat", "1984", "true", "null"] + (unscanned ? ["~", "'single'"] : [])
        let ids = ["support", "c1-admins", "ops_2", "a.b", "agent-7"]
        let kind = pick(["Principal", "Team", "Resource"])
        var lines: [String]
        switch kind {
        case "Principal":
            lines = ["displayName: \(pick(names))"]
            lines += maybe("email: \(pick(["ann@example.com", "\"bo@c1.example\"", "x@y", "no-at-sign", "a b@c.d"]))")
            lines += maybe("kind: \(pick(["person", "service", "robot"]))")
            lines += maybe("external: \(pick(["true", "false", "yes"]))")
            lines += maybe("teams:\(list((0...r.below(3)).map { _ in pick(ids) }))")
            lines += maybe("roles:\(list((0...r.below(2)).map { _ in pick(["reader", "customer-admin", "Bad Role"]) }))")
            lines += maybe("assignedBy: \(pick(ids))")
            lines += maybe("owner: \(pick(ids + ["-x"]))")
            if r.below(3) == 0 {
                let indent = pick(["", "  "])
                let keys = (0...r.below(2)).map { n in pick([key + " bench-\(n)", key, "ssh-ed25519 AAAA", key + "  "]) }
                lines.append("sshKeys:\n" + keys.map { "  \(indent)- \($0)" }.joined(separator: "\n"))
            }
            if unscanned, r.below(3) == 0 { lines.append(pick(["notify: [inbox]", "attributes:\n    level: gold", "review:\n    every: 90d\n    by: ops"])) }
        case "Team":
            lines = []
            lines += maybe("displayName: \(pick(names))")
            lines += maybe("description: \(pick(names))")
            lines += maybe("parent: \(pick(ids + ["Bad Parent"]))")
            lines += maybe("roles:\(list((0...r.below(2)).map { _ in pick(["reader", "support-readonly"]) }))")
            lines += maybe("assignedBy: \(pick(ids))")
            if lines.isEmpty { lines.append("displayName: \(pick(names))") }
            if unscanned, r.below(3) == 0 { lines.append("review:\n    every: 30d\n    by: ops") }
        default:
            lines = ["type: \(pick(["site", "company", "account", "Bad Type"]))", "owner: \(pick(ids))"]
            lines += maybe("parent: \(pick(["account:c1", "company:c1-hq", "nocolon", "site:"]))")
            lines += maybe("displayName: \(pick(names))")
            if unscanned, r.below(3) == 0 { lines.append("attributes:\n    tier: gold") }
        }
        // People write the fields in any order.
        for k in lines.indices.reversed() { lines.swapAt(k, r.below(k + 1)) }
        let folder = kind == "Principal" ? "principals" : kind == "Team" ? "teams" : "resources"
        let text = "apiVersion: accessctl/v1\nkind: \(kind)\nmetadata:\n  name: \(id)\nspec:\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        return (text, "\(folder)/\(id).yaml")
    }

    @Test func generatedManifestsAreReadByTheScannerExactlyAsDecoded() {
        var r = SeededRandom(state: 5)
        var read = 0, refused = 0
        for i in 0..<600 {
            let (text, relative) = Self.manifest(&r, id: "m\(i)")
            if ScannerComparison.compare(Array(text.utf8), relative: relative, "manifest \(i)") {
                read += 1
            } else if !ScannerComparison.general(Array(text.utf8), file: relative, relative: relative).diagnostics.isEmpty {
                refused += 1
            }
        }
        // The generator writes bad values on purpose; every file the decoder takes, the scanner reads.
        #expect(read + refused == 600, "\(600 - read - refused) valid files were left to the parser")
        #expect(read > 150 && refused > 150, "read \(read), refused \(refused)")
    }

    @Test func theCanonicalSpecIsTheDecodersForEveryKind() throws {
        // Written out once, so that a change to both ways at once would show here.
        let text = """
            apiVersion: accessctl/v1
            kind: Principal
            metadata:
              name: c1-admin
            spec:
              teams: [c1-admins, ops]
              displayName: "Ann: Admin"
              sshKeys:
              - \(Self.key) ann
              email: ann@c1.example

            """
        let scanned = try #require(ManifestScanner.decode(Array(text.utf8), file: "t/principals/c1-admin.yaml", relative: "principals/c1-admin.yaml", baseName: "c1-admin"))
        guard case .principal(let principal, let entry) = scanned else {
            Issue.record("not read as a principal: \(scanned)")
            return
        }
        #expect(entry.canonicalSpec == #"{"displayName":"Ann: Admin","email":"ann@c1.example","sshKeys":["\#(Self.key) ann"],"teams":["c1-admins","ops"]}"#)
        #expect(entry.id == "Principal/c1-admin" && entry.path == "principals/c1-admin.yaml")
        #expect(principal.sshKeys.map(\.location) == [SourceLocation(line: 9, column: 5)])
        #expect(ScannerComparison.compare(Array(text.utf8), relative: "principals/c1-admin.yaml", "fixed"))
    }

    @Test func shapesLeftToTheParser() {
        let base = "apiVersion: accessctl/v1\nkind: Resource\nmetadata:\n  name: x\nspec:\n  type: site\n  owner: ops\n"
        #expect(ScannerComparison.compare(Array(base.utf8), relative: "resources/x.yaml", "base"))
        let variants: [(String, String)] = [
            ("spec before kind", "apiVersion: accessctl/v1\nmetadata:\n  name: x\nspec:\n  type: site\n  owner: ops\nkind: Resource\n"),
            ("spec before metadata", "apiVersion: accessctl/v1\nkind: Resource\nspec:\n  type: site\n  owner: ops\nmetadata:\n  name: x\n"),
            ("other kind", base.replacingOccurrences(of: "kind: Resource", with: "kind: Role")),
            ("status on configuration", base + "status:\n  decisions:\n  - decision: deny\n    by: ann\n    at: 2026-11-22T10:00:00Z\n    specDigest: sha256:\(String(repeating: "0", count: 64))\n    signature: |\n      -----BEGIN SSH SIGNATURE-----\n      -----END SSH SIGNATURE-----\n"),
            ("attributes", base + "  attributes:\n    tier: gold\n"),
            ("block display name", base + "  displayName: |\n    Site\n"),
            ("empty list", base.replacingOccurrences(of: "kind: Resource", with: "kind: Team").replacingOccurrences(of: "  type: site\n  owner: ops\n", with: "  roles: []\n")),
            ("quoted key item", "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: x\nspec:\n  displayName: X\n  sshKeys:\n    - \"\(Self.key)\"\n"),
        ]
        for (name, text) in variants {
            #expect(!ScannerComparison.compare(Array(text.utf8), relative: "resources/x.yaml", name), "\(name) should be left to the parser")
        }
    }

    @Test(arguments: Array(UInt64(1)...UInt64(4)))
    func mutatedManifestsAreReadTheSameOrLeftToTheParser(seed: UInt64) {
        var r = SeededRandom(state: 100 + seed)
        var read = 0
        for i in 0..<1500 {
            let (text, relative) = Self.manifest(&r, id: "m", unscanned: true)
            var bytes = i % 2 == 0 ? ManifestFuzzTests.mutate(text, &r) : RequestScannerTests.mutateLines(text, &r)
            if r.below(4) == 0 { bytes = RequestScannerTests.mutateLines(String(decoding: bytes, as: UTF8.self), &r) }
            if ScannerComparison.compare(bytes, relative: relative, "seed \(seed) case \(i)") { read += 1 }
        }
        #expect(read > 100, "only \(read) mutated manifests were read by the scanner")
    }

    /// The loader with and without the scanner on the fixture tree plus generated
    /// configuration (some of it mutated): the same tree and messages, and so the same
    /// configuration digest.
    @Test func theLoaderGivesTheSameTreeWithAndWithoutTheScanner() throws {
        var r = SeededRandom(state: 31)
        var files = TreeFiles.files.mapValues { Array($0.utf8) }
        for i in 0..<300 {
            let (text, relative) = Self.manifest(&r, id: "g\(i)", unscanned: true)
            files[relative] = i % 5 == 0 ? ManifestFuzzTests.mutate(text, &r) : Array(text.utf8)
        }
        let (a, b) = try ScannerComparison.compareLoads(files)
        // Most of the 300 files are read (one in five is mutated, and some of those refused).
        #expect(a.configuration.count > 225)
        #expect(ConfigurationEntry.digest(a.configuration) == ConfigurationEntry.digest(b.configuration))
        for (x, y) in [(a.principals.map(\.id), b.principals.map(\.id)), (a.teams.map(\.id), b.teams.map(\.id)), (a.resources.map(\.header.id), b.resources.map(\.header.id))] {
            #expect(x == y && !x.isEmpty)
        }
    }
}
