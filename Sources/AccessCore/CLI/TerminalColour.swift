import Foundation
import AccessFormats
import AccessPolicy

/// Colour for people at a terminal: in plans `+` green, `-` red and `~` yellow; states in
/// `status`; warnings yellow and errors red. Never when the output is piped or `NO_COLOR`
/// is set (https://no-color.org), so logs and scripts get plain text.
enum TerminalColour {
    static let green = "\u{1B}[32m", red = "\u{1B}[31m", yellow = "\u{1B}[33m", reset = "\u{1B}[0m"

    /// Whether to colour: standard output is a terminal, `NO_COLOR` is unset or empty, and
    /// `TERM` is not `dumb`.
    static func wanted(environment: [String: String], isTerminal: Bool) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// The commands whose output is coloured.
    static let commands: Set<String> = ["plan", "reconcile", "status", "validate", "inbox"]

    /// `result` coloured for `command`; its text is already terminal-safe (no escapes of its own).
    static func apply(_ result: CommandResult, command: String) -> CommandResult {
        guard commands.contains(command) else { return result }
        var out = result
        out.standardOutput = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map { colourOutput(String($0)) }.joined(separator: "\n")
        out.standardError = result.standardError.split(separator: "\n", omittingEmptySubsequences: false).map { colourDiagnostic(String($0)) }.joined(separator: "\n")
        return out
    }

    private static func paint(_ text: String, _ colour: String) -> String { colour + text + reset }

    private static func colourOutput(_ line: String) -> String {
        if line.hasPrefix("+ ") { return paint(line, green) }
        if line.hasPrefix("- ") { return paint(line, red) }
        if line.hasPrefix("~ ") || line.hasPrefix("  ! ") { return paint(line, yellow) }
        // The state column of `status` and the state line of `status NAME`.
        for state in RequestState.allCases {
            let colour: String? = switch state {
            case .active: green
            case .pending, .approved: yellow
            case .denied, .revoked: red
            default: nil
            }
            guard let colour else { continue }
            let word = " \(state.rawValue)"
            if line.hasPrefix("  state:"), let range = line.range(of: word) { return line.replacingCharacters(in: range, with: " " + paint(state.rawValue, colour)) }
            if let range = line.range(of: "  \(state.rawValue)  ") {
                return line.replacingCharacters(in: range, with: "  " + paint(state.rawValue, colour) + "  ")
            }
        }
        return line
    }

    private static func colourDiagnostic(_ line: String) -> String {
        if let range = line.range(of: ": warning: ") ?? (line.hasPrefix("warning: ") ? line.range(of: "warning: ") : nil) {
            return line.replacingCharacters(in: range, with: range.lowerBound == line.startIndex ? paint("warning:", yellow) + " " : ": " + paint("warning:", yellow) + " ")
        }
        if let range = line.range(of: ": error: ") ?? (line.hasPrefix("error: ") ? line.range(of: "error: ") : nil) {
            return line.replacingCharacters(in: range, with: range.lowerBound == line.startIndex ? paint("error:", red) + " " : ": " + paint("error:", red) + " ")
        }
        return line
    }
}
