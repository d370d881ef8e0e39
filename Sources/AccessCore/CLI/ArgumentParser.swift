import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// Splits a command line into a command, its options and its positional arguments.
enum ArgumentParser {
    /// Finds the command named by the leading words; the longest name wins (`request new`).
    static func command(for arguments: [String], in commands: [CommandSpec]) throws(UsageError) -> (CommandSpec, [String]) {
        var best: (CommandSpec, Int)?
        for command in commands {
            let words = command.name.split(separator: " ").map(String.init)
            if arguments.count >= words.count, Array(arguments.prefix(words.count)) == words, words.count > (best?.1 ?? 0) {
                best = (command, words.count)
            }
        }
        if let best { return (best.0, Array(arguments.dropFirst(best.1))) }
        let word = arguments.first ?? ""
        let groups = commands.filter { $0.name.hasPrefix(word + " ") }
        if !groups.isEmpty {
            let names = groups.map { "'\($0.name)'" }.joined(separator: ", ")
            throw UsageError(message: "'\(word)' needs a subcommand: \(names)", command: nil)
        }
        var message = "unknown command '\(word)'"
        let names = Set(commands.map { String($0.name.split(separator: " ")[0]) })
        if let guess = closestMatch(to: word, in: names.sorted()) { message += ", did you mean '\(guess)'?" }
        throw UsageError(message: message, command: nil)
    }

    /// Parses options (`--name value`, `--name=value`, flags) and positional arguments.
    static func parse(_ arguments: [String], for command: CommandSpec) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        parsed.command = command
        var index = 0
        var onlyPositional = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositional || !argument.hasPrefix("-") || argument == "-" {
                parsed.positional.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositional = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = command.options.first(where: { $0.name == name }) else {
                var message = "unknown option \(name)"
                if let guess = closestMatch(to: name, in: command.options.map(\.name) + ["--help"]) {
                    message += ", did you mean \(guess)?"
                }
                throw UsageError(message: message, command: command)
            }
            guard let placeholder = option.value else {
                if inlineValue != nil { throw UsageError(message: "option \(name) takes no value", command: command) }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError(message: "option \(name) needs a value (\(placeholder))", command: command)
                }
                value = arguments[index]
                index += 1
            }
            if let choices = option.choices, !choices.contains(value) {
                throw UsageError(message: "option \(name) must be one of: \(choices.joined(separator: ", ")); got '\(value)'", command: command)
            }
            if !option.repeatable, parsed.values[name] != nil {
                throw UsageError(message: "option \(name) is given more than once", command: command)
            }
            parsed.values[name, default: []].append(value)
        }
        let range = command.argumentRange
        if parsed.positional.count < range.lowerBound {
            let missing = command.arguments.filter { !$0.hasPrefix("[") }[parsed.positional.count]
            throw UsageError(message: "missing argument \(missing)", command: command)
        }
        if parsed.positional.count > range.upperBound {
            throw UsageError(message: "unexpected argument '\(parsed.positional[range.upperBound])'", command: command)
        }
        return parsed
    }
}
