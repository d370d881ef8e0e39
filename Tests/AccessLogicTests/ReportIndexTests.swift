import XCTest

@testable import AccessFormats
@testable import AccessModel
@testable import AccessReport

/// The report's page index: read back exactly as written, and refused whole when any line
/// is not as accessctl writes it, so a damaged or planted index only costs a full render.
final class ReportIndexTests: XCTestCase {
    private let time = Timestamp(rfc3339: "2026-12-01T04:00:00Z")!

    private func sample() -> ReportIndex {
        var index = ReportIndex()
        index.add("index.html", .init(digest: Array(repeating: 0xAB, count: 32), changedAt: time, size: 120))
        index.add("requests/a-1.html", .init(digest: Array(0..<32), changedAt: time, size: 0))
        index.add("resources/site/acme_2Fprod.html", .init(digest: Array(repeating: 0, count: 32), changedAt: time, size: 7))
        return index
    }

    func testRoundTrip() {
        let index = sample()
        XCTAssertEqual(ReportIndex.parse(Array(index.text.utf8)), index)
        XCTAssertEqual(index.text.split(separator: "\n").first, "accessctl-report-pages 1")
        XCTAssertEqual(ReportIndex.parse(Array("accessctl-report-pages 1\n".utf8)), ReportIndex())
    }

    func testAnyLineNotAsWrittenRefusesTheWholeIndex() {
        let good = sample().text
        let digest = String(repeating: "a", count: 64)
        let bad = [
            "",
            good.replacingOccurrences(of: "accessctl-report-pages 1", with: "accessctl-report-pages 2"),
            String(good.dropLast()),
            good + "\n",
            good + "\(digest) 2026-12-01T04:00:00Z 1 ../outside.html\n",
            good + "\(digest) 2026-12-01T04:00:00Z 1 /etc/passwd.html\n",
            good + "\(digest) 2026-12-01T04:00:00Z 1 .hidden.html\n",
            good + "\(digest) 2026-12-01T04:00:00Z 1 style.css\n",
            good + "\(digest) 2026-12-01T04:00:00Z 1 a b.html\n",
            good + "\(digest) 2026-12-01T04:00:00Z -1 a.html\n",
            good + "\(digest) 2026-12-01 1 a.html\n",
            good + "\(digest) 2026-12-01T04:00:00.000Z 1 a.html\n",
            good + "\(digest.uppercased()) 2026-12-01T04:00:00Z 1 a.html\n",
            good + "\(digest.dropLast()) 2026-12-01T04:00:00Z 1 a.html\n",
            good + "\(digest) 2026-12-01T04:00:00Z 1 index.html\n",
        ]
        for text in bad { XCTAssertNil(ReportIndex.parse(Array(text.utf8)), text) }
        XCTAssertNil(ReportIndex.parse([0xFF, 0x0A]))
    }

    /// Two values encode alike only when equal, whatever their nesting.
    func testValueEncodingIsUnambiguous() {
        func bytes(_ value: MustacheValue) -> [UInt8] {
            var out: [UInt8] = []
            value.encode(into: &out)
            return out
        }
        let values: [MustacheValue] = [
            .null, .bool(false), .bool(true), .number(0), .number(1), .text(""), .text("a"), .html("a"), .text("ab"),
            .list([]), .list([.text("a"), .text("b")]), .list([.text("ab")]), .list([.list([.text("a")]), .text("b")]),
            .object([:]), .object(["a": .text("b")]), .object(["ab": .text("")]), .object(["a": .text(""), "b": .null]),
        ]
        for (i, a) in values.enumerated() {
            for (j, b) in values.enumerated() where i != j { XCTAssertNotEqual(bytes(a), bytes(b), "\(a) and \(b)") }
        }
    }
}
