import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl bench evaluate PRINCIPAL ACTION RESOURCE`: check, who-can and access timed.
struct BenchEvaluateCommand: Command {
    static let spec = CommandSpec(
        name: "bench evaluate", summary: "Time check, who-can and access in-process on a loaded tree, against reading its files.",
        arguments: ["PRINCIPAL", "ACTION", "RESOURCE"],
        options: CommandSpec.list([Options.root, Options.now, Options.benchAt, Options.repeats]),
        example: "accessctl bench evaluate agent-5 read site:c3-s7 --root /tmp/bench-eval --now 2026-11-23T00:00:00Z",
        details: "Times `check PRINCIPAL ACTION RESOURCE`, `who-can ACTION RESOURCE` and `access PRINCIPAL`\nwith the same code as the commands, once the tree is loaded; request grants are verified\nwith ssh-keygen inside each answer, as the commands do. The baseline is reading the bytes\nof every manifest, which every command that loads the tree pays.")

    var root: String?
    var now: Timestamp?
    var at: Timestamp?
    var repeats: Int
    var principal: String, action: String, resource: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        at = try arguments.get(Options.benchAt)
        repeats = try arguments.get(Options.repeats) ?? 5
        (principal, action, resource) = (arguments.positional[0], arguments.positional[1], arguments.positional[2])
    }

    func run(_ cli: AccessCLI) throws -> CommandResult { try cli.benchEvaluate(self) }
}

extension AccessCLI {
    func benchEvaluate(_ command: BenchEvaluateCommand) throws -> CommandResult {
        let root = root(command.root)
        let clock = now(command.now)
        let at = command.at ?? clock
        let repeats = command.repeats
        let (principal, action, resourceText) = (command.principal, command.action, command.resource)

        func seconds<T>(_ work: () -> T) -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = work()
            return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        /// The median of `repeats` runs, and the last result.
        func median<T>(_ work: () -> T) -> (T, Double) {
            var times: [Double] = []
            var last: T?
            for _ in 0..<repeats {
                let (result, time) = seconds(work)
                times.append(time)
                last = result
            }
            return (last!, times.sorted()[times.count / 2])
        }

        // The baseline: find and read every manifest's bytes, as the loader does, without parsing.
        let ((fileCount, byteCount), read) = seconds { () -> (Int, Int) in
            let files = FileSystemTreeSource(root: root.path).manifests(displayRoot: root.display, log: DiagnosticCollector())
            let sizes = Parallel.map(files, workers: ProcessInfo.processInfo.activeProcessorCount) { relative in
                ManifestReader.readBytes(path: TreeLoader.join(root.path, relative), limit: ManifestReader.maximumFileSize + 1)?.count ?? 0
            }
            return (files.count, sizes.reduce(0, +))
        }
        let (loaded, load) = seconds { TreeLoader.load(root: root.path, displayRoot: root.display, validate: false) }
        var tree = loaded.tree
        let log = DiagnosticCollector()
        let (_, validate) = seconds { TreeValidator.validate(&tree, log: log) }
        if let error = (loaded.diagnostics + log.diagnostics).first(where: { $0.severity == .error }) {
            throw error
        }
        guard tree.principals.contains(where: { $0.id == principal }) else { throw unknown("principal", principal, tree.principals.map(\.id)) }
        guard let resource = ResourceRef(resourceText), tree.resources.contains(where: { $0.ref == resource }) else {
            throw unknown("resource", resourceText, tree.resources.map(\.ref.description))
        }

        let (check, checkTime) = median { checkAnswer(tree, principal, action, resource, at: at, clock: clock, history: history(command.root), json: false) }
        let (whoCan, whoCanTime) = median { whoCanListing(tree, action, resource, at: at, clock: clock, history: history(command.root)) }
        let (access, accessTime) = median { accessListing(tree, principal, at: at, clock: clock, history: history(command.root)) }
        let loading = load + validate

        func row(_ name: String, _ time: Double, _ note: String) -> String {
            "  " + name.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%9.3f s", time) + (note.isEmpty ? "" : "  " + note) + "\n"
        }
        func lastLine(_ text: String) -> String { text.split(separator: "\n").last.map(String.init) ?? "" }
        var out = "bench evaluate on \(root.display) at \(at): \(fileCount) files (\(byteCount / 1024) KiB), \(tree.principals.count) principals, \(tree.teams.count) teams, \(tree.resources.count) resources\n"
        out += row("read files (baseline)", read, "every manifest's bytes, no parsing")
        out += row("load and parse", load, String(format: "%.2fx the baseline", load / read))
        out += row("validate", validate, "")
        out += row("check answer", checkTime, "median of \(repeats); " + (check.standardOutput.split(separator: "\n").first.map(String.init) ?? ""))
        out += row("who-can answer", whoCanTime, "median of \(repeats); " + lastLine(whoCan))
        out += row("access answer", accessTime, "median of \(repeats); " + lastLine(access))
        for (name, answer) in [("check", checkTime), ("who-can", whoCanTime), ("access", accessTime)] {
            out += row("\(name) as a command", loading + answer, String(format: "load, validate and answer: %.2fx the baseline", (loading + answer) / read))
        }
        out += "  memory peak             \(Self.peakMemory())\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
