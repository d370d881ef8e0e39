extension AccessCLI {
    /// `accessctl validate`: load the whole tree and print every problem.
    func validate(_ arguments: ParsedArguments) -> CommandResult {
        let root = root(arguments)
        let format = arguments.value("--format") ?? "text"
        let result = TreeLoader.load(root: root.path, displayRoot: root.display)
        let problems = result.diagnostics
        let manifests = Self.count(result.tree.manifestCount, "manifest")
        if problems.isEmpty {
            return CommandResult(exitCode: ExitCode.success, standardOutput: "\(root.display): \(manifests) valid.\n")
        }
        let summary = "\(root.display): \(Self.count(problems.count, "error")) in \(Self.count(result.tree.fileCount, "file")).\n"
        if format == "github" {
            return CommandResult(exitCode: ExitCode.failure, standardOutput: render(problems, format: format) + summary)
        }
        return CommandResult(exitCode: ExitCode.failure, standardOutput: summary, standardError: render(problems))
    }
}
