import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// A subcommand as a type: declared once in `spec` (words, arguments, options, help), filled
/// with typed values from the parsed command line, then run. Help, usage errors and shell
/// completion all come from `spec`.
protocol Command: Sendable {
    /// The declaration the parser, `--help` and completion read.
    static var spec: CommandSpec { get }
    /// Takes the typed values this command needs; a usage error for anything missing or malformed.
    init(_ arguments: ParsedArguments) throws(UsageError)
    /// Does the work. Any error thrown is turned into its message and exit code by `AccessCLI.present`.
    func run(_ cli: AccessCLI) throws -> CommandResult
}

extension CommandSpec {
    /// The declarations of `options`, for a spec's option list.
    static func list(_ options: [any OptionDeclaring]) -> [CommandSpec.Option] { options.map(\.declaration) }
}

/// Anything that declares an option, whatever the type of its value.
protocol OptionDeclaring: Sendable {
    var declaration: CommandSpec.Option { get }
}

extension Option: OptionDeclaring {}
