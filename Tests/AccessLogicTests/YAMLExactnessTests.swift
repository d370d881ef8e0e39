import Foundation
import Testing
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Inputs an outside YAML test suite found read differently from YAML 1.2. Each class is
/// now refused with a positioned error, compared in full: a reviewer's YAML tools and
/// accessctl must never see different data in the same file.
@Suite struct YAMLExactnessTests {
    private func refusal(_ text: String) -> String? {
        do {
            _ = try YAMLParser.parse(text, file: "f.yaml")
            return nil
        } catch {
            return error.rendered
        }
    }

    @Test func commentInsideAMultiLinePlainScalar() throws {
        #expect(refusal("key: a\n  b # note\n  c\n") == """
            f.yaml:3:3: error: a comment (line 2) ended the plain value above, so this line cannot continue it; quote the value, or move the comment
              c
              ^
            """)
        #expect(refusal("word1  # comment\nword2\n") == """
            f.yaml:2:1: error: a comment (line 1) ended the plain value above, so this line cannot continue it; quote the value, or move the comment
            word2
            ^
            """)
        #expect(refusal("key: a # c\n\n  b\n") != nil, "a blank line between does not make it a continuation")
        // A comment on the last line of a plain value is fine.
        #expect(try YAMLParser.parse("key: a\n  b # note\nnext: c\n").json == .object([("key", .string("a b")), ("next", .string("c"))]))
    }

    @Test func hashStraightAfterACommaInAFlowSequence() throws {
        #expect(refusal("k: [ a, b, c,#x ]\n") == """
            f.yaml:1:14: error: '#' cannot start a plain value, and without a space before it, it does not start a comment; quote the value, or put a space before the comment
            k: [ a, b, c,#x ]
                         ^
            """)
        #expect(try YAMLParser.parse("k: [ a, '#x' ] # a comment\n").json == .object([("k", .array([.string("a"), .string("#x")]))]))
    }

    @Test func literalBlockScalarEndingInALineOfSpaces() throws {
        #expect(refusal("foo: |\n  x\n   ") == """
            f.yaml:3:1: error: the block scalar ends with a line of only spaces and no line break; remove the spaces or end the line
               
            ^
            """)
        // With its line break the same text is unambiguous and read as YAML 1.2 reads it.
        #expect(try YAMLParser.parse("foo: |\n  x\n   \n").json == .object([("foo", .string("x\n \n"))]))
    }

    @Test func tabAsIndentationInsideABlockScalar() throws {
        #expect(refusal("foo: |\n\t\nbar: 1\n") == """
            f.yaml:2:1: error: a tab cannot indent a line of a block scalar; use spaces, or remove the tab
             
            ^
            """)
        #expect(refusal("foo: |\n  x\n\t\n  y\n")?.hasPrefix("f.yaml:3:1: error: a tab cannot indent a line of a block scalar") == true)
        // A tab after the indentation is content.
        #expect(try YAMLParser.parse("foo: |\n  x\n  \ty\n").json == .object([("foo", .string("x\n\ty\n"))]))
    }
}
