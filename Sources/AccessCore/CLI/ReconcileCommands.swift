import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl plan`: what reconcile would change, and why; writes nothing.
struct PlanCommand: Command {
    static let spec = CommandSpec(
        name: "plan", summary: "Show which grants reconcile would add, change or remove, and why.", arguments: [],
        options: CommandSpec.list([Options.root, Options.now, Options.planFormat, Options.detailedExitcode, Options.trustRoot, Options.requireTrusted, Options.anchor]),
        example: "accessctl plan --root access --format markdown",
        details: "Compares the grants that should be in force now (bindings in their window, requests\nwith verified approvals whose terms contain now) with state/grants.json, checked against\nthe audit log. Nothing is written. Exits 1 when the tree has errors (those parts grant\nnothing) or the audit log does not verify.")

    var root: String?
    var now: Timestamp?
    var format: String
    var detailedExitcode: Bool
    var trustRoot: String?
    var requireTrusted: Bool
    var anchor: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        format = try arguments.get(Options.planFormat) ?? "text"
        detailedExitcode = arguments.isSet(Options.detailedExitcode)
        trustRoot = try arguments.get(Options.trustRoot)
        requireTrusted = arguments.isSet(Options.requireTrusted)
        anchor = try arguments.get(Options.anchor)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let (_, input, plan) = try cli.prepare(root: root, now: now, trustRoot: trustRoot, anchor: anchor)
        let errors = input.diagnostics.filter { $0.severity == .error }.count
        let pending = requireTrusted && (input.configuration?.isPending ?? false)
        let code = errors > 0 || pending ? ExitCode.failure : (plan.hasChanges && detailedExitcode ? ExitCode.changes : ExitCode.success)
        let output: String
        switch format {
        case "json": output = CanonicalJSON.pretty(Self.json(plan, errors: errors), sortKeys: false)
        case "markdown": output = PlanText.markdown(plan, errors: errors)
        default: output = PlanText.text(plan)
        }
        return CommandResult(exitCode: code, standardOutput: output, standardError: cli.render(input.diagnostics)).keeping(input, plan)
    }

    static func json(_ plan: Plan, errors: Int) -> JSONValue {
        .object([
            ("now", .string(plan.now.description)), ("lastRun", plan.lastRun.map { .string($0.description) } ?? .null),
            ("changes", .array(plan.changes.map { $0.json(now: plan.now) })),
            ("summary", .object([("grant", .number(Double(plan.count(.grant)))), ("change", .number(Double(plan.count(.change)))), ("remove", .number(Double(plan.count(.remove))))])),
            ("notices", .array(plan.notices.map { .string($0) })), ("errors", .number(Double(errors))),
            ("notifications", .array(plan.notifications.map { n in
                .object([
                    ("kind", .string(n.kind)), ("request", .text(n.request)), ("recipient", .string(n.recipient)),
                    ("channels", .array(n.channels.map { .string($0.rawValue) })),
                ])
            })),
        ])
    }
}

/// `accessctl reconcile`: apply the plan, append the audit log, write the state.
struct ReconcileCommand: Command {
    static let spec = CommandSpec(
        name: "reconcile", summary: "Apply the plan: run the hook, append the audit log, write the state.", arguments: [],
        options: CommandSpec.list([Options.root, Options.now, Options.hook, Options.lockTimeout, Options.reportInto, Options.fullReport, Options.templates, Options.trustRoot, Options.requireTrusted, Options.anchor, Options.replayInto]),
        example: "accessctl reconcile --root access --hook ./scripts/apply-grant.sh\n  accessctl reconcile --now 2027-01-01T00:00:00Z --replay-into /tmp/replay   # what would happen then, in a copy",
        details: "Removals (expiry, revocation) are applied even when some manifests have errors; those\nmanifests grant nothing and the run exits 1. A change whose hook fails is not recorded\nand is tried again on the next run. A second run at the same --now changes nothing.\nA --now more than 5 minutes ahead of the clock is refused: its last-run time would\nrefuse every real run until then. Use plan --now, or --replay-into DIR, which plays the\nrun into a copy of state/ and audit/ in DIR (no hook, no anchor).")

    var root: String?
    var now: Timestamp?
    var hook: String?
    var lockTimeout: Double
    var report: String?
    var fullReport: Bool
    var templates: String?
    var trustRoot: String?
    var requireTrusted: Bool
    var anchor: String?
    var replayInto: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        replayInto = try arguments.get(Options.replayInto)
        trustRoot = try arguments.get(Options.trustRoot)
        requireTrusted = arguments.isSet(Options.requireTrusted)
        anchor = try arguments.get(Options.anchor)
        hook = try arguments.get(Options.hook)
        lockTimeout = try arguments.get(Options.lockTimeout) ?? 120
        report = try arguments.get(Options.reportInto)
        fullReport = arguments.isSet(Options.fullReport)
        templates = try arguments.get(Options.templates)
        if replayInto != nil, hook != nil || anchor != nil {
            throw UsageError(message: "a replay (--replay-into) runs no hook and keeps no anchor: it changes nothing outside DIR", command: arguments.command)
        }
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.root(root)
        let clock = cli.now(nil)
        var ledger: (path: String, display: String)?
        if let replayInto {
            ledger = (cli.absolutePath(replayInto), replayInto)
            try cli.prepareReplay(from: cli.store(self.root), into: ledger!.path)
        } else if let now, now.seconds > clock.seconds + DecisionVerifier.clockSkew {
            // A last run in the future would refuse every real run until then.
            throw CommandFailure(
                "--now \(now) is ahead of the clock (\(clock)): a reconcile then would record its last run in the future and refuse every real run until then; "
                    + "nothing was written. To see that run: accessctl plan --now \(now); to play it into a copy of the state and audit log: accessctl reconcile --now \(now) --replay-into DIR")
        }
        let store = ledger.map { LedgerStore(root: $0.path, displayRoot: $0.display) } ?? cli.store(self.root)
        let lock: FileLock
        do {
            lock = try FileLock(path: store.lockPath, timeout: lockTimeout)
        } catch {
            throw CommandFailure(error.message)
        }
        defer { withExtendedLifetime(lock) {} }
        let (reconciler, input, plan) = try cli.prepare(root: self.root, now: now, trustRoot: trustRoot, anchor: anchor, ledger: ledger)
        let hook = hook.map { ApplyHook(command: $0, environment: cli.environment, directory: cli.currentDirectory) }
        // The report's templates are compiled before anything is applied: a broken template
        // stops the run here, not after the changes are recorded.
        var templates: ReportTemplates?
        if report != nil {
            do {
                templates = try cli.reportTemplates(self.templates, tree: input.verified.tree, displayRoot: root.display)
            } catch {
                throw CommandFailure("the report cannot be rendered, so nothing was applied: " + error.rendered)
            }
        }
        let outcome: Reconciler.Outcome
        do {
            outcome = try reconciler.apply(plan, input, hook: hook)
        } catch {
            throw CommandFailure(
                "could not write the state or the audit log: \(error)",
                after: CommandResult(exitCode: ExitCode.failure, standardOutput: PlanText.text(plan), standardError: cli.render(input.diagnostics)))
        }
        var out = PlanText.text(plan)
        var errors = cli.render(input.diagnostics)
        for (change, problem) in outcome.failed {
            errors += ErrorPresenter.line("\(change.key): \(problem); not applied, tried again on the next run")
        }
        let applied = outcome.applied
        out += "Applied at \(plan.now): \(applied.filter { $0.action == .grant }.count) granted, \(applied.filter { $0.action == .change }.count) changed, \(applied.filter { $0.action == .remove }.count) removed"
        if !outcome.failed.isEmpty { out += ", \(outcome.failed.count) failed" }
        out += "; \(AccessCLI.count(outcome.events.count, "audit event")) appended"
        out += outcome.events.isEmpty ? ".\n" : " (head \(outcome.state.auditHash)).\n"
        var failedRun = input.diagnostics.contains { $0.severity == .error } || !outcome.failed.isEmpty
        if requireTrusted, input.configuration?.isPending ?? false {
            errors += ErrorPresenter.line("the configuration change is not signed by enough administrators (--require-trusted-configuration)")
            failedRun = true
        }
        var written: AccessCLI.WrittenReport?
        if let report, let templates {
            // The report shows what this run left behind: its state and the log with its new events.
            let queued = (try? reconciler.store.readOutbox().items) ?? []
            let reportInput = ReportSite.Input(
                verified: input.verified, state: outcome.state, events: reportedEvents(input, outcome, reconciler.store), chainProblem: nil, now: plan.now, scope: .everything,
                displayRoot: root.display, notifications: queued)
            do {
                written = try cli.writeReport(reportInput, out: report, templates: templates, full: fullReport)
                out += written?.line ?? ""
            } catch {
                // The run is applied and recorded; only the report is missing, and
                // `accessctl report` writes it again from the same state and log.
                errors += ErrorPresenter.line("the report was not written (\(cli.text(of: error).trimmingCharacters(in: .whitespacesAndNewlines))); the changes above were applied and recorded; run 'accessctl report' to write it", severity: "warning")
            }
        }
        return CommandResult(exitCode: failedRun ? ExitCode.failure : ExitCode.success, standardOutput: out, standardError: errors).keeping(input, plan, outcome, written)
    }
}

extension AccessCLI {
    /// Reads, checks and plans; throws the reconciler's refusal.
    func prepare(root given: String?, now: Timestamp?, trustRoot: String? = nil, anchor: String? = nil, ledger: (path: String, display: String)? = nil) throws(Reconciler.Refusal) -> (Reconciler, Reconciler.Input, Plan) {
        let root = root(given)
        var reconciler = Reconciler(
            root: root.path, displayRoot: root.display, now: self.now(now), keygen: signatures,
            observer: writeObserver)
        reconciler.ledgerRoot = ledger
        reconciler.cacheFolder = cacheFolder
        reconciler.trustRoot = trustRoot ?? environment["ACCESSCTL_TRUST_ROOT"].flatMap { $0.isEmpty ? nil : $0 }
        // A replay never reads or moves the real run's anchor.
        reconciler.anchorPath = ledger != nil ? nil : (anchor ?? environment["ACCESSCTL_ANCHOR"].flatMap { $0.isEmpty ? nil : $0 }).map(absolutePath)
        let input = try reconciler.read()
        return (reconciler, input, reconciler.plan(input))
    }

    /// A replay folder starts as a copy of the tree's state and audit log (so the replay
    /// continues the real history); later replays into it go on from there.
    func prepareReplay(from tree: LedgerStore, into folder: String) throws {
        let fm = FileManager.default
        let replay = LedgerStore(root: folder, displayRoot: folder)
        guard !fm.fileExists(atPath: replay.logPath), !fm.fileExists(atPath: replay.statePath) else { return }
        do {
            for relative in [StateFile.relativePath, TrustedConfiguration.relativePath, AuditLog.relativePath] {
                let source = TreeLoader.join(tree.root, relative)
                guard let data = fm.contents(atPath: source) else { continue }
                let target = TreeLoader.join(folder, relative)
                try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write([UInt8](data), to: target)
            }
        } catch {
            throw CommandFailure("cannot prepare the replay folder \(folder): \(error.localizedDescription)")
        }
    }
}

extension ReconcileCommand {
    /// Every event of the log after the run: read from the checkpoint, the lines before it
    /// are read again from disk (the report shows the whole log).
    func reportedEvents(_ input: Reconciler.Input, _ outcome: Reconciler.Outcome, _ store: LedgerStore) -> [AuditEvent] {
        if input.log.isWhole { return input.log.events + outcome.events }
        return (try? store.readWholeLogFromCheckpoint().events) ?? (input.log.events + outcome.events)
    }
}
