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
        arguments: ["[DIR]"], options: CommandSpec.list([Options.copyTemplates]),
        example: "accessctl init access\n  accessctl init access --templates     # restyle the report: edit access/templates/, then sign",
        details: "DIR defaults to ./access. Nothing is overwritten: a folder that already holds\naccessctl.yaml is refused, unless --templates is given, which then writes only the\ntemplates that are missing. The report works without them: the same templates are\ncompiled into accessctl, and files in DIR/templates/ replace them once the\nconfiguration that holds them is trusted.")

    var folder: String
    var copyTemplates: Bool

    init(_ arguments: ParsedArguments) {
        folder = arguments.positional.first ?? "access"
        copyTemplates = arguments.isSet(Options.copyTemplates)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.absolutePath(folder)
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: TreeLoader.join(root, ManifestDecoder.settingsFileName))
        if exists, !copyTemplates {
            throw CommandFailure("\(TreeLoader.join(folder, ManifestDecoder.settingsFileName)) already exists; nothing was written")
        }
        var files = exists ? [] : Scaffold.files
        if copyTemplates {
            files += ReportTemplates.builtInFiles.map { (TemplateFile.folder + "/" + $0.name, $0.text) }
        }
        var written: [String] = []
        do {
            for (relative, content) in files {
                let path = TreeLoader.join(root, relative)
                if fm.fileExists(atPath: path) { continue }
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Array(content.utf8), to: path)
                written.append(TreeLoader.join(folder, relative))
            }
        } catch {
            throw CommandFailure("cannot write the tree: \(error.localizedDescription)")
        }
        if exists, written.isEmpty {
            return CommandResult(exitCode: ExitCode.success, standardOutput: "\(TreeLoader.join(folder, TemplateFile.folder)) already holds every template; nothing was written.\n")
        }
        var out = exists ? "Wrote the report templates into \(folder):\n" : "Created an access tree in \(folder):\n"
        for file in written { out += "  \(file)\n" }
        out += "Next: edit the examples, then run 'accessctl validate --root \(folder)'.\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
