import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// A command that could not finish. What it had already printed stays, then the presenter
/// adds `error: message` and exits 1.
struct CommandFailure: Error {
    var message: String
    /// What the command printed before it failed.
    var before: CommandResult

    init(_ message: String, after before: CommandResult = CommandResult(exitCode: ExitCode.failure)) {
        self.message = message
        self.before = before
    }
}

/// The one place that words errors: every `error:` the tool prints is written here.
enum ErrorPresenter {
    /// One error line, for commands that report a problem and go on (a failed hook call).
    static func line(_ message: String, severity: String = "error") -> String { severity + ": " + message + "\n" }

    /// A usage error: the message, then the command's usage line and where to find help.
    static func usage(_ error: UsageError) -> CommandResult {
        var text = line(error.message)
        if let command = error.command {
            text += "\(command.usage)\nSee 'accessctl \(command.name) --help'.\n"
        } else {
            text += "See 'accessctl --help'.\n"
        }
        return CommandResult(exitCode: ExitCode.usage, standardError: text)
    }
}

extension AccessCLI {
    /// Turns any error a command throws into what to print and the exit code.
    func present(_ error: any Error) -> CommandResult {
        switch error {
        case let usage as UsageError:
            return ErrorPresenter.usage(usage)
        case let failure as CommandFailure:
            var result = failure.before
            result.exitCode = ExitCode.failure
            result.standardError += ErrorPresenter.line(failure.message)
            return result
        default:
            return CommandResult(exitCode: ExitCode.failure, standardError: text(of: error))
        }
    }

    /// The standard-error text of an error, for a command that goes on after it.
    func text(of error: any Error) -> String {
        switch error {
        case let diagnostic as Diagnostic: return render([diagnostic])
        case let list as DiagnosticList: return render(list.diagnostics)
        case let refusal as Reconciler.Refusal:
            // The log's lines are long JSON: the headline says where, without the line itself.
            return refusal.diagnostic.map { $0.headline + "\n" } ?? ErrorPresenter.line(refusal.message)
        case let failure as CommandFailure: return ErrorPresenter.line(failure.message)
        case let signing as SigningError: return ErrorPresenter.line(signing.message)
        case let usage as UsageError: return ErrorPresenter.usage(usage).standardError
        default: return ErrorPresenter.line(error.localizedDescription)
        }
    }
}
