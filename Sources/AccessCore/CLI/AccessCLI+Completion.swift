extension AccessCLI {
    /// `accessctl completion SHELL`: the completion script, from the command declarations.
    func completion(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let shell = arguments.positional[0]
        guard let script = CompletionScript.script(for: shell, commands: Self.commands) else {
            throw UsageError(message: "unknown shell '\(shell)'; choose one of: \(CompletionScript.shells.joined(separator: ", "))", command: arguments.command)
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: script)
    }
}
