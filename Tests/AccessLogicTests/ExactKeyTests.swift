import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// Hardening finding 12: keys compare code point by code point, as JSON and YAML 1.2 parsers
/// do. A key that only looks like a known field (a KELVIN SIGN for K, other case) is an
/// error with a "did you mean", never read as that field.
@Suite struct ExactKeyTests {
    @Test func aLookAlikeFieldIsNotTheField() throws {
        var files = TreeFiles.files
        let kelvin = "ssh\u{212A}eys"
        #expect(kelvin == "sshKeys", "Swift's == calls them equal: that is the trap")
        files["principals/sam.yaml"] = files["principals/sam.yaml"]! + "  \(kelvin):\n    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVtZWVtZWVtZWVtZWVtZWVtZWVtZWVtZWVtZWVtZWVtZWVt sam\n"
        let loaded = TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
        #expect(loaded.diagnostics.map(\.headline) == [
            "tree/principals/sam.yaml:8:3: error: unknown field '\(kelvin)' in spec; did you mean 'sshKeys'? This one is spelled with U+212A",
        ])
        #expect(loaded.tree.principals.first { $0.id == "sam" } == nil, "a manifest with errors grants nothing")
    }

    @Test func keysThatDifferInCodePointsAreNotDuplicates() throws {
        // "é" precomposed and decomposed: two keys to a JSON parser, so not a duplicate here.
        let json = "{\"caf\u{E9}\": 1, \"cafe\u{301}\": 2}"
        let node = try JSONParser.parse(json, file: "k.json")
        guard case .mapping(let entries) = node.value else { Issue.record("not a mapping"); return }
        #expect(entries.count == 2)
        let yaml = try YAMLParser.parse(bytes: Array("caf\u{E9}: 1\ncafe\u{301}: 2\n".utf8), file: "k.yaml")
        guard case .mapping(let yamlEntries) = yaml.value else { Issue.record("not a mapping"); return }
        #expect(yamlEntries.count == 2)
        // And the exact same key twice is still refused.
        #expect(throws: Diagnostic.self) { try JSONParser.parse("{\"a\": 1, \"a\": 2}", file: "k.json") }
    }
}
