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

/// The Mustache spec's own test data (Tests/AccessCoreTests/Fixtures/mustache, MIT licensed,
/// copied from the spec repository): every test of the required modules must pass.
final class MustacheSpecTests: XCTestCase {
    /// Spec data as a MustacheValue; JSON numbers stay numbers and booleans stay booleans.
    static func value(_ any: Any) -> MustacheValue {
        switch any {
        case is NSNull: return .null
        case let n as NSNumber:
            // Foundation keeps JSON booleans as NSNumbers of type "c" (char).
            return String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case let s as String: return .text(s)
        case let a as [Any]: return .list(a.map(value))
        case let d as [String: Any]: return .object(MustacheObject(d.mapValues(value)))
        default: return .null
        }
    }

    func runSpec(_ module: String) throws {
        let url = TestSupport.fixtures.appendingPathComponent("mustache/\(module).json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let tests = try XCTUnwrap(json["tests"] as? [[String: Any]])
        XCTAssertFalse(tests.isEmpty)
        for test in tests {
            let name = test["name"] as! String
            var templates: [String: MustacheTemplate] = [:]
            do {
                templates["test"] = try MustacheTemplate(test["template"] as! String, file: "test")
                for (partial, source) in test["partials"] as? [String: String] ?? [:] {
                    templates[partial] = try MustacheTemplate(source, file: partial)
                }
                // The spec's own rules: raw tags print any value.
                let library = MustacheLibrary(templates: templates, rawNeedsTrustedHTML: false, listFlags: false)
                let output = try library.render("test", Self.value(test["data"]!))
                assertText(output, test["expected"] as! String, "\(module): \(name)")
            } catch {
                XCTFail("\(module): \(name): \(error.rendered)")
            }
        }
    }

    func testInterpolation() throws { try runSpec("interpolation") }
    func testSections() throws { try runSpec("sections") }
    func testInverted() throws { try runSpec("inverted") }
    func testComments() throws { try runSpec("comments") }
    func testPartials() throws { try runSpec("partials") }
    func testDelimiters() throws { try runSpec("delimiters") }
}
