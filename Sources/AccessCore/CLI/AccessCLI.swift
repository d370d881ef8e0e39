import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// The command-line tool as a library: `run` takes arguments and returns what to print.
/// Tests call it in-process; the executable only forwards its arguments and prints.
public struct AccessCLI: Sendable {
    public static let version = "0.1.0"

    public var environment: [String: String]
    /// Relative paths in arguments are taken from here.
    public var currentDirectory: String
    /// The time when no `--now` is given; the wall clock unless a test pins it.
    public var clock: @Sendable () -> Timestamp

    public init(environment: [String: String], currentDirectory: String, clock: @escaping @Sendable () -> Timestamp = { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.clock = clock
    }

    /// Every subcommand that exists in this release.
    public static let commands: [CommandSpec] = [
        CommandSpec(
            name: "validate", summary: "Check every manifest of the access tree and report all problems.",
            arguments: [],
            options: [
                rootOption, CommandSpec.Option(name: "--format", value: "FORMAT", help: "text (default), or github for pull request annotations", choices: ["text", "github"]),
                nowOption,
            ],
            example: "accessctl validate --root access --format github",
            details: "Exits 0 when the tree is valid, 1 when any manifest has a problem. Every problem is\nprinted as file:line:column: error: message. Every signed decision is verified with\nssh-keygen and checked against the policies; a decision voided by a later spec change\nis a warning."),
        CommandSpec(
            name: "parse", summary: "Print the data accessctl reads from a YAML or JSON file, as JSON.",
            arguments: ["FILE"],
            options: [CommandSpec.Option(name: "--canonical", value: nil, help: "print exactly the RFC 8785 canonical JSON bytes (the form that is hashed and signed), without a final newline")],
            example: "accessctl parse access/requests/support/acme-backup-debug.yaml",
            details: "Shows how a file is read before any schema check: every YAML scalar is a string,\nan empty value is null. Keys keep their order unless --canonical sorts them."),
        CommandSpec(
            name: "init", summary: "Create a new access tree with settings and commented examples.",
            arguments: ["[DIR]"], options: [],
            example: "accessctl init access",
            details: "DIR defaults to ./access. Nothing is overwritten: a folder that already holds\naccessctl.yaml is refused."),
            CommandSpec(
            name: "completion", summary: "Print a shell completion script for bash, zsh or fish.",
            arguments: ["SHELL"], options: [],
            example: "accessctl completion bash > ~/.local/share/bash-completion/completions/accessctl",
            details: "Completes commands, options, their values (choices, folders, files) and request\nnames. bash: source <(accessctl completion bash); zsh: save as _accessctl in a folder of\n$fpath; fish: save as ~/.config/fish/completions/accessctl.fish."),
    ] + requestCommands + decisionCommands + [statusCommand] + reconcileCommands + [reportCommand] + auditCommands + [checkCommand] + listingCommands + benchCommands + [benchEvaluateCommand]

    static let nowOption = CommandSpec.Option(name: "--now", value: "TIME", help: "evaluate at this RFC 3339 time instead of the clock (tests, replays)")

    /// The RFC 3339 time given to `option`, if any.
    func time(_ option: String, _ arguments: ParsedArguments) throws(UsageError) -> Timestamp? {
        guard let text = arguments.value(option) else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw UsageError(message: "\(option) needs an RFC 3339 time in UTC, like 2026-11-22T09:00:00Z; got '\(text)'", command: arguments.command)
        }
        return time
    }

    /// `--now`, or the clock.
    func now(_ arguments: ParsedArguments) throws(UsageError) -> Timestamp {
        try time("--now", arguments) ?? clock()
    }

    static let rootOption = CommandSpec.Option(name: "--root", value: "DIR", help: "the access tree (default: $ACCESSCTL_ROOT, else ./access)")

