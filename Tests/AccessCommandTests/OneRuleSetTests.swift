import Foundation
import XCTest

@testable import AccessCore
@testable import AccessLedger

/// What validate calls an error grants nothing in reconcile, check or the report: a binding
/// that makes a service account an administrator (finding 6 of the one-engine issue).
final class OneRuleSetTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        [
            "principals/bot.yaml": """
                apiVersion: accessctl/v1
                kind: Principal
                metadata:
                  name: bot
                spec:
                  displayName: Build bot
                  kind: service

                """,
            "bindings/bot-admin.yaml": """
                apiVersion: accessctl/v1
                kind: Binding
                metadata:
                  name: bot-admin
                spec:
                  subjects:
                    principals: [bot]
                  role: admin
                  resources: ["*"]

                """,
        ]
    }

    func testAnAdministratorBindingForAServiceAccountGrantsNothing() throws {
        let validate = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T09:10:00Z"])
        XCTAssertEqual(validate.exitCode, 1)
        XCTAssertTrue(validate.standardError.contains(
            "tree/principals/bot.yaml:4:9: error: 'bot' holds the administrator role 'admin' but is a service account and has no email; administrators must be named people with an email, never external"),
            validate.standardError)

        let run = reconcile("2026-11-22T09:10:00Z")
        XCTAssertEqual(run.exitCode, 1, "an invalid tree fails the run")
        XCTAssertFalse(run.standardOutput.contains("bot"), run.standardOutput)
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"])

        let check = tree.run(["check", "bot", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T09:10:00Z"])
        XCTAssertEqual(check.exitCode, 1)
        XCTAssertEqual(check.standardOutput, "denied: bot may not read site:acme-prod at 2026-11-22T09:10:00Z: the manifest of bot has errors, so it grants nothing\n")
        XCTAssertTrue(check.standardError.contains("tree/principals/bot.yaml:4:9: error: 'bot' holds the administrator role 'admin' but is a service account"), "the same message as validate")

        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-11-22T09:10:00Z", "--templates", TestSupport.repositoryRoot.appendingPathComponent("templates").path]).exitCode, 1)
        let page = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("site/resources/site/acme-prod.html"), encoding: .utf8)
        XCTAssertFalse(page.contains("bot-admin"), "the report shows no access through the invalid binding")
    }
}
