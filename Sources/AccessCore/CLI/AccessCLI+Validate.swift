import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    /// `accessctl validate`: load the whole tree, verify every decision, print every problem.
    func validate(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        let format = arguments.value("--format") ?? "text"
        let now = try now(arguments)
        let result = VerifiedTree.load(root: root.path, displayRoot: root.display, now: now, keygen: SSHKeygen(environment: environment))
        let problems = result.diagnostics
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        let manifests = Self.count(result.tree.manifestCount, "manifest")
        let warningText = warnings == 0 ? "" : ", \(Self.count(warnings, "warning"))"
        let summary = errors == 0
            ? "\(root.display): \(manifests) valid\(warningText).\n"
            : "\(root.display): \(Self.count(errors, "error"))\(warningText) in \(Self.count(result.tree.fileCount, "file")).\n"
        let code = errors == 0 ? ExitCode.success : ExitCode.failure
        if format == "github" {
            return CommandResult(exitCode: code, standardOutput: render(problems, format: format) + summary)
        }
        return CommandResult(exitCode: code, standardOutput: summary, standardError: render(problems))
    }
}
