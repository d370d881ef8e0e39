import Foundation
import XCTest

@testable import AccessCore

/// Conditions (`when:`) end to end with real keys: a rule's condition allows in the morning
/// in Berlin and denies after noon, a policy's condition lets sam ask only for resources of
/// his region, `check` explains both with the values it read, and a type error names its
/// line and column (issue 21, custom access criteria).
final class ConditionTests: ReconcileTestCase {
    override func extraFiles() -> [String: String?] {
        [
            "accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + """
                  attributes:
                    principal: [region]
                    resource: [region]

                """,
            "principals/sam.yaml": TreeFixture.signers(["ann": "", "sam": keyLine("sam"), "olga": ""])["principals/sam.yaml"]!! + """
                  attributes:
                    region: eu

                """,
            "roles/reader.yaml": TreeFixture.files["roles/reader.yaml"]! + """
                      when: localTime("Europe/Berlin") < "12:00" && request.duration <= 4h

                """,
            "resources/account/acme.yaml": TreeFixture.files["resources/account/acme.yaml"]! + "  attributes:\n    region: eu\n",
            "resources/site/acme-us.yaml": """
                apiVersion: accessctl/v1
                kind: Resource
                metadata:
                  name: acme-us
                spec:
                  type: site
                  owner: owners
                  attributes:
                    region: us

                """,
            "policies/support.yaml": TreeFixture.files["policies/support.yaml"]! + "  when: principal.attributes.region == resource.attributes.region\n",
            "requests/sam-us.yaml": TreeFixture.files["requests/sam-debug.yaml"]!.replacingOccurrences(of: "sam-debug", with: "sam-us")
                .replacingOccurrences(of: "site:acme-prod", with: "site:acme-us"),
        ]
    }

    /// sam's public key line, read back from the key made for this test.
    func keyLine(_ name: String) -> String {
        (try? String(contentsOfFile: keys[name]! + ".pub", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    func testARuleConditionAllowsDeniesAndIsExplainedAndAPolicyConditionKeepsARegion() throws {
        // The policy's condition: sam (region eu) may ask for acme-prod (eu, inherited from its
        // parent account) but not acme-us; validate says why, and approving is refused.
        let validated = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T09:05:00Z"])
        XCTAssertEqual(validated.exitCode, 0, validated.standardError)
        XCTAssertTrue(validated.standardError.contains(
            #"tree/requests/sam-us.yaml:4:9: warning: no policy can approve this request; the nearest is policy support: its condition fails for site:acme-us: when principal.attributes.region == resource.attributes.region did not hold (principal.attributes.region = "eu", resource.attributes.region = "us")"#),
            validated.standardError)
        XCTAssertFalse(validated.standardError.contains("sam-debug"), validated.standardError)
        let refused = tree.run(["approve", "tree/requests/sam-us.yaml", "--root", "tree", "--as", "ann", "--key", keys["ann"]!, "--at", "2026-11-22T09:10:00Z"])
        XCTAssertEqual(refused.exitCode, 1, refused.standardOutput)
        try FileManager.default.removeItem(at: tree.root.appendingPathComponent("requests/sam-us.yaml"))

        decide("approve", by: "ann", at: "2026-11-22T09:10:00Z")
        XCTAssertEqual(reconcile("2026-11-22T09:20:00Z").exitCode, 0)
        // 10:00 UTC is 11:00 in Berlin: the rule's condition holds.
        let morning = tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"], at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(morning.exitCode, 0, morning.standardOutput)
        assertText(morning.standardOutput, """
            allowed: sam may read site:acme-prod at 2026-11-22T10:00:00Z
              1. sam -> request sam-debug (approved by ann) -> role reader -> rule 1 (site:*: read), when localTime("Europe/Berlin") < "12:00" && request.duration <= 4h held (localTime("Europe/Berlin") = "11:00", request.duration = 4h), until 2026-11-22T13:10:00Z

            """)
        // 11:30 UTC is 12:30 in Berlin: the same grant, but the rule no longer allows.
        let noon = tree.run(["check", "sam", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T11:30:00Z"], at: "2026-11-22T09:30:00Z")
        XCTAssertEqual(noon.exitCode, 1, noon.standardOutput)
        assertText(noon.standardOutput, """
            denied: sam may not read site:acme-prod at 2026-11-22T11:30:00Z: not authorized
              a rule would allow it, but its condition failed: sam -> request sam-debug (approved by ann) -> role reader -> rule 1 (site:*: read): when localTime("Europe/Berlin") < "12:00" && request.duration <= 4h did not hold (localTime("Europe/Berlin") = "12:30")
              roles that would allow it: admin, reader
              policies under which sam may request it: support

            """)
        // The report's resource page shows the condition with what it read at the report's time.
        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "site", "--now", "2026-11-22T10:00:00Z"], at: "2026-11-22T10:00:00Z").exitCode, 0)
        let page = try String(contentsOf: tree.root.deletingLastPathComponent().appendingPathComponent("site/resources/site/acme-prod.html"), encoding: .utf8)
        XCTAssertTrue(page.contains(
            #"<span class="note condition">only when localTime(&quot;Europe/Berlin&quot;) &lt; &quot;12:00&quot; &amp;&amp; request.duration &lt;= 4h held (localTime(&quot;Europe/Berlin&quot;) = &quot;11:00&quot;, request.duration = 4h)</span>"#),
            page)
        // who-can and access give the same answers at the same times.
        XCTAssertTrue(tree.run(["who-can", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T10:00:00Z"], at: "2026-11-22T09:30:00Z").standardOutput.contains("sam"))
        XCTAssertFalse(tree.run(["who-can", "read", "site:acme-prod", "--root", "tree", "--at", "2026-11-22T11:30:00Z"], at: "2026-11-22T09:30:00Z").standardOutput.contains("sam"))
        XCTAssertTrue(tree.run(["access", "sam", "--root", "tree", "--at", "2026-11-22T10:00:00Z"], at: "2026-11-22T09:30:00Z").standardOutput.contains("site:acme-prod"))
        XCTAssertFalse(tree.run(["access", "sam", "--root", "tree", "--at", "2026-11-22T11:30:00Z"], at: "2026-11-22T09:30:00Z").standardOutput.contains("site:acme-prod"))
    }

    func testATypeErrorInWhenNamesItsLineAndColumn() throws {
        try write("roles/reader.yaml", TreeFixture.files["roles/reader.yaml"]! + """
                  when: |
                    principal.attributes.region == "eu"
                      && resource.attributes.regoin in ["eu", "us"]

            """)
        let result = tree.run(["validate", "--root", "tree"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasPrefix(
            "tree/roles/reader.yaml:11:14: error: in spec.rules[0].when: resource attribute 'regoin' is not declared; did you mean 'region'? (declared: region)\n"
                + "          && resource.attributes.regoin in [\"eu\", \"us\"]\n" + "             ^\n"), result.standardError)
        // A syntax error is positioned the same way, in a plain one-line value.
        try write("roles/reader.yaml", TreeFixture.files["roles/reader.yaml"]! + "      when: principal.attributes.region = \"eu\"\n")
        let syntax = tree.run(["validate", "--root", "tree"])
        XCTAssertTrue(syntax.standardError.hasPrefix("tree/roles/reader.yaml:9:41: error: in spec.rules[0].when: use '==' to compare\n"), syntax.standardError)
    }
}
