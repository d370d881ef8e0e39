import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    static let benchCommands: [CommandSpec] = [
        CommandSpec(
            name: "bench generate", summary: "Write a synthetic access tree at scale, with real keys, for benchmarks.", arguments: [],
            options: [
                CommandSpec.Option(name: "--out", value: "DIR", help: "the new tree's folder (required; must be empty or absent)"),
                CommandSpec.Option(name: "--requests", value: "N", help: "how many requests (required)"),
                CommandSpec.Option(name: "--principals", value: "P", help: "how many principals (default: requests/10, at least 40); teams are P/10"),
                CommandSpec.Option(name: "--resources", value: "R", help: "how many resources (default: requests/5, at least 20)"),
                CommandSpec.Option(name: "--live", value: "L", help: "requests with live, really signed approvals (default: requests/100, at most 100)"),
                CommandSpec.Option(name: "--seed", value: "S", help: "the random seed (default 1); the same seed gives the same tree"),
                CommandSpec.Option(name: "--now", value: "TIME", help: "the time the tree is made for (default 2026-11-23T00:00:00Z)"),
            ],
            example: "accessctl bench generate --out /tmp/bench-10k --requests 10000 --live 100",
            details: "Requests other than the live ones are history: expired, denied, revoked, relinquished,\npending or stale. Their decisions carry a placeholder signature that does not verify;\naccessctl never re-verifies a request that closed before now, and the tree relies on it.\nPrivate keys go to DIR/.bench-keys/."),
        CommandSpec(
            name: "bench run", summary: "Time the phases of one reconcile run in-process, with the memory peak.", arguments: [],
            options: [
                rootOption, nowOption,
                CommandSpec.Option(name: "--jobs", value: "N", help: "ssh-keygen processes at once (default: one per core)"),
                templatesOption,
            ],
            example: "accessctl bench run --root /tmp/bench-10k --now 2026-11-23T00:00:00Z",
            details: "Phases: load and parse, validate, verify signatures, request states, plan, apply, report.\nApply writes the state and audit log, and report the whole HTML report, to a temporary\nfolder, so the tree is never changed."),
    ]

    private func number(_ option: String, _ arguments: ParsedArguments) throws(UsageError) -> Int? {
        guard let text = arguments.value(option) else { return nil }
        guard let n = Int(text), n >= 0 else { throw UsageError(message: "\(option) needs a whole number; got '\(text)'", command: arguments.command) }
        return n
    }

    /// `accessctl bench generate`.
    func benchGenerate(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        guard let out = arguments.value("--out") else { throw UsageError(message: "--out DIR is required", command: arguments.command) }
        guard let requests = try number("--requests", arguments) else { throw UsageError(message: "--requests N is required", command: arguments.command) }
        let generator = BenchGenerator(
            requests: requests, principals: try number("--principals", arguments), resources: try number("--resources", arguments),
            live: try number("--live", arguments), seed: UInt64(try number("--seed", arguments) ?? 1),
            now: try time("--now", arguments) ?? BenchGenerator.defaultNow)
        let keygen = SSHKeygen(environment: environment)
        guard keygen.isAvailable else { return CommandResult(exitCode: ExitCode.failure, standardError: "error: ssh-keygen (OpenSSH) was not found on PATH\n") }
        do {
            let s = try generator.write(to: absolutePath(out), keygen: keygen)
            return CommandResult(exitCode: ExitCode.success, standardOutput: "\(out): \(s.files) files: \(s.requests) requests (\(s.liveSigned) live, signed), \(s.principals) principals, \(s.teams) teams, \(s.resources) resources; made for \(generator.now).\n")
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \((error as? SigningError)?.message ?? "\(error)")\n")
        }
    }

    /// `accessctl bench run`.
    func benchRun(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        let now = try now(arguments)
        let jobs = try number("--jobs", arguments) ?? VerifiedTree.defaultParallelism
        let keygen = SSHKeygen(environment: environment)
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
        guard let settings = tree.settings else { return CommandResult(exitCode: ExitCode.failure, standardError: render(verified.diagnostics)) }
        let verifier = DecisionVerifier(tree: tree, settings: settings, now: now, keygen: keygen)
        let signatureJobs = verifier.signatureJobs(tree.requests)
        let decisions = tree.requests.map(\.decisions.count).reduce(0, +)
        let verdicts = timed("verify signatures", "\(signatureJobs.count) live of \(decisions) decisions, \(jobs) at once") {
            keygen.verifyAll(signatureJobs, namespace: settings.signatureNamespace, time: now, parallel: jobs)
        }
        timed("request states", "\(tree.requests.count) requests") { verified.verify(now: now, keygen: keygen, displayRoot: root.display, verdicts: verdicts) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let reconciler = Reconciler(root: root.path, displayRoot: root.display, now: now, keygen: keygen)
        var input: Reconciler.Input
        do {
            input = try reconciler.readRecords()
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: error.message + "\n")
        }
        input.verified = verified
        let plan = timed("plan") { reconciler.plan(input) }
        rows[rows.count - 1].2 = "\(plan.changes.count) changes"
        let writer = Reconciler(root: scratch, displayRoot: "scratch", now: now, keygen: keygen)
        let outcome: Reconciler.Outcome
        do {
            outcome = try timed("apply") { try writer.apply(plan, input, hook: nil) }
            rows[rows.count - 1].2 = "\(outcome.events.count) audit events, state and log to a scratch folder"
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \(error)\n")
        }
        let reportInput = ReportSite.Input(verified: verified, state: outcome.state, events: input.log.events + outcome.events, chainProblem: nil, now: now, scope: .everything, displayRoot: root.display)
        let written = timed("report") { writeReport(reportInput, out: TreeLoader.join(scratch, "report"), arguments) }
        switch written {
        case .success(let line): rows[rows.count - 1].2 = line.components(separatedBy: ": ").dropFirst().joined(separator: ": ").trimmingCharacters(in: .whitespacesAndNewlines)
        case .failure(let failure): return CommandResult(exitCode: ExitCode.failure, standardError: failure.message + "\n")
        }
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
