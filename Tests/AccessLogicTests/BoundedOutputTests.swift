import Foundation
import Testing
import AccessTestSupport

@testable import AccessCore
@testable import AccessFormats
@testable import AccessModel

/// Hardening finding 5: positions come from a line table in constant time (a long one-line
/// file used to be quadratic), an error shows a window of its line, not the whole line, and
/// one file's problems are capped in the output.
@Suite struct BoundedOutputTests {
    /// Columns by the table agree with counting scalars from the line's start, on long
    /// lines with multi-byte characters.
    @Test func columnsFromTheTableAgreeWithCounting() {
        var random = SeededRandom(state: 7)
        let pieces = ["a", "é", "€", "𝄞", " ", "\n", "bc"]
        var text = ""
        for _ in 0..<5_000 { text += pieces[random.below(pieces.count)] }
        let bytes = Array(text.utf8)
        let source = SourceText(file: "f", bytes: bytes)
        for _ in 0..<500 {
            var offset = random.below(bytes.count)
            while offset > 0, bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
            let lineStart = bytes[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let column = bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count + 1
            let line = bytes[..<offset].filter { $0 == UInt8(ascii: "\n") }.count + 1
            #expect(source.location(of: offset) == SourceLocation(line: line, column: column))
        }
    }

    /// A 1 MiB one-line JSON list with a mistake near its end: parsed (positions for every
    /// value), and the error shows 160 characters around the column, caret included.
    @Test func aMinifiedFileGivesAShortErrorWithTheRightCaret() throws {
        let items = Array(repeating: "\"value\"", count: 110_000).joined(separator: ",")
        let json = "{\"spec\":[" + items + ",tru]}"
        #expect(json.utf8.count < ManifestReader.maximumFileSize)
        do {
            _ = try JSONParser.parse(json, file: "big.json")
            Issue.record("the mistake was not found")
        } catch {
            #expect(error.headline == "big.json:1:\(json.utf8.count - 4): error: unexpected character; expected a JSON value")
            let lines = error.rendered.components(separatedBy: "\n")
            #expect(lines.count == 3)
            #expect(lines[1].count <= Diagnostic.shownLineLimit + 6)
            #expect(lines[1].hasPrefix("...") && lines[1].hasSuffix("tru]}"))
            // The caret stands under the 't' of "tru".
            let caret = lines[2].count - 1
            #expect(Array(lines[1])[caret] == "t", "\(lines[1]) / \(lines[2])")
        }
    }

    @Test func oneFilesProblemsAreCapped() {
        let cli = AccessCLI(environment: [:], currentDirectory: "/nonexistent", clock: { Timestamp(rfc3339: "2026-11-22T10:00:00Z")! })
        let many = (1...(AccessCLI.diagnosticsPerFile + 10)).map { Diagnostic(file: "big.yaml", location: SourceLocation(line: $0, column: 1), message: "bad \($0)") }
        let other = Diagnostic(file: "small.yaml", location: SourceLocation(line: 1, column: 1), message: "also bad")
        let lines = cli.render(many + [other]).split(separator: "\n")
        #expect(lines.count == AccessCLI.diagnosticsPerFile + 2)
        #expect(lines[AccessCLI.diagnosticsPerFile] == "big.yaml: warning: 10 more problems in this file are not shown")
        #expect(lines.last == "small.yaml:1:1: error: also bad")
    }
}
