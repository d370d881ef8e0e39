import Foundation
import XCTest

@testable import AccessCore

/// Every refusal of the controls' new fields, with its position and message: the settings'
/// attributes and reviews, a policy's review limit, a review period, a written principal
/// resource, and the access-review command's options.
final class ControlsValidationTests: XCTestCase {
    func testEachNewFieldIsRefusedWithItsPositionAndWhy() throws {
        let tree = try TreeFixture(self, changes: [
            "accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + """
                    principal:
                      actions: [impersonate]
                  attributes:
                    principal: [region, 2fast]
                  reviews:
                    overdue: sometimes

                """,
            "policies/support.yaml": TreeFixture.files["policies/support.yaml"]! + "  reviewWithin: 4h\n",
            "principals/sam.yaml": TreeFixture.files["principals/sam.yaml"]! + "  review:\n    every: permanent\n    by: owners\n",
            "resources/principal/ann.yaml": """
                apiVersion: accessctl/v1
                kind: Resource
                metadata:
                  name: ann
                spec:
                  type: principal
                  owner: owners

                """,
            "bindings/ann-admin.yaml": TreeFixture.files["bindings/ann-admin.yaml"]! + "  review:\n    every: 90d\n    by: auditors\n",
        ])
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        for expected in [
            "tree/accessctl.yaml:16:25: error: invalid attribute name '2fast': use letters, digits and '_', starting with a letter\n",
            "tree/accessctl.yaml:18:14: error: reviews.overdue must be 'remove' or 'flag', found 'sometimes'\n",
            "tree/policies/support.yaml:13:17: error: spec.reviewWithin applies only to a break-glass policy (breakGlass: true)\n",
            "tree/principals/sam.yaml:9:12: error: review.every must be a length such as 90d, not permanent\n",
            "tree/resources/principal/ann.yaml:6:9: error: resources of type 'principal' are the principals themselves (principal:ID); remove this manifest\n",
            "tree/bindings/ann-admin.yaml:12:9: error: unknown reviewing team 'auditors'",
        ] {
            XCTAssertTrue(result.standardError.contains(expected), "missing: \(expected)\nin:\n\(result.standardError)")
        }
        // The written principal resource never shadows the principal: ann stays valid.
        XCTAssertFalse(result.standardError.contains("tree/principals/ann.yaml"), result.standardError)
    }

    func testMoreRefusalsOfTheNewFields() throws {
        let tree = try TreeFixture(self, changes: [
            "accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + "  attributes:\n    resource: [region, region]\n  reviews:\n    grace: permanent\n",
            "policies/support.yaml": TreeFixture.files["policies/support.yaml"]!.replacingOccurrences(of: "maxDuration: 1d", with: "maxDuration: 4h\n  breakGlass: true\n  reviewWithin: permanent"),
            "roles/reader.yaml": TreeFixture.files["roles/reader.yaml"]! + "      when: [a, b]\n",
            "roles/writer.yaml": TreeFixture.files["roles/reader.yaml"]!.replacingOccurrences(of: "name: reader", with: "name: writer") + "      when: \"  \"\n",
        ])
        let result = tree.validate()
        XCTAssertEqual(result.exitCode, 1)
        for expected in [
            "tree/accessctl.yaml:14:24: error: attribute 'region' is listed twice\n",
            "tree/accessctl.yaml:16:12: error: reviews.grace must be a length, not permanent\n",
            "tree/policies/support.yaml:12:17: error: spec.reviewWithin cannot be permanent: a break-glass grant must be reviewed\n",
            "tree/roles/reader.yaml:9:13: error: in spec.rules[0].when: when must be a string\n",
            "tree/roles/writer.yaml:9:14: error: in spec.rules[0].when: when must not be empty\n",
        ] {
            XCTAssertTrue(result.standardError.contains(expected), "missing: \(expected)\nin:\n\(result.standardError)")
        }
    }

    func testAccessReviewNeedsItsOptionsAndAKnownGrant() throws {
        let tree = try TreeFixture(self, changes: ["principals/sam.yaml": TreeFixture.files["principals/sam.yaml"]! + "  roles: [reader]\n  review:\n    every: 30d\n    by: owners\n"])
        let missing = tree.run(["access-review", "role/sam/reader", "--root", "tree", "--as", "ann"])
        XCTAssertEqual(missing.exitCode, 64)
        XCTAssertTrue(missing.standardError.hasPrefix("error: missing option --key: signing a review needs --decision, --as and --key\n"), missing.standardError)
        let unknown = tree.run(["access-review", "role/sam/readr", "--root", "tree", "--decision", "confirm", "--as", "ann", "--key", "/nonexistent"])
        XCTAssertEqual(unknown.exitCode, 1)
        XCTAssertEqual(unknown.standardError, "error: no standing grant with a review period has the key role/sam/readr; did you mean 'role/sam/reader'?\n")
        // A line of the statements file that is not JSON is an error at its line.
        try FileManager.default.createDirectory(at: tree.root.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try Data("{\"grant\": \"role/sam/reader\"}\nnot json\n".utf8).write(to: tree.root.appendingPathComponent("trust/reviews.jsonl"))
        let broken = tree.validate()
        XCTAssertEqual(broken.exitCode, 1)
        XCTAssertTrue(broken.standardError.hasPrefix("tree/trust/reviews.jsonl:2:1: error: unexpected character; expected a JSON value\n"), broken.standardError)
        try Data("{\"grant\": \"role/sam/reader\"}\n".utf8).write(to: tree.root.appendingPathComponent("trust/reviews.jsonl"))
        XCTAssertTrue(tree.validate().standardError.hasPrefix("tree/trust/reviews.jsonl:1:1: error: 'decision' must be a string in an access review statement\n"))
    }
}
