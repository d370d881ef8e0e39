import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// What a command printed and how it exits; the executable writes it out unchanged.
public struct CommandResult: Sendable, Equatable {
    public var exitCode: Int32
    public var standardOutput: String
    public var standardError: String
    /// The command's large values (the loaded tree, its states, the plan), held until the
    /// result goes: the executable exits with them instead of freeing 100,000 requests one
    /// by one, which took a second of every command on the largest tree. Not part of equality.
    var keptUntilExit: [any Sendable] = []

    public init(exitCode: Int32, standardOutput: String = "", standardError: String = "") {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// This result, holding `values` until it goes (see `keptUntilExit`).
    func keeping(_ values: any Sendable...) -> CommandResult {
        var out = self
        out.keptUntilExit += values
        return out
    }

    public static func == (a: CommandResult, b: CommandResult) -> Bool {
        a.exitCode == b.exitCode && a.standardOutput == b.standardOutput && a.standardError == b.standardError
    }
}

/// The exit codes of DESIGN.md section 10.
public enum ExitCode {
    public static let success: Int32 = 0
    /// Invalid input or a failed check.
    public static let failure: Int32 = 1
    /// `plan --detailed-exitcode` found changes.
    public static let changes: Int32 = 2
    /// `check` could not answer (unknown principal or resource, a broken tree, no ssh-keygen):
    /// distinct from 1, denied.
    public static let checkError: Int32 = 3
    /// The command line itself was wrong.
    public static let usage: Int32 = 64
}
