import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl audit verify`: the hash chain, and that the log accounts for the state.
struct AuditVerifyCommand: Command {
    static let spec = CommandSpec(
        name: "audit verify", summary: "Check the audit log's hash chain and that it accounts for the state.", arguments: [],
        options: CommandSpec.list([Options.root]),
        example: "accessctl audit verify --root access",
        details: "Every line must be the canonical JSON of its event, continue seq, carry the previous\nline's hash in prev and its own hash. Replaying the log up to the line the state names\nmust give exactly the grants in state/grants.json. Names the first bad line; exits 1.")

    var root: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let store = cli.store(root)
        let logFile = store.logDisplay, stateFile = store.stateDisplay
        let log: AuditLog
        do {
            log = try store.readLog()
        } catch {
            throw Reconciler.Refusal(Reconciler.chainProblem(error, file: logFile))
        }
        let state = try store.readState()
        var out = "\(logFile): \(AccessCLI.count(log.events.count, "event")), chain verified"
        out += log.events.isEmpty ? ".\n" : "; head \(log.head) (line \(log.events.count)).\n"
        var notes = ""
        if !log.partialTail.isEmpty {
            notes += "note: the log ends in a partial line (\(AccessCLI.count(log.partialTail.count, "byte"))) from an interrupted run; the next reconcile removes it\n"
        }
        guard let state else {
            if !log.events.isEmpty { notes += "note: there is no \(stateFile) yet; the next reconcile writes it from the log\n" }
            return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: notes)
        }
        if let problem = Reconciler.headProblem(state, log) { throw Diagnostic(file: stateFile, message: problem) }
        let drift = Reconciler.drift(state, log)
        if !drift.isEmpty {
            let lines = drift.sorted { $0.key < $1.key }.map { key, versions in
                "  \(key): "
                    + (versions.auditLog == nil ? "in the state file, never granted by the log" : versions.stateFile == nil ? "granted by the log, missing from the state file" : "terms differ from the log")
            }
            throw Diagnostic(
                file: stateFile,
                message: "replaying the audit log up to line \(state.auditSeq) does not give the state file's grants (the next reconcile corrects this as drift):\n" + lines.joined(separator: "\n"))
        }
        out += "\(stateFile): matches the log up to line \(state.auditSeq): \(AccessCLI.count(state.grants.count, "grant")), last run \(state.lastRun).\n"
        // Not an error here: a run simulated with --now in the future writes such a state. A
        // reconcile before then does not believe it (and says so) rather than halting.
        if let problem = Reconciler.futureProblem(state, now: cli.now(nil)) {
            notes += "note: \(problem); a reconcile before then rebuilds the state from the audit log\n"
        }
        if state.auditSeq < log.events.count {
            let behind = log.events.count - state.auditSeq
            notes += "note: \(AccessCLI.count(behind, "event")) after the state's line \(state.auditSeq) come from an interrupted run; the next reconcile completes it\n"
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: notes)
    }
}

/// `accessctl audit show`: events, oldest first, filtered.
struct AuditShowCommand: Command {
    static let spec = CommandSpec(
        name: "audit show", summary: "List audit events, oldest first, filtered by request, principal or time.", arguments: [],
        options: CommandSpec.list([Options.root, Options.request, Options.principal, Options.since, Options.textOrJSON]),
        example: "accessctl audit show --request acme-backup-debug-2026-11-22\n  accessctl audit show --since 2026-12-01T00:00:00Z --format json | jq '.events[].event'",
        details: "--format json prints {\"events\": [...], \"total\": N}: each event exactly as the log holds\nit (seq, time, event, request, principal, resources, actor, details, prev, hash), plus\n\"summary\", the one line the text output shows.")

    var root: String?
    var request: String?, principal: String?
    var since: Timestamp?
    var json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        json = try arguments.get(Options.textOrJSON) == "json"
        request = try arguments.get(Options.request).map(AccessCLI.requestName)
        principal = try arguments.get(Options.principal)
        since = try arguments.get(Options.since)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let store = cli.store(root)
        let log: AuditLog
        do {
            log = try store.readLog()
        } catch {
            throw Reconciler.Refusal(Reconciler.chainProblem(error, file: store.logDisplay))
        }
        let shown = log.events.filter { event in
            (request.map { event.request == $0 } ?? true) && (principal.map { event.principal == $0 || event.actor == $0 } ?? true)
                && (since.map { event.time >= $0 } ?? true)
        }
        if json {
            let events = shown.map { event -> JSONValue in
                guard case .object(var members)? = try? JSONParser.parse(event.line, file: "audit").json else { return .null }
                members.append(("summary", .string(PlanText.oneLine(event.summary))))
                return .object(members)
            }
            return CommandResult(exitCode: ExitCode.success, standardOutput: CanonicalJSON.pretty(.object([("events", .array(events)), ("total", .number(Double(log.events.count)))]), sortKeys: false))
        }
        var out = ""
        for event in shown {
            let subject = event.request.map { "request \($0)" } ?? event.principal ?? ""
            out += "#\(event.seq) \(event.time) \(event.event) \(subject)\n    \(PlanText.oneLine(event.summary))\n"
        }
        out += "\(AccessCLI.count(shown.count, "event")) of \(log.events.count).\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
