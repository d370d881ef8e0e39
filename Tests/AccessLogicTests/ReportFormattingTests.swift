import XCTest

@testable import AccessFormats
@testable import AccessModel
@testable import AccessReport

/// The small formatters every report page uses: file names from ids and readable times.
final class ReportFormattingTests: XCTestCase {
    func testFileNamesKeepSafeIdsAndEscapeTheRest() {
        for safe in ["acme-prod", "jane.doe", "r006815", "a", "0-9.z"] { XCTAssertEqual(ReportSite.fileName(safe), safe) }
        XCTAssertEqual(ReportSite.fileName("acme-prod.v2_x"), "acme-prod.v2_5Fx")
        XCTAssertEqual(ReportSite.fileName("../etc/passwd"), "_2E._2Fetc_2Fpasswd")
        XCTAssertEqual(ReportSite.fileName(".hidden"), "_2Ehidden")
        XCTAssertEqual(ReportSite.fileName("Acme"), "_41cme")
        XCTAssertEqual(ReportSite.fileName("ö"), "_C3_B6")
        XCTAssertEqual(ReportSite.fileName(""), "_")
    }

    func testHumanTimesDropZeroSeconds() {
        func human(_ text: String) -> String { ReportSite.human(Timestamp(rfc3339: text)!) }
        XCTAssertEqual(human("2026-11-22T13:30:00Z"), "2026-11-22 13:30 UTC")
        XCTAssertEqual(human("2026-11-22T13:30:05Z"), "2026-11-22 13:30:05 UTC")
        XCTAssertEqual(human("2026-11-22T13:30:50Z"), "2026-11-22 13:30:50 UTC")
        XCTAssertEqual(human("0001-01-01T00:00:00Z"), "0001-01-01 00:00 UTC")
        // Past year 9999 the time has more digits and takes the general path.
        XCTAssertEqual(ReportSite.human(Timestamp(seconds: 253_402_300_800 + 86_400 + 61)), "10000-01-02 00:01:01 UTC")
    }

    /// How a holding came about: the grant's path after the principal. Read as bytes; the
    /// first version split with Foundation, and both agree on seeded random paths made of the
    /// arrow's own characters.
    func testViaDropsThePrincipalAndJoinsTheRestWithArrows() {
        XCTAssertEqual(ReportSite.via(path: "ann"), "own role")
        XCTAssertEqual(ReportSite.via(path: "ann -> team support-eu -> parent team support -> role r"), "team support-eu → parent team support → role r")
        func foundation(_ path: String) -> String {
            let rest = path.components(separatedBy: " -> ").dropFirst()
            return rest.isEmpty ? "own role" : rest.joined(separator: " → ")
        }
        var random = SeededRandom(state: 20)
        let pieces = [" ", "-", ">", "a", " -> ", "é"]
        for _ in 0..<5_000 {
            let path = (0..<random.below(12)).map { _ in pieces[random.below(pieces.count)] }.joined()
            XCTAssertEqual(ReportSite.via(path: path), foundation(path), path)
        }
    }
}
