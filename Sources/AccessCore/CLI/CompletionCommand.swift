import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl completion SHELL`: the completion script, from the command declarations.
struct CompletionCommand: Command {
    static let spec = CommandSpec(
        name: "completion", summary: "Print a shell completion script for bash, zsh or fish.",
        arguments: ["SHELL"], options: [],
        example: "accessctl completion bash > ~/.local/share/bash-completion/completions/accessctl",
        details: "Completes commands, options, their values (choices, folders, files) and request\nnames. bash: source <(accessctl completion bash); zsh: save as _accessctl in a folder of\n$fpath; fish: save as ~/.config/fish/completions/accessctl.fish.")

    var shell: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        shell = arguments.positional[0]
        guard CompletionScript.shells.contains(shell) else {
            throw UsageError(message: "unknown shell '\(shell)'; choose one of: \(CompletionScript.shells.joined(separator: ", "))", command: arguments.command)
        }
    }

    func run(_ cli: AccessCLI) -> CommandResult {
        CommandResult(exitCode: ExitCode.success, standardOutput: CompletionScript.script(for: shell, commands: AccessCLI.commands) ?? "")
    }
}
