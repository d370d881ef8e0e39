import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl init [DIR]`: write a small, valid tree to start from.
struct InitCommand: Command {
    static let spec = CommandSpec(
        name: "init", summary: "Create a new access tree with settings and commented examples.",
        arguments: ["[DIR]"], options: [],
        example: "accessctl init access",
        details: "DIR defaults to ./access. Nothing is overwritten: a folder that already holds\naccessctl.yaml is refused.")

    var folder: String

    init(_ arguments: ParsedArguments) {
        folder = arguments.positional.first ?? "access"
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.absolutePath(folder)
        let fm = FileManager.default
        if fm.fileExists(atPath: TreeLoader.join(root, ManifestDecoder.settingsFileName)) {
            throw CommandFailure("\(TreeLoader.join(folder, ManifestDecoder.settingsFileName)) already exists; nothing was written")
        }
        var written: [String] = []
        do {
            for (relative, content) in Scaffold.files {
                let path = TreeLoader.join(root, relative)
                if fm.fileExists(atPath: path) { continue }
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Array(content.utf8), to: path)
                written.append(TreeLoader.join(folder, relative))
            }
        } catch {
            throw CommandFailure("cannot write the tree: \(error.localizedDescription)")
        }
        var out = "Created an access tree in \(folder):\n"
        for file in written { out += "  \(file)\n" }
        out += "Next: edit the examples, then run 'accessctl validate --root \(folder)'.\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
