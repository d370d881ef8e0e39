import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl bench generate`: a synthetic tree at scale, with real keys.
struct BenchGenerateCommand: Command {
    static let spec = CommandSpec(
        name: "bench generate", summary: "Write a synthetic access tree at scale, with real keys, for benchmarks.", arguments: [],
        options: CommandSpec.list([
            Options.benchOut, Options.benchRequests, Options.benchPrincipals, Options.benchResources, Options.benchLive, Options.benchSeed, Options.benchNow,
        ]),
        example: "accessctl bench generate --out /tmp/bench-10k --requests 10000 --live 100",
        details: "Requests other than the live ones are history: expired, denied, revoked, relinquished,\npending or stale. Their decisions carry a placeholder signature that does not verify;\naccessctl never re-verifies a request that closed before now, and the tree relies on it.\nPrivate keys go to DIR/.bench-keys/.")

    var out: String
    var generator: BenchGenerator

    init(_ arguments: ParsedArguments) throws(UsageError) {
        guard let out = try arguments.get(Options.benchOut) else { throw UsageError(message: "--out DIR is required", command: arguments.command) }
        guard let requests = try arguments.get(Options.benchRequests) else { throw UsageError(message: "--requests N is required", command: arguments.command) }
        self.out = out
        generator = BenchGenerator(
            requests: requests, principals: try arguments.get(Options.benchPrincipals), resources: try arguments.get(Options.benchResources),
            live: try arguments.get(Options.benchLive), seed: UInt64(try arguments.get(Options.benchSeed) ?? 1),
            now: try arguments.get(Options.benchNow) ?? BenchGenerator.defaultNow)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let keygen = SSHKeygen(environment: cli.environment)
        guard keygen.isAvailable else { throw CommandFailure("ssh-keygen (OpenSSH) was not found on PATH") }
        let s = try generator.write(to: cli.absolutePath(out), keygen: keygen)
        return CommandResult(exitCode: ExitCode.success, standardOutput: "\(out): \(s.files) files: \(s.requests) requests (\(s.liveSigned) live, signed), \(s.principals) principals, \(s.teams) teams, \(s.resources) resources; made for \(generator.now).\n")
    }
}

/// `accessctl bench run`: the phases of one reconcile run, timed in-process.
struct BenchRunCommand: Command {
    static let spec = CommandSpec(
        name: "bench run", summary: "Time the phases of one reconcile run in-process, with the memory peak.", arguments: [],
        options: CommandSpec.list([Options.root, Options.now, Options.jobs, Options.templates]),
        example: "accessctl bench run --root /tmp/bench-10k --now 2026-11-23T00:00:00Z",
        details: "Phases: load and parse, validate, open requests, verify signatures, request states,\nconfig trust, plan, apply, report.\nApply writes the state and audit log, and report the whole HTML report, to a temporary\nfolder, so the tree is never changed.")

    var root: String?
    var now: Timestamp?
    var jobs: Int?
    var templates: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        jobs = try arguments.get(Options.jobs)
        templates = try arguments.get(Options.templates)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult { try cli.benchRun(self) }
}

extension AccessCLI {
    /// `accessctl bench run`.
    func benchRun(_ command: BenchRunCommand) throws -> CommandResult {
        let root = root(command.root)
        let now = now(command.now)
        let jobs = command.jobs ?? VerifiedTree.defaultParallelism
        let keygen = signatures
        var rows: [(String, Double, String)] = []
        func timed<T>(_ name: String, _ note: @autoclosure () -> String = "", _ work: () throws -> T) rethrows -> T {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try work()
            rows.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, note()))
            return result
        }
        let loaded = timed("load and parse") { TreeLoader.load(root: root.path, displayRoot: root.display, validate: false) }
        var tree = loaded.tree
        let log = DiagnosticCollector()
        for d in loaded.diagnostics { log.add(d) }
        timed("validate") { TreeValidator.validate(&tree, log: log) }
        rows[0].2 = "\(tree.fileCount) files"
        var verified = VerifiedTree(tree: tree, diagnostics: log.diagnostics, statuses: [:])
        guard let settings = tree.settings else { throw DiagnosticList(verified.diagnostics) }
        let verifier = DecisionVerifier(tree: tree, settings: settings, now: now, keygen: keygen)
        let decisions = tree.requests.map(\.decisions.count).reduce(0, +)
        // Its own phase: it matches every request's policies and asks whether it is open (the
        // states start from the same screening), and the checks' row is compared per
        // signature with a bare ssh-keygen.
        let (screenings, signatureJobs) = timed("open requests", "decisions whose signatures are checked") {
            let screenings = Parallel.map(tree.requests, workers: Parallel.workers(for: tree.requests.count, from: 256, upTo: jobs)) { verifier.screen($0) }
            return (screenings, verifier.signatureJobs(tree.requests, screenings: screenings))
        }
        let verdicts = timed("verify signatures", "\(signatureJobs.count) live of \(decisions) decisions, \(jobs) at once") {
            keygen.verifyAll(signatureJobs, namespace: settings.signatureNamespace, time: now, parallel: jobs)
        }
        timed("request states", "\(tree.requests.count) requests") { verified.verify(now: now, keygen: keygen, displayRoot: root.display, verdicts: verdicts, screenings: screenings) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let reconciler = Reconciler(root: root.path, displayRoot: root.display, now: now, keygen: keygen)
        var input = try reconciler.readRecords()
        // Which configuration is trusted (a first run pins it and snapshots its files); the
        // plan reads the verified tree above, as a run whose configuration is trusted does.
        let configuration = try timed("config trust") { try reconciler.configurationView(tree, history: input.history) }
        rows[rows.count - 1].2 = "\(tree.configuration.count) configuration manifests" + (configuration.recordsSnapshot ? ", snapshot written by apply" : "")
        input.verified = verified
        input.configuration = configuration
        let plan = timed("plan") { reconciler.plan(input) }
        rows[rows.count - 1].2 = "\(plan.changes.count) changes"
        // The tree's files (the trusted snapshot reads them), the state and log in scratch.
        var writer = Reconciler(root: root.path, displayRoot: root.display, now: now, keygen: keygen)
        writer.ledgerRoot = (scratch, "scratch")
        let outcome = try timed("apply") { try writer.apply(plan, input, hook: nil) }
        rows[rows.count - 1].2 = "\(outcome.events.count) audit events, state and log to a scratch folder"
        let reportInput = ReportSite.Input(verified: verified, state: outcome.state, events: input.log.events + outcome.events, chainProblem: nil, now: now, scope: .everything, displayRoot: root.display)
        let line = try timed("report") { try writeReport(reportInput, out: TreeLoader.join(scratch, "report"), templates: try reportTemplates(command.templates, tree: verified.tree, displayRoot: root.display)).line }
        rows[rows.count - 1].2 = line.components(separatedBy: ": ").dropFirst().joined(separator: ": ").trimmingCharacters(in: .whitespacesAndNewlines)
        var out = "bench run on \(root.display) at \(now)\n"
        for (name, seconds, note) in rows {
            out += "  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%9.3f s", seconds) + (note.isEmpty ? "" : "  \(note)") + "\n"
        }
        out += "  " + "total".padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%9.3f s", rows.map(\.1).reduce(0, +)) + "\n"
        out += "  memory peak       \(Self.peakMemory())\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: verified.hasErrors ? render(verified.diagnostics.filter { $0.severity == .error }.prefix(20).map { $0 }) : "")
    }

    /// The process's peak resident memory (VmHWM in /proc/self/status), or "unknown".
    static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return "unknown" }
        return String(format: "%.0f MiB", Double(kb) / 1024)
    }
}
