import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// One option, declared once: its name and help (for the parser, `--help` and completion)
/// and how its text becomes a typed value. Commands read options only through these.
package struct Option<Value: Sendable>: Sendable {
    /// What the parser, help and completion see.
    package let declaration: CommandSpec.Option
    /// The typed value, or the reason the text is not one (a usage error).
    let convert: @Sendable (String) -> Result<Value, OptionValueError>

    init(_ declaration: CommandSpec.Option, convert: @escaping @Sendable (String) -> Result<Value, OptionValueError>) {
        self.declaration = declaration
        self.convert = convert
    }
}

/// Why an option's text is not a value of its type; the message is printed as a usage error.
struct OptionValueError: Error {
    var message: String
}

extension Option where Value == String {
    /// An option whose value is text, optionally one of `choices`.
    init(_ name: String, _ placeholder: String, _ help: String, choices: [String]? = nil, repeatable: Bool = false) {
        self.init(CommandSpec.Option(name: name, value: placeholder, help: help, repeatable: repeatable, choices: choices)) { .success($0) }
    }
}

extension Option where Value == Timestamp {
    /// An RFC 3339 time in UTC.
    static func time(_ name: String, _ help: String) -> Option {
        Option(CommandSpec.Option(name: name, value: "TIME", help: help)) { text in
            Timestamp(rfc3339: text).map { .success($0) }
                ?? .failure(OptionValueError(message: "\(name) needs an RFC 3339 time in UTC, like 2026-11-22T09:00:00Z; got '\(text)'"))
        }
    }
}

extension Option where Value == Bool {
    /// A flag: present or not, with no value.
    static func flag(_ name: String, _ help: String) -> Option {
        Option(CommandSpec.Option(name: name, value: nil, help: help)) { _ in .success(true) }
    }
}

extension ParsedArguments {
    /// The value given to `option` (the last one if given twice), typed; nil when absent.
    package func get<Value>(_ option: Option<Value>) throws(UsageError) -> Value? {
        guard let text = values[option.declaration.name]?.last else { return nil }
        return try convert(option, text)
    }

    /// Every value given to a repeatable `option`, in order.
    package func every<Value>(_ option: Option<Value>) throws(UsageError) -> [Value] {
        var out: [Value] = []
        for text in values[option.declaration.name] ?? [] { out.append(try convert(option, text)) }
        return out
    }

    /// Whether a flag was given.
    package func isSet(_ flag: Option<Bool>) -> Bool {
        flags.contains(flag.declaration.name)
    }

    /// The value of a required option; a usage error naming it when it is missing.
    package func required<Value>(_ option: Option<Value>) throws(UsageError) -> Value {
        guard let value = try get(option) else { throw UsageError(message: "missing option \(option.declaration.name)", command: command) }
        return value
    }

    private func convert<Value>(_ option: Option<Value>, _ text: String) throws(UsageError) -> Value {
        switch option.convert(text) {
        case .success(let value): return value
        case .failure(let failure): throw UsageError(message: failure.message, command: command)
        }
    }
}
