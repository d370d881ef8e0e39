import Foundation
import XCTest

@testable import AccessReport
import AccessTestSupport

/// The templates compiled into accessctl are the repository's `templates/`, byte for byte
/// (run `Tests/Scripts/embed-templates.py` after editing them), and every one compiles.
final class BuiltInTemplatesTests: XCTestCase {
    func testBuiltInTemplatesAreTheTemplatesFolder() throws {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        XCTAssertEqual(ReportTemplates.builtInFiles.map(\.name), names, "run Tests/Scripts/embed-templates.py")
        for (name, text) in ReportTemplates.builtInFiles {
            let onDisk = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            XCTAssertTrue(onDisk == text, "\(name) differs from templates/\(name): run Tests/Scripts/embed-templates.py")
        }
    }

    func testEveryBuiltInTemplateCompiles() {
        let builtIn = ReportTemplates.builtIn
        XCTAssertEqual(builtIn.missingPages, [])
        XCTAssertEqual(builtIn.library.templates.count, ReportTemplates.builtInFiles.filter { $0.name.hasSuffix(".mustache") }.count)
        XCTAssertEqual(builtIn.assets.map(\.name), ["style.css"])
    }
}