    /// Runs one command line (without the program name).
    public func run(_ arguments: [String]) -> CommandResult {
        if arguments.isEmpty {
            return CommandResult(exitCode: ExitCode.usage, standardError: Self.overview)
        }
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            return CommandResult(exitCode: ExitCode.success, standardOutput: Self.overview)
        }
        if arguments == ["--version"] {
            return CommandResult(exitCode: ExitCode.success, standardOutput: "accessctl \(Self.version)\n")
        }
        do {
            var words = arguments
            if words.first == "help" { words = Array(words.dropFirst()) + ["--help"] }
            let (command, rest) = try ArgumentParser.command(for: words, in: Self.commands)
            if rest.contains("--help") || rest.contains("-h") {
                return CommandResult(exitCode: ExitCode.success, standardOutput: command.help)
            }
            let parsed = try ArgumentParser.parse(rest, for: command)
            return try execute(command.name, parsed)
        } catch {
            var text = "error: \(error.message)\n"
            if let command = error.command {
                text += "\(command.usage)\nSee 'accessctl \(command.name) --help'.\n"
            } else {
                text += "See 'accessctl --help'.\n"
            }
            return CommandResult(exitCode: ExitCode.usage, standardError: text)
        }
    }

    private func execute(_ name: String, _ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        switch name {
        case "validate": return try validate(arguments)
        case "parse": return parse(arguments)
        case "init": return initialize(arguments)
        case "completion": return try completion(arguments)
        case "status": return try status(arguments)
        case "check": return try check(arguments)
        case "plan": return try plan(arguments)
        case "reconcile": return try reconcile(arguments)
        case "report": return try report(arguments)
        case "audit verify": return auditVerify(arguments)
        case "audit show": return try auditShow(arguments)
        case "bench generate": return try benchGenerate(arguments)
        case "bench run": return try benchRun(arguments)
        case "bench evaluate": return try benchEvaluate(arguments)
        case "who-can", "access": return try listing(name, arguments)
        case "request new", "request extend": return try request(name, arguments)
        case "approve", "deny", "revoke", "relinquish", "payload", "attach": return try decide(name, arguments)
        default: preconditionFailure("command \(name) is listed but not dispatched")
        }
    }

    static var overview: String {
        var out = "accessctl \(version): file-based GitOps access manager.\n\nusage: accessctl COMMAND [options]\n\ncommands:\n"
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            out += "  " + command.name + String(repeating: " ", count: width - command.name.count + 2) + command.summary + "\n"
        }
        out += "\nRun 'accessctl COMMAND --help' for a command's options and an example.\n"
        return out
    }

    // MARK: - Shared helpers

    /// An absolute path for a path given on the command line.
    func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : TreeLoader.join(currentDirectory, path)
    }

    /// The tree root as given (for messages) and as an absolute path.
    func root(_ arguments: ParsedArguments) -> (display: String, path: String) {
        let given = arguments.value("--root") ?? environment["ACCESSCTL_ROOT"] ?? "access"
        let display = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
        return (display, absolutePath(display))
    }

    /// Renders diagnostics in file and position order, with source lines read from disk.
    func render(_ diagnostics: [Diagnostic], format: String = "text") -> String {
        let sorted = diagnostics.sorted { ($0.file, $0.location) < ($1.file, $1.location) }
        var sources: [String: SourceText] = [:]
        return sorted.map { d in
            if format == "github" { return d.githubAnnotation + "\n" }
            var diagnostic = d
            if diagnostic.sourceLine == nil, d.location.isPosition {
                let path = absolutePath(d.file)
                if sources[path] == nil, let data = FileManager.default.contents(atPath: path), data.count <= ManifestReader.maximumFileSize {
                    sources[path] = SourceText(file: d.file, bytes: [UInt8](data))
                }
                if let text = sources[path], d.location.line <= text.lineStarts.count, !text.bytes.isEmpty {
                    diagnostic.sourceLine = text.line(d.location.line)
                }
            }
            return diagnostic.rendered + "\n"
        }.joined()
    }

    /// "1 error" or "3 errors".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
