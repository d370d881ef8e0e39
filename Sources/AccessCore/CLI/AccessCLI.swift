import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessLedger
import AccessReport
import AccessNotify
import AccessBench

/// The command-line tool as a library: `run` takes arguments and returns what to print.
/// Tests call it in-process; the executable only forwards its arguments and prints.
public struct AccessCLI: Sendable {
    public static let version = "0.1.0"

    package var environment: [String: String]
    /// Relative paths in arguments are taken from here.
    package var currentDirectory: String
    /// The time when no `--now` is given; the wall clock unless a test pins it.
    package var clock: @Sendable () -> Timestamp
    /// Signs and verifies; ssh-keygen unless a test gives a fake.
    package var signatures: any SignatureTool
    /// Hears each step of reconcile's writes; only the crash tests give one.
    package var writeObserver: Reconciler.WriteObserver?
    /// Colour the output (see `TerminalColour`): the executable sets it for a terminal.
    public var colour = false

    /// The tool as the executable runs it: the wall clock and ssh-keygen from the environment;
    /// colour when standard output is a terminal and `NO_COLOR` is not set.
    public init(environment: [String: String], currentDirectory: String, isTerminal: Bool = false) {
        self.init(environment: environment, currentDirectory: currentDirectory, clock: { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) })
        colour = TerminalColour.wanted(environment: environment, isTerminal: isTerminal)
    }

    /// The tool with its clock, signature tool and write observer chosen (tests, the crash test).
    package init(
        environment: [String: String], currentDirectory: String, clock: @escaping @Sendable () -> Timestamp,
        signatures: (any SignatureTool)? = nil, writeObserver: Reconciler.WriteObserver? = nil
    ) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.clock = clock
        self.signatures = signatures ?? SSHKeygen(environment: environment)
        self.writeObserver = writeObserver
    }

    /// Every subcommand, in the order `--help` lists them.
    static let commandTypes: [any Command.Type] = [
        ValidateCommand.self, ParseCommand.self, InitCommand.self, CompletionCommand.self,
        RequestNewCommand.self, RequestExtendCommand.self,
        ApproveCommand.self, DenyCommand.self, RevokeCommand.self, RelinquishCommand.self, ReviewCommand.self, AccessReviewCommand.self, PayloadCommand.self, AttachCommand.self,
        StatusCommand.self, InboxCommand.self, PlanCommand.self, NotifyCommand.self, ReconcileCommand.self, ReportCommand.self, AuditVerifyCommand.self, AuditShowCommand.self,
        ConfigDigestCommand.self, ConfigInitCommand.self, ConfigStatementCommand.self, ConfigPayloadCommand.self, ConfigAttachCommand.self,
        CheckCommand.self, WhoCanCommand.self, AccessCommand.self,
        BenchGenerateCommand.self, BenchRunCommand.self, BenchEvaluateCommand.self,
    ]

    /// The declarations of every subcommand in this release.
    package static let commands: [CommandSpec] = commandTypes.map { $0.spec }

    /// Runs one command line (without the program name).
    public func run(_ arguments: [String]) -> CommandResult {
        if arguments.isEmpty {
            return CommandResult(exitCode: ExitCode.usage, standardError: Self.overview)
        }
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            return CommandResult(exitCode: ExitCode.success, standardOutput: Self.overview)
        }
        if arguments == ["--version"] {
            return CommandResult(exitCode: ExitCode.success, standardOutput: "accessctl \(Self.version)\n")
        }
        var cache: (file: String, signatures: SignatureCache)?
        // Signatures seen to verify are remembered for the next run, whatever this one's outcome.
        defer {
            if let cache, cache.signatures.changed {
                try? FileManager.default.createDirectory(atPath: (cache.file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try? AtomicFile.write(cache.signatures.encoded, to: cache.file)
            }
        }
        do {
            var words = arguments
            var cli = self
            if let chosen = try Self.sshKeygenOption(&words) { cli.signatures = SSHKeygen(executable: chosen) }
            if words.first == "help" { words = Array(words.dropFirst()) + ["--help"] }
            let (spec, rest) = try ArgumentParser.command(for: words, in: Self.commands)
            // reconcile, which applies access, asks ssh-keygen about every signature itself.
            if spec.name != "reconcile", let folder = cacheFolder {
                let file = Paths.join(folder, Self.signatureCacheName)
                let signatures = SignatureCache(reading: { ManifestReader.readBytes(path: file, limit: 64 << 20) })
                cache = (file, signatures)
                cli.signatures = CachingSignatureTool(cli.signatures, cache: signatures)
            }
            if rest.contains("--help") || rest.contains("-h") {
                return CommandResult(exitCode: ExitCode.success, standardOutput: spec.help + cli.presetsHelp(spec, rest))
            }
            let type = Self.commandTypes[Self.commands.firstIndex { $0.name == spec.name }!]
            let command = try type.init(try ArgumentParser.parse(rest, for: spec))
            let result = try command.run(cli)
            // Byte-exact output (what is signed or hashed) is for pipes, never changed.
            guard !Self.exactOutput.contains(spec.name) else {
                var exact = result
                exact.standardError = TerminalText.safe(result.standardError)
                return exact
            }
            let safe = Self.terminalSafe(result)
            return colour ? TerminalColour.apply(safe, command: spec.name) : safe
        } catch {
            return Self.terminalSafe(present(error))
        }
    }

    /// Takes `--ssh-keygen PATH` (a global option, anywhere on the line) out of `words`.
    /// Only an absolute path to an executable file is taken: never a lookup on `PATH`.
    static func sshKeygenOption(_ words: inout [String]) throws(UsageError) -> String? {
        guard let index = words.firstIndex(where: { $0 == "--ssh-keygen" || $0.hasPrefix("--ssh-keygen=") }) else { return nil }
        let value: String
        if words[index] == "--ssh-keygen" {
            guard index + 1 < words.count else { throw UsageError(message: "--ssh-keygen needs a PATH, the absolute path of ssh-keygen", command: nil) }
            value = words[index + 1]
            words.removeSubrange(index...(index + 1))
        } else {
            value = String(words[index].dropFirst("--ssh-keygen=".count))
            words.remove(at: index)
        }
        guard value.hasPrefix("/") else {
            throw UsageError(message: "--ssh-keygen takes an absolute path, not '\(value)': a relative path could name a program from the repository", command: nil)
        }
        guard FileManager.default.isExecutableFile(atPath: value) else { throw UsageError(message: "--ssh-keygen: '\(value)' is not an executable file", command: nil) }
        return value
    }

    /// For a command that takes `--duration`: the tree's duration presets, if it has any.
    func presetsHelp(_ spec: CommandSpec, _ words: [String]) -> String {
        guard spec.options.contains(where: { $0.name == "--duration" }) else { return "" }
        let given = words.firstIndex(of: "--root").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
        let root = root(given)
        let path = TreeLoader.join(root.path, ManifestDecoder.settingsFileName)
        guard let node = try? ManifestReader.read(path: path, display: path) else { return "" }
        var tree = AccessTree(root: root.path)
        ManifestDecoder.decode(
            node, file: path, relative: ManifestDecoder.settingsFileName, baseName: "accessctl", fileName: ManifestDecoder.settingsFileName, atRoot: true,
            into: &tree, log: DiagnosticCollector())
        guard let presets = tree.settings?.durationPresets, !presets.isEmpty else { return "" }
        return "\nduration presets (\(TreeLoader.join(root.display, ManifestDecoder.settingsFileName))):\n"
            + presets.map { "  \($0.name) = \($0.duration.text)\n" }.joined()
    }

    /// Commands whose standard output is exact bytes to sign or hash.
    static let exactOutput: Set<String> = ["parse", "payload", "config payload"]

    /// The result with control characters from manifests escaped (see `TerminalText`).
    static func terminalSafe(_ result: CommandResult) -> CommandResult {
        var out = result
        out.standardOutput = TerminalText.safe(result.standardOutput)
        out.standardError = TerminalText.safe(result.standardError)
        return out
    }

    static var overview: String {
        var out = "accessctl \(version): file-based GitOps access manager.\n\nusage: accessctl COMMAND [options]\n\ncommands:\n"
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            out += "  " + command.name + String(repeating: " ", count: width - command.name.count + 2) + command.summary + "\n"
        }
        out += "\nglobal option:\n  --ssh-keygen PATH  the ssh-keygen that signs and verifies (absolute; default: $ACCESSCTL_SSH_KEYGEN,\n                     else the first of \(SSHKeygen.systemLocations.joined(separator: ", ")))\n"
        out += "\nRun 'accessctl COMMAND --help' for a command's options and an example.\n"
        return out
    }

    // MARK: - Shared helpers

    /// `--now` as given, or the clock.
    func now(_ given: Timestamp?) -> Timestamp { given ?? clock() }

    /// An absolute path for a path given on the command line.
    func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : TreeLoader.join(currentDirectory, path)
    }

    /// The tree root as given (for messages) and as an absolute path: `--root`, else
    /// `$ACCESSCTL_ROOT`, else the nearest folder, from the working directory up, that holds
    /// `accessctl.yaml` (or whose `access/` does), else `./access`.
    func root(_ given: String?) -> (display: String, path: String) {
        let given = given ?? environment["ACCESSCTL_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? discoveredRoot() ?? "access"
        let display = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
        return (display, absolutePath(display))
    }

    /// A request named by its name or by its file's path: the name (a manifest's name is its
    /// file name, so a path gives it without reading the file).
    static func requestName(_ given: String) -> String {
        guard given.contains("/") || ManifestReader.isManifest(given) else { return given }
        return ((given as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// Walks up from the working directory to the tree, as git finds its repository; the
    /// result is relative (`.`, `..`, `../access`) so messages stay short.
    func discoveredRoot() -> String? {
        let fm = FileManager.default
        var folder = URL(fileURLWithPath: currentDirectory).standardizedFileURL.path
        var up: [String] = []
        while true {
            let prefix = up.isEmpty ? "" : up.joined(separator: "/")
            if fm.fileExists(atPath: TreeLoader.join(folder, ManifestDecoder.settingsFileName)) { return prefix.isEmpty ? "." : prefix }
            if fm.fileExists(atPath: TreeLoader.join(folder, "access/" + ManifestDecoder.settingsFileName)) { return prefix.isEmpty ? "access" : prefix + "/access" }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { return nil }
            folder = parent
            up.append("..")
        }
    }

    /// Where the tree's state and audit log are read and written.
    func store(_ given: String?) -> LedgerStore {
        let root = root(given)
        return LedgerStore(root: root.path, displayRoot: root.display).caching(in: cacheFolder)
    }

    /// The file in the cache folder that remembers signatures seen to verify (see `SignatureCache`).
    static let signatureCacheName = "verified-signatures"

    /// Where the audit checkpoint is cached: `$ACCESSCTL_CACHE` (`off` for none), else
    /// `$XDG_CACHE_HOME/accessctl` or `~/.cache/accessctl`. Outside the repository, so no pull
    /// request can plant one.
    var cacheFolder: String? {
        if let given = environment["ACCESSCTL_CACHE"], !given.isEmpty {
            return given == "off" ? nil : absolutePath(given)
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return Paths.join(xdg, "accessctl") }
        if let home = environment["HOME"], home.hasPrefix("/") { return Paths.join(home, ".cache/accessctl") }
        return nil
    }

    /// Renders diagnostics in file and position order, with source lines read from disk.
    func render(_ diagnostics: [Diagnostic], format: String = "text") -> String {
        let sorted = diagnostics.sorted { ($0.file, $0.location) < ($1.file, $1.location) }
        var sources: [String: SourceText] = [:]
        // At most this many per file, then one line saying how many more: one broken file
        // cannot flood the CI log.
        var perFile: [String: Int] = [:]
        var shown: [Diagnostic] = []
        for d in sorted {
            perFile[d.file, default: 0] += 1
            if perFile[d.file]! <= Self.diagnosticsPerFile { shown.append(d) }
        }
        for (file, count) in perFile where count > Self.diagnosticsPerFile {
            let index = shown.lastIndex { $0.file == file }.map { $0 + 1 } ?? shown.endIndex
            shown.insert(Diagnostic(file: file, message: "\(count - Self.diagnosticsPerFile) more problems in this file are not shown", severity: .warning), at: index)
        }
        return shown.map { d in
            if format == "github" { return d.githubAnnotation + "\n" }
            var diagnostic = d
            if diagnostic.sourceLine == nil, d.location.isPosition {
                let path = absolutePath(d.file)
                // Bounded and regular files only, like every read of a manifest.
                if sources[path] == nil, case .bytes(let bytes) = ManifestReader.readFile(path: path, limit: ManifestReader.maximumFileSize) {
                    sources[path] = SourceText(file: d.file, bytes: bytes)
                }
                if let text = sources[path], d.location.line <= text.lineStarts.count, !text.bytes.isEmpty {
                    diagnostic.sourceLine = text.line(d.location.line)
                }
            }
            return diagnostic.rendered + "\n"
        }.joined()
    }

    /// How many problems of one file are printed.
    static let diagnosticsPerFile = 50

    /// "1 error" or "3 errors".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// The error for a principal or resource the tree does not have, with a "did you mean" hint.
    func unknown(_ what: String, _ name: String, _ candidates: [String]) -> CommandFailure {
        CommandFailure("unknown \(what) '\(name)'" + didYouMean(name, in: candidates))
    }
}
