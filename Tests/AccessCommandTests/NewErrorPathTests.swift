import Foundation
import XCTest

@testable import AccessCore
@testable import AccessFormats
@testable import AccessModel

/// The error messages this session's commands and fields added, each checked in full (the
/// first line where a usage line follows).
final class NewErrorPathTests: XCTestCase {
    private func firstLine(_ result: CommandResult) -> String { result.standardError.components(separatedBy: "\n")[0] }

    func testUsageErrorsOfTheNewOptions() throws {
        let tree = try TreeFixture(self)
        XCTAssertEqual(firstLine(tree.run(["validate", "--root", "tree", "--ssh-keygen"])), "error: --ssh-keygen needs a PATH, the absolute path of ssh-keygen")
        XCTAssertEqual(firstLine(tree.run(["status", "sam-debug", "--awaiting", "ann", "--root", "tree"])), "error: give a request NAME or --awaiting ID, not both")
        XCTAssertEqual(
            firstLine(tree.run(["reconcile", "--root", "tree", "--replay-into", "replay", "--hook", "true"])),
            "error: a replay (--replay-into) runs no hook and keeps no anchor: it changes nothing outside DIR")
        XCTAssertEqual(
            firstLine(tree.run(["notify", "--root", "tree", "--sendmail", "sendmail -t"])),
            "error: --sendmail takes a command that starts with an absolute path (it is run without a shell)")
        let unknown = tree.run(["inbox", "--as", "samm", "--root", "tree"])
        XCTAssertEqual(unknown.exitCode, 1)
        assertText(unknown.standardError, "error: unknown principal 'samm'; did you mean 'sam'?\n")
    }

    func testNewManifestFieldsArePositionedErrors() throws {
        let tree = try TreeFixture(self, changes: [
            "accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + "  notifications:\n    expiringSoon: permanent\n    reportURL: access.example.org\n",
            "requests/sam-debug.yaml": TreeFixture.files["requests/sam-debug.yaml"]! + """
                status:
                  decisions:
                    - decision: approve
                      by: ann
                      at: 2026-11-22T09:30:00Z
                      terms:
                        duration: 4h
                        validFrom: 2026-11-22T09:30:00Z
                        resources: [site:acme-prod]
                        role: reader
                      specDigest: sha256:0000000000000000000000000000000000000000000000000000000000000000
                      signature: |
                        -----BEGIN SSH SIGNATURE-----
                        U1NIU0lHAAAAAQ==
                        -----END SSH SIGNATURE-----

                """,
        ])
        let lines = tree.run(["validate", "--root", "tree", "--now", "2026-11-22T10:00:00Z"]).standardError.components(separatedBy: "\n").filter { $0.contains(": error: ") }
        for expected in [
            "tree/accessctl.yaml:14:19: error: expiringSoon must be a length, not permanent",
            "tree/accessctl.yaml:15:16: error: reportURL must start with https:// (or http://)",
            "tree/requests/sam-debug.yaml:19:9: error: terms carry either a duration (the window starts when the threshold is reached) or validFrom and validTo, not both",
        ] {
            XCTAssertTrue(lines.contains(expected), expected + "\n" + lines.joined(separator: "\n"))
        }
    }

    func testTheTreesTemplatesFolderHoldsRegularTextFilesOnly() throws {
        let tree = try TreeFixture(self)
        try Data("not a folder".utf8).write(to: tree.root.appendingPathComponent("templates"))
        XCTAssertTrue(tree.validate().standardError.contains("tree/templates: error: the report's templates must be a folder of regular files\n"), tree.validate().standardError)
        try FileManager.default.removeItem(at: tree.root.appendingPathComponent("templates"))
        try FileManager.default.createDirectory(at: tree.root.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, 0xFF]).write(to: tree.root.appendingPathComponent("templates/logo.png"))
        XCTAssertTrue(tree.validate().standardError.contains("tree/templates/logo.png: error: is not UTF-8 text; the templates folder holds templates and stylesheets\n"), tree.validate().standardError)
    }

    /// A template nested deeper than the engine compiles is refused at its tag, and no report
    /// is written (it crashed the command once templates were compiled).
    func testATemplateNestedWithoutEndIsRefusedAtItsTag() throws {
        let tree = try TreeFixture(self)
        let folder = tree.root.deletingLastPathComponent().appendingPathComponent("deep")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(("<p>\n" + String(repeating: "{{#a}}", count: 50_000) + String(repeating: "{{/a}}", count: 50_000)).utf8).write(to: folder.appendingPathComponent("index.mustache"))
        let result = tree.run(["report", "--root", "tree", "--out", "site", "--templates", "deep"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertEqual(firstLine(result), "deep/index.mustache:2:601: error: sections nest deeper than 100 levels")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree.root.deletingLastPathComponent().appendingPathComponent("site").path))
    }

    /// The webhook's URL must be https (http only to this machine) and is never printed.
    func testAWebhookURLThatIsNotAllowedIsNamedByItsVariableOnly() throws {
        let tree = try TreeFixture(self, changes: ["accessctl.yaml": TreeFixture.files["accessctl.yaml"]! + "  notifications:\n    defaultChannels: [webhook]\n"])
        XCTAssertEqual(tree.run(["reconcile", "--root", "tree", "--now", "2026-11-22T09:10:00Z"]).exitCode, 0)
        let folder = tree.root.deletingLastPathComponent().path
        // The second try waits out the first one's backoff.
        for (url, why, now) in [
            ("http://hooks.example.org/secret-token", "must be an https URL (plain http only to this machine)", "2026-11-22T09:11:00Z"),
            ("not a url", "does not hold a URL", "2026-11-22T09:13:00Z"),
        ] {
            let clock = TestSupport.clock(for: ["--now", now])
            let run = AccessCLI(environment: ["ACCESSCTL_WEBHOOK_URL": url], currentDirectory: folder, clock: clock).run(["notify", "--root", "tree"])
            XCTAssertEqual(run.exitCode, 1)
            XCTAssertTrue(run.standardError.contains("error: webhook to ann failed for n-"), run.standardError)
            XCTAssertTrue(run.standardError.contains("(request.submitted): $ACCESSCTL_WEBHOOK_URL \(why); tried again on a later run\n"), run.standardError)
            XCTAssertFalse(run.standardError.contains("secret-token"), "the URL is never printed")
        }
    }
}
