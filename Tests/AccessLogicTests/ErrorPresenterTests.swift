import Testing
import AccessTestSupport

@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger

/// One place turns every error a command throws into its text and exit code.
@Suite struct ErrorPresenterTests {
    private let cli = AccessCLI(environment: [:], currentDirectory: "/nonexistent", clock: TestSupport.clock)

    @Test func usageErrorsExit64WithTheUsageLine() {
        let result = cli.present(UsageError(message: "missing option --as", command: ApproveCommand.spec))
        #expect(result.exitCode == 64)
        #expect(result.standardError == "error: missing option --as\n\(ApproveCommand.spec.usage)\nSee 'accessctl approve --help'.\n")
        #expect(cli.present(UsageError(message: "x", command: nil)).standardError == "error: x\nSee 'accessctl --help'.\n")
    }

    @Test func failuresKeepWhatWasPrintedBefore() {
        let before = CommandResult(exitCode: 0, standardOutput: "plan\n", standardError: "a warning\n")
        let result = cli.present(CommandFailure("could not write", after: before))
        #expect(result == CommandResult(exitCode: 1, standardOutput: "plan\n", standardError: "a warning\nerror: could not write\n"))
    }

    @Test func diagnosticsAndRefusalsExit1InTheirOwnForm() {
        let diagnostic = Diagnostic(file: "f.yaml", location: SourceLocation(line: 2, column: 3), message: "bad", sourceLine: "a: b")
        #expect(cli.present(diagnostic) == CommandResult(exitCode: 1, standardError: "f.yaml:2:3: error: bad\na: b\n  ^\n"))
        #expect(cli.present(DiagnosticList([diagnostic, Diagnostic(file: "e.yaml", message: "gone")])).standardError == "e.yaml: error: gone\nf.yaml:2:3: error: bad\na: b\n  ^\n")
        #expect(cli.present(Reconciler.Refusal(message: "the clock went back")) == CommandResult(exitCode: 1, standardError: "error: the clock went back\n"))
        #expect(cli.present(Reconciler.Refusal(diagnostic)).standardError == "f.yaml:2:3: error: bad\n", "the headline only: log lines are long")
    }

    @Test func optionValuesAreTypedByTheirDeclaration() throws {
        var parsed = ParsedArguments()
        parsed.command = ReconcileCommand.spec
        parsed.values["--lock-timeout"] = ["soon"]
        #expect(throws: UsageError.self) { try ReconcileCommand(parsed) }
        parsed.values["--lock-timeout"] = ["2.5"]
        parsed.values["--now"] = ["2026-12-01T04:00:00Z"]
        let command = try ReconcileCommand(parsed)
        #expect(command.lockTimeout == 2.5)
        #expect(command.now == TestSupport.clock())
    }
}
