import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl status [NAME]`.
struct StatusCommand: Command {
    static let spec = CommandSpec(
        name: "status", summary: "List requests with their state, or show one request's decisions in detail.", arguments: ["[NAME]"],
        options: CommandSpec.list([Options.root, Options.textOrJSON, Options.now, Options.awaiting]),
        example: "accessctl status acme-backup-debug-2026-11-22\n  accessctl status --awaiting alice.nguyen\n  accessctl status --format json | jq '.[] | select(.state == \"pending\") | .waiting'",
        details: "States: pending, approved (not started yet), active, expired, denied, revoked,\nrelinquished, stale (too old to approve), voided (spec changed after signing).\nRequests are sorted by their last update, newest first.")

    var root: String?
    var json: Bool
    var now: Timestamp?
    var name: String?
    var awaiting: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        json = try arguments.get(Options.textOrJSON) == "json"
        now = try arguments.get(Options.now)
        name = arguments.positional.first.map(AccessCLI.requestName)
        awaiting = try arguments.get(Options.awaiting)
        if awaiting != nil, name != nil { throw UsageError(message: "give a request NAME or --awaiting ID, not both", command: arguments.command) }
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        if let awaiting { return try cli.inbox(root: root, principal: awaiting, json: json, now: now, awaitingOnly: true) }
        return try cli.status(self)
    }
}

extension AccessCLI {
    func status(_ command: StatusCommand) throws -> CommandResult {
        let now = now(command.now)
        let (history, raw) = historyAndTree(command.root)
        // The states every other view reads: under the trusted configuration while a change waits.
        let loaded = effective(raw, root: command.root, now: now, history: history)
        guard let settings = loaded.tree.settings else {
            return CommandResult(exitCode: ExitCode.failure, standardError: render(loaded.diagnostics))
        }
        let keygen = signatures
        guard keygen.isAvailable else {
            throw CommandFailure("ssh-keygen (OpenSSH) was not found on PATH: signed decisions cannot be verified")
        }
        var verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: now, keygen: keygen)
        verifier.observed = history.firstSeen
        var requests = loaded.tree.requests
        if let name = command.name {
            requests = requests.filter { $0.id == name }
            if requests.isEmpty {
                throw CommandFailure("no request named '\(name)'" + didYouMean(name, in: loaded.tree.requests.map(\.id)))
            }
        }
        var statuses: [RequestStatus] = []
        do {
            statuses = try requests.map { try verifier.status($0).closed(by: history) }
        } catch {
            throw CommandFailure("cannot run ssh-keygen: \(error)")
        }
        statuses.sort { ($0.updatedAt, $1.request.id) > ($1.updatedAt, $0.request.id) }
        let warning = loaded.diagnostics.isEmpty ? "" : render(loaded.diagnostics)
        if command.json {
            let json = JSONValue.array(statuses.map { statusJSON($0, verifier) })
            return CommandResult(exitCode: ExitCode.success, standardOutput: CanonicalJSON.pretty(json, sortKeys: false), standardError: warning)
                .keeping(loaded, history, statuses, verifier)
        }
        let text = command.name == nil ? statusTable(statuses) : statusDetail(statuses[0], verifier)
        return CommandResult(exitCode: ExitCode.success, standardOutput: text, standardError: warning).keeping(loaded, history, statuses, verifier)
    }

    private func expiry(_ s: RequestStatus) -> String {
        guard let terms = s.terms else { return "-" }
        return terms.validTo?.description ?? "never"
    }

    func statusTable(_ statuses: [RequestStatus]) -> String {
        var rows = [["NAME", "STATE", "REQUESTER", "RESOURCES", "EXPIRES", "APPROVERS", "UPDATED"]]
        for s in statuses {
            rows.append([
                s.request.id, s.state.rawValue, s.request.spec.requester.value,
                s.request.spec.resources.map(\.value.description).joined(separator: ","), expiry(s),
                s.approvers.isEmpty ? "-" : s.approvers.joined(separator: ","), s.updatedAt.description,
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max()! }
        var out = rows.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
        let counts = RequestState.allCases.compactMap { state -> String? in
            let n = statuses.filter { $0.state == state }.count
            return n == 0 ? nil : "\(n) \(state.rawValue)"
        }
        out += "\n\(Self.count(statuses.count, "request"))" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", ")) + ".\n"
        return out
    }

    func statusDetail(_ s: RequestStatus, _ verifier: DecisionVerifier) -> String {
        let spec = s.request.spec
        var out = "\(s.request.id) (\(s.request.header.file))\n"
        var state = s.state.rawValue
        if let missing = s.missingApprovals { state += ": \(missing.count) more approval\(missing.count == 1 ? "" : "s") needed under policy \(missing.policy)" }
        var lines: [(String, String)] = [("state", state), ("requester", spec.requester.value), ("requested at", spec.requestedAt.value.description),
                                         ("resources", spec.resources.map(\.value.description).joined(separator: ", "))]
        if let role = spec.role { lines.append(("role", role.value)) }
        if !spec.actions.isEmpty { lines.append(("actions", spec.actions.map(\.value).joined(separator: ", "))) }
        lines.append(("reason", spec.reason.value.trimmingCharacters(in: .whitespacesAndNewlines)))
        if let duration = spec.duration { lines.append(("duration", duration.value.text)) }
        if let from = spec.validFrom, let to = spec.validTo { lines.append(("window", "\(from.value) to \(to.value)")) }
        if let renews = spec.renews { lines.append(("renews", renews.value)) }
        let policies = verifier.matchingPolicies(s.request)
        lines.append(("policies", policies.isEmpty ? "none matches" : policies.map { "\($0.id) (" + ($0.breakGlass ? "break-glass" : "threshold \($0.threshold.value)") + ")" }.joined(separator: ", ")))
        if s.state == .pending {
            lines.append(("waiting", verifier.progress(s).map(Self.progressText) ?? (verifier.noPolicyCanApprove(s.request) ?? "no policy can approve it")))
        }
        if let terms = s.terms { lines.append(("granted", termsText(terms))) }
        if s.emergency {
            let review = s.review.map { "reviewed by \($0.by) at \($0.at)" + ($0.decision == .revoke ? " (revoked)" : "") }
                ?? (s.reviewOverdue(at: verifier.now) ? "OVERDUE: its review was due at \(s.reviewDue?.description ?? "?") and is missing" : "an approver must sign its review by \(s.reviewDue?.description ?? "?")")
            lines.append(("break-glass", "self-approved; " + review))
        }
        for left in s.leftOut { lines.append(("not reached", left.why)) }
        for (label, value) in lines { out += "  " + (label + ":").padding(toLength: 14, withPad: " ", startingAt: 0) + value + "\n" }
        out += s.checks.isEmpty ? "No decisions yet.\n" : "Decisions:\n"
        for check in s.checks {
            let d = check.decision
            let verdict: String
            switch check.outcome {
            case .valid where !check.signatureChecked:
                verdict = "signature not re-verified: the request closed before now" + (check.policy.map { " (policy \($0))" } ?? "")
            case .valid: verdict = "verified" + (check.policy.map { " (policy \($0))" } ?? "")
            case .voided(let why): verdict = "void: \(why)"
            case .invalid(let why): verdict = "NOT VALID: \(why)"
            }
            out += "  \(check.index + 1). \(d.kind.value.rawValue) by \(d.by.value) at \(d.at.value): \(verdict)\n"
            if let terms = d.terms { out += "     terms: \(termsText(terms))\n" }
            if let reason = d.reason { out += "     reason: \(reason)\n" }
        }
        return out
    }

    func termsText(_ t: Terms) -> String {
        var parts = [t.resources.map(\.description).joined(separator: ", ")]
        if let role = t.role { parts.append(role) }
        if !t.actions.isEmpty { parts.append(t.actions.joined(separator: ", ")) }
        if let duration = t.duration {
            parts.append("\(duration.text) from when the threshold is reached")
        } else {
            parts.append("\(t.validFrom) to \(t.validTo?.description ?? "revoked")")
        }
        return parts.joined(separator: "; ")
    }

    /// One request in the documented `status --format json` schema (see the README):
    /// every key is always present, `null` when it does not apply.
    func statusJSON(_ s: RequestStatus, _ verifier: DecisionVerifier) -> JSONValue {
        let spec = s.request.spec
        let text = JSONValue.text
        var members: [(String, JSONValue)] = [
            ("name", .string(s.request.id)), ("file", .string(s.request.header.file)), ("state", .string(s.state.rawValue)),
            ("requester", .string(spec.requester.value)), ("resources", .array(spec.resources.map { .string($0.value.description) })),
            ("role", text(spec.role?.value)), ("actions", .array(spec.actions.map { .string($0.value) })),
            ("reason", .string(spec.reason.value)), ("requestedAt", .string(spec.requestedAt.value.description)),
            ("duration", text(spec.duration?.value.text)),
            ("updatedAt", .string(s.updatedAt.description)), ("approvers", .array(s.approvers.map { .string($0) })),
        ]
        let granted = s.terms.map { t in JSONValue.object([("validFrom", .string(t.validFrom.description)), ("validTo", text(t.validTo?.description))]) }
        members.append(("window", granted ?? .null))
        let progress = s.state == .pending ? verifier.progress(s) : nil
        members.append(("waiting", progress.map { p in
            .object([
                ("policy", .string(p.policy)), ("approved", .array(p.approvers.map { .string($0) })), ("needed", .number(Double(p.needed))),
                ("missing", .number(Double(p.missing))), ("canApprove", .array(p.remaining.map { .string($0) })),
            ])
        } ?? .null))
        if let terms = s.terms { members.append(("terms", DecisionPayload.termsJSON(terms))) }
        if !s.leftOut.isEmpty { members.append(("leftOut", .array(s.leftOut.map { .object([("resource", .string($0.resource.description)), ("why", .string($0.why))]) }))) }
        members.append(("decisions", .array(s.checks.map { check in
            var d: [(String, JSONValue)] = [("decision", .string(check.decision.kind.value.rawValue)), ("by", .string(check.decision.by.value)), ("at", .string(check.decision.at.value.description))]
            switch check.outcome {
            case .valid where !check.signatureChecked: d += [("verified", .bool(false)), ("note", .string("signature not re-verified: the request closed before now"))]
            case .valid: d.append(("verified", .bool(true)))
            case .voided(let why): d += [("verified", .bool(false)), ("void", .string(why))]
            case .invalid(let why): d += [("verified", .bool(false)), ("problem", .string(why))]
            }
            return .object(d)
        })))
        return .object(members)
    }
}
