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

/// The YAML subset against its fixtures: accepted inputs must give the data a YAML 1.2
/// parser gives (expected files written by Tests/Scripts/yaml-oracle.py from ruamel.yaml),
/// rejected inputs must fail with the exact position and message.
final class YAMLParserTests: XCTestCase {
    private let folder = TestSupport.fixtures.appendingPathComponent("yaml")

    private func cases(_ kind: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent(kind), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    func testAcceptedInputsGiveTheSameDataAsYAML12() throws {
        let all = try cases("accept")
        XCTAssertGreaterThanOrEqual(all.count, 60)
        for url in all {
            let name = url.lastPathComponent
            let expectedText = try String(contentsOf: url.deletingPathExtension().appendingPathExtension("json"), encoding: .utf8)
            let expected = try JSONParser.parse(expectedText).json
            let bytes = [UInt8](try Data(contentsOf: url))
            do {
                let node = try YAMLParser.parse(bytes: bytes, file: name)
                assertText(CanonicalJSON.pretty(node.json, sortKeys: false), CanonicalJSON.pretty(expected, sortKeys: false), name)
            } catch {
                XCTFail("\(name) was rejected: \(error.headline)")
            }
            // The same through the command users run to see how their YAML is read.
            let cli = AccessCLI(environment: [:], currentDirectory: url.deletingLastPathComponent().path, clock: TestSupport.clock)
            XCTAssertEqual(cli.run(["parse", name]), CommandResult(exitCode: 0, standardOutput: CanonicalJSON.pretty(expected, sortKeys: false)), name)
        }
    }

    func testRejectedInputsFailWithPositionAndMessage() throws {
        let all = try cases("reject")
        XCTAssertGreaterThanOrEqual(all.count, 50)
        let record = Fixtures.environment["ACCESSCTL_RECORD"] == "1"
        for url in all {
            let name = url.lastPathComponent
            let errorURL = url.deletingPathExtension().appendingPathExtension("error")
            let bytes = [UInt8](try Data(contentsOf: url))
            do {
                let node = try YAMLParser.parse(bytes: bytes, file: name)
                XCTFail("\(name) was accepted as \(CanonicalJSON.encode(node.json))")
            } catch {
                let actual = error.rendered + "\n"
                if record { try? Data(actual.utf8).write(to: errorURL) }
                let expected = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "<no .error file>"
                assertText(actual, expected, name)
            }
        }
    }

    func testLineBreaksAndByteOrderMarkAreNormalized() throws {
        let crlf = try YAMLParser.parse("a: 1\r\nb: |\r\n  x\r\n  y\r\n")
        XCTAssertEqual(crlf.json, .object([("a", .string("1")), ("b", .string("x\ny\n"))]))
        let bom = try YAMLParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a: b\n".utf8), file: "bom.yaml")
        XCTAssertEqual(bom.json, .object([("a", .string("b"))]))
    }

    func testNodesKeepLineAndColumn() throws {
        let node = try YAMLParser.parse("spec:\n  resources: [site:a, 'site:b']\n  reason: >\n    x\n")
        let resources = node["spec"]?["resources"]
        XCTAssertEqual(resources?.location, SourceLocation(line: 2, column: 14))
        guard case .sequence(let items)? = resources?.value else { return XCTFail("not a list") }
        XCTAssertEqual(items.map(\.location), [SourceLocation(line: 2, column: 15), SourceLocation(line: 2, column: 23)])
        XCTAssertEqual(node["spec"]?["reason"]?.location, SourceLocation(line: 3, column: 11))
        guard case .mapping(let entries)? = node["spec"]?.value else { return XCTFail("not a mapping") }
        XCTAssertEqual(entries.map(\.keyLocation), [SourceLocation(line: 2, column: 3), SourceLocation(line: 3, column: 3)])
    }

    /// The control-character check starts where the line table's pass saw the first possible
    /// one; on random text with controls, C1 bytes, U+0085 and other 0xC2 characters (such as
    /// the copyright sign) placed anywhere, the first one refused is the first a full scan finds.
    func testControlCharactersAreFoundWhereverTheyAre() {
        var random = SeededRandom(state: 7_2026)
        let pieces: [[UInt8]] = [
            Array("key: value\n".utf8), Array("  - item\n".utf8), Array("\u{A9} ".utf8), Array("\u{85}".utf8), Array("\u{E9}t\u{E9}".utf8),
            [0x01], [0x7F], [0xC2, 0x80], [0xC2, 0x9F], [0x1B], [0x09], Array("# note\n".utf8),
        ]
        var refused = 0
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<(1 + random.below(8)) { bytes += pieces[random.below(random.below(4) == 0 ? pieces.count : 3)] }
            // The reference: every byte from the start.
            var expected: Int?
            for i in bytes.indices {
                let b = bytes[i]
                if (b < 0x20 && b != 0x09 && b != 0x0A) || b == 0x7F
                    || (b == 0xC2 && i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1]) && bytes[i + 1] != 0x85) {
                    expected = i
                    break
                }
            }
            do {
                _ = try YAMLParser.parse(bytes: bytes, file: "c.yaml")
                XCTAssertNil(expected, "\(bytes)")
            } catch {
                let isControl = error.message.hasPrefix("control character")
                XCTAssertEqual(isControl, expected != nil, "\(bytes): \(error.message)")
                if let expected, isControl {
                    XCTAssertEqual(error.location, SourceText(file: "c.yaml", bytes: bytes).location(of: expected), "\(bytes)")
                    refused += 1
                }
            }
        }
        XCTAssertGreaterThan(refused, 500)
    }

    /// The parser finds lines from the last one it asked about; from any hint, the answer is
    /// the binary search's, and the hint becomes it.
    func testLineSearchFromAHintIsTheBinarySearch() {
        var random = SeededRandom(state: 11_2026)
        for _ in 0..<300 {
            let text = (0..<random.below(40)).map { _ in String(repeating: "x", count: random.below(5)) + (random.below(3) == 0 ? "é" : "") }.joined(separator: "\n")
            let source = SourceText(file: "l.yaml", bytes: Array(text.utf8))
            var hint = random.below(source.lineStarts.count + 2)
            for _ in 0..<20 {
                let offset = random.below(source.bytes.count + 2)
                let expected = source.location(of: offset)
                XCTAssertEqual(source.location(of: offset, near: &hint), expected, "\(text.debugDescription) at \(offset)")
                XCTAssertEqual(hint, source.lineIndex(of: offset))
                // Sometimes a hint from elsewhere, as after a collection's children.
                if random.below(4) == 0 { hint = random.below(source.lineStarts.count) }
            }
        }
    }

    func testColumnsCountCharactersNotBytes() {
        XCTAssertThrowsError(try YAMLParser.parse("näme: &x y\n")) { error in
            XCTAssertEqual((error as? Diagnostic)?.location, SourceLocation(line: 1, column: 7))
        }
    }
}
