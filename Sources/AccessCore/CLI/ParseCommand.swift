import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl parse FILE`: show the data read from a file, before schema checks.
struct ParseCommand: Command {
    static let spec = CommandSpec(
        name: "parse", summary: "Print the data accessctl reads from a YAML or JSON file, as JSON.",
        arguments: ["FILE"], options: CommandSpec.list([Options.canonical]),
        example: "accessctl parse access/requests/support/acme-backup-debug.yaml",
        details: "Shows how a file is read before any schema check: every YAML scalar is a string,\nan empty value is null. Keys keep their order unless --canonical sorts them.")

    var file: String
    var canonical: Bool

    init(_ arguments: ParsedArguments) {
        file = arguments.positional[0]
        canonical = arguments.isSet(Options.canonical)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let node = try ManifestReader.read(path: cli.absolutePath(file), display: file)
        // Exactly the RFC 8785 bytes, no newline: `parse --canonical f | sha256sum` is the digest.
        let output = canonical ? CanonicalJSON.encode(node.json) : CanonicalJSON.pretty(node.json, sortKeys: false)
        return CommandResult(exitCode: ExitCode.success, standardOutput: output)
    }
}
