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

    /// Past 16 keys the duplicate check moves from a list to a dictionary: the same answers,
    /// exact bytes in both, in YAML block and flow mappings and in JSON.
    @Test func largeMappingsFindTheSameDuplicates() throws {
        for count in [3, 13, 14, 15, 16, 17, 40] {
            let keys = (0..<count).map { "k\($0)" } + ["caf\u{E9}", "cafe\u{301}"]
            let block = keys.map { "\($0): 1\n" }.joined()
            let flow = "{" + keys.map { "\($0): 1" }.joined(separator: ", ") + "}\n"
            let json = "{" + keys.map { "\"\($0)\": 1" }.joined(separator: ", ") + "}"
            for node in [try YAMLParser.parse(bytes: Array(block.utf8), file: "k.yaml"), try YAMLParser.parse(bytes: Array(flow.utf8), file: "k.yaml"), try JSONParser.parse(json, file: "k.json")] {
                guard case .mapping(let entries) = node.value else { Issue.record("not a mapping"); continue }
                #expect(entries.count == count + 2, "\(count) keys: the two spellings of café are two keys")
            }
            // The last key repeats the second: refused, naming the first one's line.
            let again = block + "k1: 2\n"
            #expect(throws: Diagnostic.self) { try YAMLParser.parse(bytes: Array(again.utf8), file: "k.yaml") }
            do {
                _ = try YAMLParser.parse(bytes: Array(again.utf8), file: "k.yaml")
            } catch {
                #expect(error.headline == "k.yaml:\(count + 3):1: error: duplicate key 'k1' (first at line 2, column 1)")
            }
            #expect(throws: Diagnostic.self) { try JSONParser.parse(String(json.dropLast()) + ", \"k1\": 2}", file: "k.json") }
            #expect(throws: Diagnostic.self) { try YAMLParser.parse(bytes: Array((String(flow.dropLast(2)) + ", k1: 2}\n").utf8), file: "k.yaml") }
        }
    }
}
