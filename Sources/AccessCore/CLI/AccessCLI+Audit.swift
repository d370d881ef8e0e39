import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    static let auditCommands: [CommandSpec] = [
        CommandSpec(
            name: "audit verify", summary: "Check the audit log's hash chain and that it accounts for the state.", arguments: [],
            options: [rootOption],
            example: "accessctl audit verify --root access",
            details: "Every line must be the canonical JSON of its event, continue seq, carry the previous\nline's hash in prev and its own hash. Replaying the log up to the line the state names\nmust give exactly the grants in state/grants.json. Names the first bad line; exits 1."),
        CommandSpec(
            name: "audit show", summary: "List audit events, oldest first, filtered by request, principal or time.", arguments: [],
            options: [
                rootOption, CommandSpec.Option(name: "--request", value: "NAME", help: "only events about this request"),
                CommandSpec.Option(name: "--principal", value: "ID", help: "only events whose principal or actor is ID"),
                CommandSpec.Option(name: "--since", value: "TIME", help: "only events at or after this RFC 3339 time"),
            ],
            example: "accessctl audit show --request acme-backup-debug-2026-11-22"),
    ]

    /// `accessctl audit verify`.
    func auditVerify(_ arguments: ParsedArguments) -> CommandResult {
        let root = root(arguments)
        let logFile = TreeLoader.join(root.display, AuditLog.relativePath), stateFile = TreeLoader.join(root.display, StateFile.relativePath)
        func fail(_ message: String) -> CommandResult { CommandResult(exitCode: ExitCode.failure, standardError: message + "\n") }
        let log: AuditLog
        do {
            log = try AuditLog.read(path: TreeLoader.join(root.path, AuditLog.relativePath))
        } catch {
            return fail(Reconciler.chainProblem(error, file: logFile))
        }
        let state: StateFile?
        do {
            state = try StateFile.read(path: TreeLoader.join(root.path, StateFile.relativePath), display: stateFile)
        } catch {
            return fail(render([error]).trimmingCharacters(in: .newlines))
        }
        var out = "\(logFile): \(Self.count(log.events.count, "event")), chain verified"
        out += log.events.isEmpty ? ".\n" : "; head \(log.head) (line \(log.events.count)).\n"
        var notes = ""
        if !log.partialTail.isEmpty {
            notes += "note: the log ends in a partial line (\(Self.count(log.partialTail.count, "byte"))) from an interrupted run; the next reconcile removes it\n"
        }
        guard let state else {
            if !log.events.isEmpty { notes += "note: there is no \(stateFile) yet; the next reconcile writes it from the log\n" }
            return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: notes)
        }
        if let problem = Reconciler.headProblem(state, log) { return fail("\(stateFile): error: \(problem)") }
        let drift = Reconciler.drift(state, log)
        if !drift.isEmpty {
            let lines = drift.sorted { $0.key < $1.key }.map { key, versions in
                "  \(key): "
                    + (versions.auditLog == nil ? "in the state file, never granted by the log" : versions.stateFile == nil ? "granted by the log, missing from the state file" : "terms differ from the log")
            }
            return fail("\(stateFile): error: replaying the audit log up to line \(state.auditSeq) does not give the state file's grants (the next reconcile corrects this as drift):\n" + lines.joined(separator: "\n"))
        }
        out += "\(stateFile): matches the log up to line \(state.auditSeq): \(Self.count(state.grants.count, "grant")), last run \(state.lastRun).\n"
        if state.auditSeq < log.events.count {
            let behind = log.events.count - state.auditSeq
            notes += "note: \(Self.count(behind, "event")) after the state's line \(state.auditSeq) come from an interrupted run; the next reconcile completes it\n"
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: notes)
    }

    /// `accessctl audit show`.
    func auditShow(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        let since = try time("--since", arguments)
        let log: AuditLog
        do {
            log = try AuditLog.read(path: TreeLoader.join(root.path, AuditLog.relativePath))
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: Reconciler.chainProblem(error, file: TreeLoader.join(root.display, AuditLog.relativePath)) + "\n")
        }
        let request = arguments.value("--request"), principal = arguments.value("--principal")
        let shown = log.events.filter { event in
            (request.map { event.request == $0 } ?? true) && (principal.map { event.principal == $0 || event.actor == $0 } ?? true)
                && (since.map { event.time >= $0 } ?? true)
        }
        var out = ""
        for event in shown {
            let subject = event.request.map { "request \($0)" } ?? event.principal ?? ""
            out += "#\(event.seq) \(event.time) \(event.event) \(subject)\n    \(PlanText.oneLine(event.summary))\n"
        }
        out += "\(Self.count(shown.count, "event")) of \(log.events.count).\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
