import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// `accessctl inbox --as ID`: what waits for my decision, and where my own requests stand.
struct InboxCommand: Command {
    static let spec = CommandSpec(
        name: "inbox", summary: "Requests waiting for your decision, oldest first, and your own requests with their state.", arguments: [],
        options: CommandSpec.list([Options.root, Options.inboxAs, Options.textOrJSON, Options.now]),
        example: "accessctl inbox --as alice.nguyen\n  accessctl inbox --as alice.nguyen --format json | jq '.awaiting[].name'",
        details: "Waiting: pending requests you may approve and have not, with what each still needs\n(the same as 'status --awaiting ID'). Yours: the requests you made, newest first.")

    var root: String?
    var principal: String
    var json: Bool
    var now: Timestamp?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        principal = try arguments.required(Options.inboxAs)
        json = try arguments.get(Options.textOrJSON) == "json"
        now = try arguments.get(Options.now)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult { try cli.inbox(root: root, principal: principal, json: json, now: now, awaitingOnly: false) }
}

extension AccessCLI {
    /// The inbox of `principal`; `awaitingOnly` for `status --awaiting`.
    func inbox(root given: String?, principal: String, json: Bool, now given_now: Timestamp?, awaitingOnly: Bool) throws -> CommandResult {
        let root = root(given)
        let now = now(given_now)
        let history = history(given)
        let loaded = effective(TreeLoader.load(root: root.path, displayRoot: root.display), root: given, now: now, history: history)
        guard let settings = loaded.tree.settings else { return CommandResult(exitCode: ExitCode.failure, standardError: render(loaded.diagnostics)) }
        guard loaded.tree.principals.contains(where: { $0.id == principal }) else {
            throw unknown("principal", principal, loaded.tree.principals.map(\.id))
        }
        guard signatures.isAvailable else { throw CommandFailure("ssh-keygen (OpenSSH) was not found: signed decisions cannot be verified") }
        var verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: now, keygen: signatures)
        verifier.observed = history.firstSeen
        var awaiting: [(RequestStatus, ApprovalProgress)] = []
        var own: [RequestStatus] = []
        for request in loaded.tree.requests {
            let mine = request.spec.requester.value == principal
            let decided = request.decisions.contains { $0.by.value == principal }
            // Only a request I made, or a pending one I have not decided on, needs its signatures checked.
            guard mine || !decided else { continue }
            let status: RequestStatus
            do { status = try verifier.status(request).closed(by: history) } catch { throw CommandFailure("cannot run ssh-keygen: \(error)") }
            if mine { own.append(status) }
            if status.state == .pending, let progress = verifier.progress(status), progress.remaining.contains(principal) {
                awaiting.append((status, progress))
            }
        }
        awaiting.sort { ($0.0.request.spec.requestedAt.value, $0.0.request.id) < ($1.0.request.spec.requestedAt.value, $1.0.request.id) }
        own.sort { ($0.updatedAt, $1.request.id) > ($1.updatedAt, $0.request.id) }
        if awaitingOnly { own = [] }
        let warning = loaded.diagnostics.contains { $0.severity == .error } ? render(loaded.diagnostics.filter { $0.severity == .error }) : ""
        if json {
            var members: [(String, JSONValue)] = [("principal", .string(principal)), ("now", .string(now.description))]
            members.append(("awaiting", .array(awaiting.map { status, progress in
                .object([
                    ("name", .string(status.request.id)), ("file", .string(status.request.header.file)),
                    ("requester", .string(status.request.spec.requester.value)), ("requestedAt", .string(status.request.spec.requestedAt.value.description)),
                    ("resources", .array(status.request.spec.resources.map { .string($0.value.description) })),
                    ("reason", .string(status.request.spec.reason.value)),
                    ("policy", .string(progress.policy)), ("approved", .array(progress.approvers.map { .string($0) })),
                    ("needed", .number(Double(progress.needed))), ("missing", .number(Double(progress.missing))),
                ])
            })))
            if !awaitingOnly { members.append(("requests", .array(own.map { statusJSON($0, verifier) }))) }
            return CommandResult(exitCode: ExitCode.success, standardOutput: CanonicalJSON.pretty(.object(members), sortKeys: false), standardError: warning)
        }
        var out = awaiting.isEmpty ? "Nothing waits for \(principal)'s decision.\n" : "Waiting for \(principal)'s decision, oldest first:\n"
        for (status, progress) in awaiting {
            let spec = status.request.spec
            let asked = [spec.role?.value, spec.actions.isEmpty ? nil : spec.actions.map(\.value).joined(separator: ", "), spec.duration?.value.text].compactMap { $0 }
            out += "  \(status.request.id): \(spec.requester.value) asks for \(spec.resources.map(\.value.description).joined(separator: ", ")) (\(asked.joined(separator: ", "))), requested \(spec.requestedAt.value)\n"
            out += "    reason: \(spec.reason.value.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            out += "    \(Self.progressText(progress))\n"
            out += "    accessctl approve \(status.request.id) --as \(principal) --key KEY   (or deny ... --reason TEXT)\n"
        }
        if !awaitingOnly {
            out += own.isEmpty ? "\n\(principal) has made no requests.\n" : "\nRequests by \(principal), newest first:\n"
            for status in own {
                var line = "  \(status.request.id): \(status.state.rawValue)"
                if let terms = status.terms, [.approved, .active].contains(status.state) { line += ", until \(terms.validTo?.description ?? "revoked")" }
                if status.state == .pending { line += verifier.progress(status).map { ", " + Self.progressText($0) } ?? ", \(verifier.noPolicyCanApprove(status.request) ?? "no policy can approve it")" }
                out += line + "\n"
            }
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: warning)
    }
}
