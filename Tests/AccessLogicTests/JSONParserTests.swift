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

/// The JSON reader: agrees with Foundation on valid input, and is stricter where Foundation is silent.
final class JSONParserTests: XCTestCase {
    func testAgreesWithFoundationOnValidInput() throws {
        let inputs = [
            #"{"a": [1, -2.5, 3e2, 0.001, true, false, null], "b": {"c": "d\u00e9\n\ud83d\ude00"}, "": ""}"#,
            #"[]"#, #"{}"#, #""text""#, #"[[[1]]]"#, #"{"nested": {"x": [{"y": 1.5e-7}]}}"#,
        ]
        for input in inputs {
            let ours = CanonicalJSON.encode(try JSONParser.parse(input).json)
            let foundation = try JSONSerialization.jsonObject(with: Data(input.utf8), options: [.fragmentsAllowed])
            XCTAssertEqual(ours, CanonicalJSON.encode(Self.value(foundation)), input)
        }
    }

    /// Foundation's objects, as JSONValue, for the comparison above.
    static func value(_ any: Any) -> JSONValue {
        switch any {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let b as Bool where type(of: any) == Bool.self || "\(type(of: any))".contains("Bool"): return .bool(b)
        case let n as NSNumber: return .number(n.doubleValue)
        case let a as [Any]: return .array(a.map(value))
        case let d as [String: Any]: return .object(d.map { ($0.key, value($0.value)) })
        default: return .null
        }
    }

    func testErrorsArePositioned() {
        let cases: [(String, String)] = [
            ("{\"a\": 1,\n \"a\": 2}", "2:2: error: duplicate key 'a' (first at line 1, column 2)"),
            ("{\"a\": 01}", "1:7: error: invalid number: leading zeros are not allowed"),
            ("[1, 2,]", "1:7: error: unexpected character; expected a JSON value"),
            ("{\"a\" 1}", "1:6: error: expected ':' after the key"),
            ("[\"\\ud800\"]", "1:3: error: lone surrogate in \\u escape"),
            ("\"tab\there\"", "1:5: error: control characters must be escaped in JSON strings"),
            ("{\"a\": 1} x", "1:10: error: unexpected text after the JSON value"),
            ("[1e999]", "1:2: error: number out of range"),
            ("{\"a\": [1, 2}", "1:12: error: expected ',' or ']'"),
            (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "1:65: error: nesting is deeper than 64 levels"),
        ]
        for (input, expected) in cases {
            XCTAssertThrowsError(try JSONParser.parse(input, file: "f.json")) { error in
                XCTAssertEqual((error as? Diagnostic)?.headline, "f.json:" + expected, input)
            }
        }
    }

    func testSpecDigestIsTheSameForYAMLAndJSON() throws {
        let yaml = TreeFixture.files["requests/sam-debug.yaml"]!
        let json = """
            {"apiVersion": "accessctl/v1", "kind": "AccessRequest", "metadata": {"name": "sam-debug"},
             "spec": {"duration": "4h", "reason": "Debug ticket 1", "role": "reader", "resources": ["site:acme-prod"],
                      "requestedAt": "2026-11-22T09:00:00Z", "requester": "sam"}}
            """
        var jsonFiles = TreeFixture.files
        jsonFiles["requests/sam-debug.yaml"] = nil
        jsonFiles["requests/sam-debug.json"] = json
        let a = TreeLoader.load(InMemoryTreeSource(files: TreeFixture.files), displayRoot: "tree")
        let b = TreeLoader.load(InMemoryTreeSource(files: jsonFiles), displayRoot: "tree")
        XCTAssertEqual(a.diagnostics, [])
        XCTAssertEqual(b.diagnostics, [])
        XCTAssertEqual(a.tree.requests.first?.spec.digest, b.tree.requests.first?.spec.digest)
        // The digest is SHA-256 over the RFC 8785 form of the spec as typed by the schema.
        let canonical = #"{"duration":"4h","reason":"Debug ticket 1","requestedAt":"2026-11-22T09:00:00Z","requester":"sam","resources":["site:acme-prod"],"role":"reader"}"#
        XCTAssertEqual(a.tree.requests.first?.spec.digest, "sha256:" + SHA256.hex(canonical))
        XCTAssertTrue(yaml.contains("reason: Debug ticket 1"))
    }
}
