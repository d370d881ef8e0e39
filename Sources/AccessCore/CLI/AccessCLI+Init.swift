import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    /// `accessctl init [DIR]`: write a small, valid tree to start from.
    func initialize(_ arguments: ParsedArguments) -> CommandResult {
        let display = arguments.positional.first ?? "access"
        let root = absolutePath(display)
        let fm = FileManager.default
        if fm.fileExists(atPath: TreeLoader.join(root, ManifestDecoder.settingsFileName)) {
            return CommandResult(
                exitCode: ExitCode.failure,
                standardError: "error: \(TreeLoader.join(display, ManifestDecoder.settingsFileName)) already exists; nothing was written\n")
        }
        var written: [String] = []
        do {
            for (relative, content) in Scaffold.files {
                let path = TreeLoader.join(root, relative)
                if fm.fileExists(atPath: path) { continue }
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Array(content.utf8), to: path)
                written.append(TreeLoader.join(display, relative))
            }
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: cannot write the tree: \(error.localizedDescription)\n")
        }
        var out = "Created an access tree in \(display):\n"
        for file in written { out += "  \(file)\n" }
        out += "Next: edit the examples, then run 'accessctl validate --root \(display)'.\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
