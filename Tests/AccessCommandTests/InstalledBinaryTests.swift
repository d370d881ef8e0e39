import Foundation
import XCTest
import AccessTestSupport
@testable import AccessCore
@testable import AccessReport

/// accessctl installed on its own, as a user copies it into `/usr/local/bin`: no templates
/// folder anywhere near it or the tree, yet `init` then `report` work (the templates are
/// compiled in). Workflow finding 5.
final class InstalledBinaryTests: XCTestCase {
    func testInitThenReportWithNoTemplatesFolderAnywhere() throws {
        let base = try TestSupport.temporaryDirectory(self)
        let bin = base.appendingPathComponent("bin"), work = base.appendingPathComponent("work")
        for folder in [bin, work] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let installed = bin.appendingPathComponent("accessctl")
        try FileManager.default.copyItem(at: try TestSupport.executable(), to: installed)
        // Nothing from the developer's environment: no ACCESSCTL_TEMPLATES, no repository.
        let environment = ["PATH": "/usr/bin:/bin", "HOME": base.path]
        let initialised = try TestSupport.runExecutable(["init", "tree"], in: work, program: installed, environment: environment)
        XCTAssertEqual(initialised.status, 0, String(decoding: initialised.standardError, as: UTF8.self))
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("templates").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("tree/templates").path))
        let report = try TestSupport.runExecutable(["report", "--root", "tree", "--out", "site"], in: work, program: installed, environment: environment)
        XCTAssertEqual(report.status, 0, String(decoding: report.standardError, as: UTF8.self))
        XCTAssertTrue(String(decoding: report.standardOutput, as: UTF8.self).hasPrefix("Report written to site: "))
        for page in ["index.html", "administrators.html", "audit.html", "style.css"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("site/" + page).path), page)
        }
        let style = try String(contentsOf: work.appendingPathComponent("site/style.css"), encoding: .utf8)
        XCTAssertEqual(style, try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("templates/style.css"), encoding: .utf8))
    }

    /// `init --templates` writes the built-in set to restyle, into a new or an existing tree,
    /// overwriting nothing.
    func testInitWritesTheTemplatesToRestyle() throws {
        let work = try TestSupport.temporaryDirectory(self)
        let cli = AccessCLI(environment: [:], currentDirectory: work.path, clock: TestSupport.clock)
        XCTAssertEqual(cli.run(["init", "tree"]).exitCode, 0)
        let added = cli.run(["init", "tree", "--templates"])
        XCTAssertEqual(added.exitCode, 0, added.standardError)
        XCTAssertTrue(added.standardOutput.hasPrefix("Wrote the report templates into tree:\n  tree/templates/administrators.mustache\n"), added.standardOutput)
        for (name, text) in ReportTemplates.builtInFiles {
            XCTAssertEqual(try String(contentsOf: work.appendingPathComponent("tree/templates/" + name), encoding: .utf8), text, name)
        }
        try Data("/* mine */\n".utf8).write(to: work.appendingPathComponent("tree/templates/style.css"))
        assertText(cli.run(["init", "tree", "--templates"]).standardOutput, "tree/templates already holds every template; nothing was written.\n")
        XCTAssertEqual(try String(contentsOf: work.appendingPathComponent("tree/templates/style.css"), encoding: .utf8), "/* mine */\n")
        // The tree has no administrator, so nothing needs signing: the restyle is in force.
        XCTAssertEqual(cli.run(["validate", "--root", "tree"]).exitCode, 0)
        let report = cli.run(["report", "--root", "tree", "--out", "site"])
        XCTAssertEqual(report.exitCode, 0, report.standardError)
        XCTAssertEqual(try String(contentsOf: work.appendingPathComponent("site/style.css"), encoding: .utf8), "/* mine */\n")
    }
}
