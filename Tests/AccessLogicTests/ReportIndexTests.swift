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
        XCTAssertEqual(index.text.split(separator: "\n").first, "accessctl-report-pages 2")
        XCTAssertEqual(ReportIndex.parse(Array("accessctl-report-pages 2\n".utf8)), ReportIndex())
    }

    /// An index of the first version (digests of every row in full) is read for its times and
    /// sizes, marked so its digests are never compared with this version's.
    func testAnIndexOfTheFirstVersionIsReadAsSuch() throws {
        let index = sample()
        XCTAssertFalse(index.earlierDigests)
        let earlier = try XCTUnwrap(ReportIndex.parse(Array(index.text.replacingOccurrences(of: "accessctl-report-pages 2", with: "accessctl-report-pages 1").utf8)))
        XCTAssertTrue(earlier.earlierDigests)
        XCTAssertEqual(earlier.entries, index.entries)
        XCTAssertEqual(earlier.order, index.order)
    }

    func testAnyLineNotAsWrittenRefusesTheWholeIndex() {
        let good = sample().text
        let digest = String(repeating: "a", count: 64)
        let bad = [
            "",
            good.replacingOccurrences(of: "accessctl-report-pages 2", with: "accessctl-report-pages 3"),
            good.replacingOccurrences(of: "accessctl-report-pages 2", with: "accessctl-report-pages 0"),
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

    /// The index is read as bytes; the first reader split `String`s. On seeded random edits
    /// of a good index (spaces, line breaks, CR, non-ASCII, digits, slashes, dots) both accept
    /// and refuse exactly the same texts, with the same result.
    func testTheByteReaderAgreesWithTheStringReader() {
        func isPagePath(_ path: Substring) -> Bool {
            guard path.hasSuffix(".html"), !path.hasPrefix("/") else { return false }
            for part in path.split(separator: "/", omittingEmptySubsequences: false) {
                guard let first = part.utf8.first, first != UInt8(ascii: ".") else { return false }
                guard part.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }) else { return false }
            }
            return true
        }
        for path in ["a.html", ".html", "/a.html", "a//b.html", "a/.b.html", "a/b.html", "a.htm", "a b.html", "a/../b.html", "é.html", "a.html\u{301}", "a/\u{301}b.html", "x", ""] {
            XCTAssertEqual(ReportIndex.isPagePath(path[...]), isPagePath(path[...]), path)
        }
        func stringReader(_ bytes: [UInt8]) -> ReportIndex? {
            guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else { return nil }
            var lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.first == Substring(ReportIndex.header) else { return nil }
            lines.removeFirst()
            var index = ReportIndex()
            for line in lines {
                let fields = line.split(separator: " ", omittingEmptySubsequences: false)
                guard fields.count == 4, let digest = Hex.digest(fields[0]), let changedAt = Timestamp(rfc3339: String(fields[1])), changedAt.description == fields[1],
                    let size = Int(fields[2]), size >= 0, isPagePath(fields[3]), index.entries[String(fields[3])] == nil
                else { return nil }
                index.add(String(fields[3]), .init(digest: digest, changedAt: changedAt, size: size))
            }
            return index
        }
        let good = Array(sample().text.utf8)
        let alphabet: [[UInt8]] = [[0x20], [0x0A], [0x0D], [0x0D, 0x0A], [0xC3, 0xA9], [0xCC, 0x81], [0x30], [0x61], [0x2F], [0x2E], [0x2B], [0x2D], [0xFF], [0x5A]]
        var random = SeededRandom(state: 133_433)
        var accepted = 0
        for _ in 0..<6_000 {
            var bytes = good
            for _ in 0..<(1 + Int(random.next() % 2)) {
                let at = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 3 {
                case 0: bytes.insert(contentsOf: alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes.replaceSubrange(at...at, with: alphabet[Int(random.next() % UInt64(alphabet.count))]) }
                }
            }
            let expected = stringReader(bytes)
            XCTAssertEqual(ReportIndex.parse(bytes), expected, String(decoding: bytes, as: UTF8.self))
            if expected != nil { accepted += 1 }
        }
        XCTAssertGreaterThan(accepted, 100, "the edits must also make indexes that are read, not only refused ones")
    }

    /// The encoding is the bytes every kept page's digest in an earlier report was made from:
    /// it may not change without a new index version (version 2 has lengths as LEB128), or
    /// every page of a report would be marked changed once.
    func testValueEncodingBytesAreFixed() {
        var out: [UInt8] = []
        MustacheValue.object(["n": .number(1.5), "l": .list([.text("é"), .null, .bool(true), .html("<b>")])]).encode(into: &out)
        XCTAssertEqual(out, [
            7, 2,  // an object of two members
            1, 0x6E,  // "n"
            3, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,  // 1.5, its IEEE 754 bits least significant first
            1, 0x6C,  // "l"
            6, 4,  // a list of four
            4, 2, 0xC3, 0xA9,  // text "é"
            0, 2,  // null, true
            5, 3, 0x3C, 0x62, 0x3E,  // html "<b>"
        ])
        // Markup as bytes prints what the same markup as text prints, and encodes alike.
        var markup: [UInt8] = [], html: [UInt8] = []
        MustacheValue.markup(Array("<b>é</b>".utf8)).encode(into: &markup)
        MustacheValue.html("<b>é</b>").encode(into: &html)
        XCTAssertEqual(markup, html)
        func length(_ n: UInt64) -> [UInt8] {
            var out: [UInt8] = []
            MustacheValue.append(n, to: &out)
            return out
        }
        XCTAssertEqual(length(0), [0])
        XCTAssertEqual(length(127), [0x7F])
        XCTAssertEqual(length(128), [0x80, 0x01])
        XCTAssertEqual(length(300), [0xAC, 0x02])
        XCTAssertEqual(length(16_384), [0x80, 0x80, 0x01])
        XCTAssertEqual(length(UInt64.max), Array(repeating: 0xFF, count: 9) + [0x01])
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
            // Lengths of one byte and of two, and texts whose bytes look like lengths.
            .text(String(repeating: "a", count: 127)), .text(String(repeating: "a", count: 128)), .text(String(repeating: "a", count: 300)),
            .list([.text(String(repeating: "\u{7F}", count: 2)), .text("")]), .list([.text("\u{01}"), .text("\u{01}")]),
            .list(Array(repeating: .null, count: 128)), .list(Array(repeating: .null, count: 129)),
        ]
        for (i, a) in values.enumerated() {
            for (j, b) in values.enumerated() where i != j { XCTAssertNotEqual(bytes(a), bytes(b), "\(a) and \(b)") }
        }
    }

    /// The encoding reads back: a decoder of it gives every seeded random value again from
    /// its bytes, all of them used, so no two different values share an encoding.
    func testValueEncodingReadsBack() {
        func decode(_ b: [UInt8], _ i: inout Int) -> MustacheValue? {
            func length() -> Int? {
                var n: UInt64 = 0, shift: UInt64 = 0
                while i < b.count, shift < 64 {
                    let byte = b[i]
                    i += 1
                    n |= UInt64(byte & 0x7F) << shift
                    if byte < 0x80 { return Int(n) }
                    shift += 7
                }
                return nil
            }
            func text() -> String? {
                guard let n = length(), i + n <= b.count else { return nil }
                defer { i += n }
                return String(decoding: b[i..<(i + n)], as: UTF8.self)
            }
            guard i < b.count else { return nil }
            let tag = b[i]
            i += 1
            switch tag {
            case 0: return .null
            case 1: return .bool(false)
            case 2: return .bool(true)
            case 3:
                guard i + 8 <= b.count else { return nil }
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(b[i + k]) << (8 * UInt64(k)) }
                i += 8
                return .number(Double(bitPattern: bits))
            case 4: return text().map { .text($0) }
            case 5: return text().map { .html($0) }
            case 6:
                guard let n = length() else { return nil }
                var items: [MustacheValue] = []
                for _ in 0..<n {
                    guard let item = decode(b, &i) else { return nil }
                    items.append(item)
                }
                return .list(items)
            case 7:
                guard let n = length() else { return nil }
                var object: MustacheObject = [:]
                for _ in 0..<n {
                    guard let key = text(), let value = decode(b, &i) else { return nil }
                    object.members.append((key, value))
                }
                return .object(object)
            default: return nil
            }
        }
        var random = SeededRandom(state: 8)
        func text() -> String {
            let pieces = ["a", "\u{7F}", "\u{01}", "é", "\u{80}", " "]
            return (0..<[0, 1, 5, 127, 128, 300][random.below(6)]).map { _ in pieces[random.below(pieces.count)] }.joined()
        }
        func value(_ depth: Int) -> MustacheValue {
            switch random.below(depth > 2 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(random.below(2) == 0)
            case 2: return .number(Double(bitPattern: random.next()))
            case 3: return .text(text())
            case 4: return .html(text())
            case 5: return .list((0..<[0, 1, 3, 130][random.below(4)]).map { _ in value(depth + 1) })
            default:
                var object: MustacheObject = [:]
                for _ in 0..<random.below(4) {
                    object.members.append((text(), value(depth + 1)))
                }
                return .object(object)
            }
        }
        for _ in 0..<300 {
            let original = value(0)
            var bytes: [UInt8] = []
            original.encode(into: &bytes)
            var at = 0
            let decoded = decode(bytes, &at)
            XCTAssertEqual(at, bytes.count)
            XCTAssertEqual(decoded.map { "\($0)" }, "\(original)")
        }
    }
}
