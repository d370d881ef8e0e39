extension AccessCLI {
    /// `accessctl parse FILE`: show the data read from a file, before schema checks.
    func parse(_ arguments: ParsedArguments) -> CommandResult {
        let file = arguments.positional[0]
        do {
            let node = try ManifestReader.read(path: absolutePath(file), display: file)
            let output = arguments.flag("--canonical")
                ? CanonicalJSON.encode(node.json) + "\n"
                : CanonicalJSON.pretty(node.json, sortKeys: false)
            return CommandResult(exitCode: ExitCode.success, standardOutput: output)
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: render([error]))
        }
    }
}
