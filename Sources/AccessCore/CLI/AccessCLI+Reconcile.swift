import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    static let reconcileCommands: [CommandSpec] = [
        CommandSpec(
            name: "plan", summary: "Show which grants reconcile would add, change or remove, and why.", arguments: [],
            options: [
                rootOption, nowOption,
                CommandSpec.Option(name: "--format", value: "FORMAT", help: "text (default), markdown for a pull request comment, or json", choices: ["text", "markdown", "json"]),
                CommandSpec.Option(name: "--detailed-exitcode", value: nil, help: "exit 2 when there are changes (0 when there are none)"),
            ],
            example: "accessctl plan --root access --format markdown",
            details: "Compares the grants that should be in force now (bindings in their window, requests\nwith verified approvals whose terms contain now) with state/grants.json, checked against\nthe audit log. Nothing is written. Exits 1 when the tree has errors (those parts grant\nnothing) or the audit log does not verify."),
        CommandSpec(
            name: "reconcile", summary: "Apply the plan: run the hook, append the audit log, write the state.", arguments: [],
            options: [
                rootOption, nowOption,
                CommandSpec.Option(name: "--hook", value: "CMD", help: "run CMD (through /bin/sh) for each change, with the change as JSON on stdin"),
                CommandSpec.Option(name: "--lock-timeout", value: "SECONDS", help: "wait this long for another run's lock (default 120)"),
                CommandSpec.Option(name: "--report", value: "DIR", help: "render the HTML report into DIR after applying (see 'accessctl report')"),
                templatesOption,
            ],
            example: "accessctl reconcile --root access --hook ./scripts/apply-grant.sh",
            details: "Removals (expiry, revocation) are applied even when some manifests have errors; those\nmanifests grant nothing and the run exits 1. A change whose hook fails is not recorded\nand is tried again on the next run. A second run at the same --now changes nothing."),
    ]

    /// Reads, checks and plans; a refusal becomes an error result.
    private enum Prepared {
        case ready(Reconciler, Reconciler.Input, Plan)
        case refused(CommandResult)
    }

    private func prepare(_ arguments: ParsedArguments) throws(UsageError) -> Prepared {
        let root = root(arguments)
        let reconciler = Reconciler(
            root: root.path, displayRoot: root.display, now: try now(arguments), keygen: SSHKeygen(environment: environment),
            crashPoint: environment["ACCESSCTL_TEST_CRASH_AT"].flatMap(Reconciler.CrashPoint.init(rawValue:)))
        do {
            let input = try reconciler.read()
            return .ready(reconciler, input, reconciler.plan(input))
        } catch {
            return .refused(CommandResult(exitCode: ExitCode.failure, standardError: error.message + "\n"))
        }
    }

    /// `accessctl plan`.
    func plan(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let prepared = try prepare(arguments)
        if case .refused(let result) = prepared { return result }
        guard case .ready(_, let input, let plan) = prepared else { return CommandResult(exitCode: ExitCode.failure) }
        let errors = input.diagnostics.contains { $0.severity == .error }
        let code = errors ? ExitCode.failure : (plan.hasChanges && arguments.flag("--detailed-exitcode") ? ExitCode.changes : ExitCode.success)
        let output: String
        switch arguments.value("--format") ?? "text" {
        case "json": output = CanonicalJSON.pretty(planJSON(plan, errors: input.diagnostics.filter { $0.severity == .error }.count), sortKeys: false)
        case "markdown": output = PlanText.markdown(plan, errors: input.diagnostics.filter { $0.severity == .error }.count)
        default: output = PlanText.text(plan)
        }
        return CommandResult(exitCode: code, standardOutput: output, standardError: render(input.diagnostics))
    }

    private func planJSON(_ plan: Plan, errors: Int) -> JSONValue {
        .object([
            ("now", .string(plan.now.description)), ("lastRun", plan.lastRun.map { .string($0.description) } ?? .null),
            ("changes", .array(plan.changes.map { $0.json(now: plan.now) })),
            ("summary", .object([("grant", .number(Double(plan.count(.grant)))), ("change", .number(Double(plan.count(.change)))), ("remove", .number(Double(plan.count(.remove))))])),
            ("notices", .array(plan.notices.map { .string($0) })), ("errors", .number(Double(errors))),
        ])
    }

    /// `accessctl reconcile`.
    func reconcile(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        var timeout = 120.0
        if let text = arguments.value("--lock-timeout") {
            guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                throw UsageError(message: "--lock-timeout needs a number of seconds; got '\(text)'", command: arguments.command)
            }
            timeout = seconds
        }
        let lock: FileLock
        do {
            lock = try FileLock(path: TreeLoader.join(root.path, "state/.lock"), timeout: timeout)
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \(error.message)\n")
        }
        defer { withExtendedLifetime(lock) {} }
        let prepared = try prepare(arguments)
        if case .refused(let result) = prepared { return result }
        guard case .ready(let reconciler, let input, let plan) = prepared else { return CommandResult(exitCode: ExitCode.failure) }
        let hook = arguments.value("--hook").map { ApplyHook(command: $0, environment: environment, directory: currentDirectory) }
        let outcome: Reconciler.Outcome
        do {
            outcome = try reconciler.apply(plan, input, hook: hook)
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardOutput: PlanText.text(plan), standardError: render(input.diagnostics) + "error: could not write the state or the audit log: \(error)\n")
        }
        var out = PlanText.text(plan)
        var errors = render(input.diagnostics)
        for (change, problem) in outcome.failed {
            errors += "error: \(change.key): \(problem); not applied, tried again on the next run\n"
        }
        let applied = outcome.applied
        out += "Applied at \(plan.now): \(applied.filter { $0.action == .grant }.count) granted, \(applied.filter { $0.action == .change }.count) changed, \(applied.filter { $0.action == .remove }.count) removed"
        if !outcome.failed.isEmpty { out += ", \(outcome.failed.count) failed" }
        out += "; \(Self.count(outcome.events.count, "audit event")) appended"
        out += outcome.events.isEmpty ? ".\n" : " (head \(outcome.state.auditHash)).\n"
        var failedRun = input.diagnostics.contains { $0.severity == .error } || !outcome.failed.isEmpty
        if let folder = arguments.value("--report") {
            // The report shows what this run left behind: its state and the log with its new events.
            let reportInput = ReportSite.Input(
                verified: input.verified, state: outcome.state, events: input.log.events + outcome.events, chainProblem: nil, now: plan.now, scope: .everything, displayRoot: root.display)
            switch writeReport(reportInput, out: folder, arguments) {
            case .success(let line): out += line
            case .failure(let failure):
                errors += failure.message + "\n"
                failedRun = true
            }
        }
        return CommandResult(exitCode: failedRun ? ExitCode.failure : ExitCode.success, standardOutput: out, standardError: errors)
    }
}
