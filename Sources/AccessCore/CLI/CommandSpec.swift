import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// The description of one subcommand: its options, arguments and help text.
package struct CommandSpec: Sendable {
    package struct Option: Sendable {
        /// The long name with dashes, for example `--root`.
        package var name: String
        /// The value's placeholder (`DIR`), or nil for a flag.
        package var value: String?
        package var help: String
        package var repeatable = false
        /// Values the option accepts, if it is a choice.
        package var choices: [String]? = nil
    }

    /// The words that select the command, for example `audit verify`.
    package var name: String
    package var summary: String
    /// Positional arguments as shown in the usage line, for example `FILE` or `[DIR]`.
    package var arguments: [String]
    package var options: [Option]
    package var example: String
    package var details: String = ""

    /// The minimum and maximum number of positional arguments.
    var argumentRange: ClosedRange<Int> {
        let required = arguments.filter { !$0.hasPrefix("[") }.count
        return required...arguments.count
    }

    /// `usage: accessctl NAME [options] ARGS`.
    package var usage: String {
        var parts = ["accessctl", name]
        for option in options {
            let value = option.choices.map { $0.joined(separator: "|") } ?? option.value
            parts.append("[" + option.name + (value.map { " " + $0 } ?? "") + "]" + (option.repeatable ? "..." : ""))
        }
        parts += arguments
        return "usage: " + parts.joined(separator: " ")
    }

    /// The full `--help` text.
    package var help: String {
        var out = "\(summary)\n\n\(usage)\n"
        if !details.isEmpty { out += "\n\(details)\n" }
        if !options.isEmpty {
            out += "\noptions:\n"
            let width = options.map { ($0.name + ($0.value.map { " " + $0 } ?? "")).count }.max() ?? 0
            for option in options {
                let left = option.name + (option.value.map { " " + $0 } ?? "")
                out += "  " + left + String(repeating: " ", count: width - left.count + 2) + option.help + "\n"
            }
            out += "  --help" + String(repeating: " ", count: max(2, width - 4)) + "show this help\n"
        }
        out += "\nexample:\n  \(example)\n"
        return out
    }
}

/// Arguments after parsing: option values by name and positional arguments in order.
/// Commands read options only through their typed declarations (`get(Options.root)`).
package struct ParsedArguments: Sendable {
    /// The command these arguments were parsed for.
    package var command: CommandSpec?
    package var values: [String: [String]] = [:]
    package var flags: Set<String> = []
    package var positional: [String] = []
}

/// A mistake on the command line; exits 64 with the command's usage.
package struct UsageError: Error, Sendable {
    package var message: String
    package var command: CommandSpec?
}
