import Testing
import AccessTestSupport

@testable import AccessFormats

/// How one problem prints: with a position and caret, without a made-up position when it is
/// about a whole file or folder, and with notes that point at a second place.
@Suite struct DiagnosticTests {
    @Test func positionedDiagnosticShowsTheLineAndCaret() {
        let d = Diagnostic(file: "a.yaml", location: SourceLocation(line: 2, column: 4), message: "bad", sourceLine: "b: *x")
        #expect(d.rendered == "a.yaml:2:4: error: bad\nb: *x\n   ^")
        #expect(d.githubAnnotation == "::error file=a.yaml,line=2,col=4::bad")
    }

    @Test func diagnosticWithoutAPositionNamesThePathAlone() {
        let d = Diagnostic(file: "missing", message: "the access tree 'missing' does not exist", sourceLine: "ignored")
        #expect(d.rendered == "missing: error: the access tree 'missing' does not exist")
        #expect(d.githubAnnotation == "::error file=missing::the access tree 'missing' does not exist")
    }

    @Test func notesFollowWithTheirOwnPositions() {
        let d = Diagnostic(
            file: "t/b.yaml", location: SourceLocation(line: 4, column: 9), message: "duplicate team id 'x'", severity: .error, sourceLine: "  name: x",
            notes: [Diagnostic.Note(file: "t/a.yaml", location: SourceLocation(line: 4, column: 9), message: "the first team 'x' is here")])
        #expect(d.rendered == "t/b.yaml:4:9: error: duplicate team id 'x'\n  name: x\n        ^\nt/a.yaml:4:9: note: the first team 'x' is here")
        #expect(d.githubAnnotation == "::error file=t/b.yaml,line=4,col=9::duplicate team id 'x'%0At/a.yaml:4:9: note: the first team 'x' is here")
    }
}
