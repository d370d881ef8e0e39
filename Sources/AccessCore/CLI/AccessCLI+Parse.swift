import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    /// `accessctl parse FILE`: show the data read from a file, before schema checks.
    func parse(_ arguments: ParsedArguments) -> CommandResult {
        let file = arguments.positional[0]
        do {
            let node = try ManifestReader.read(path: absolutePath(file), display: file)
            // Exactly the RFC 8785 bytes, no newline: `parse --canonical f | sha256sum` is the digest.
            let output = arguments.flag("--canonical")
                ? CanonicalJSON.encode(node.json)
                : CanonicalJSON.pretty(node.json, sortKeys: false)
            return CommandResult(exitCode: ExitCode.success, standardOutput: output)
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: render([error]))
        }
    }
}
