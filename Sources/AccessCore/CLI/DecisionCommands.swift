import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// The options every decision command shares, typed; each command checks the ones it needs.
struct DecisionOptions: Sendable {
    static let shared: [any OptionDeclaring] = [
        Options.root, Options.by, Options.decisionAt, Options.approveDuration, Options.approveFrom, Options.approveTo,
        Options.approveResource, Options.approveRole, Options.approveAction, Options.decisionReason,
    ]

    var kind: Decision.Kind
    var file: String
    var root: String?
    var by: String
    var at: Timestamp?
    var key: String?
    var signature: String?
    var reason: String?
    /// As given: a duration or a preset name, resolved against the tree's settings.
    var durationText: String?
    var from: Timestamp?, to: Timestamp?
    var resources: [ResourceRef]
    var role: String?
    var actions: [String]

    init(_ command: String, _ arguments: ParsedArguments) throws(UsageError) {
        let named = ["payload", "attach"].contains(command) ? try arguments.get(Options.decision) : Decision.Kind(rawValue: command)
        guard let named else { throw UsageError(message: "missing option --decision", command: arguments.command) }
        kind = named
        file = arguments.positional[0]
        by = try arguments.required(Options.by)
        key = try arguments.get(Options.key)
        if ["approve", "deny", "revoke", "relinquish", "review"].contains(command), key == nil {
            throw UsageError(message: "missing option --key", command: arguments.command)
        }
        signature = try arguments.get(Options.signature)
        if command == "attach", signature == nil {
            throw UsageError(message: "missing option --signature", command: arguments.command)
        }
        reason = try arguments.get(Options.decisionReason)
        if kind == .revoke, reason == nil {
            throw UsageError(message: "a revoke needs --reason", command: arguments.command)
        }
        root = try arguments.get(Options.root)
        at = try arguments.get(Options.decisionAt)
        durationText = try arguments.get(Options.approveDuration)
        from = try arguments.get(Options.approveFrom)
        to = try arguments.get(Options.approveTo)
        resources = try arguments.every(Options.approveResource)
        role = try arguments.get(Options.approveRole)
        actions = try arguments.every(Options.approveAction)
    }
}

/// approve, deny, revoke, relinquish, payload and attach: one shape, six declarations.
protocol DecisionCommand: Command {
    var options: DecisionOptions { get }
    init(options: DecisionOptions)
}

extension DecisionCommand {
    init(_ arguments: ParsedArguments) throws(UsageError) {
        self.init(options: try DecisionOptions(Self.spec.name, arguments))
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        try cli.decide(Self.spec.name, options)
    }
}

/// `accessctl approve FILE`.
struct ApproveCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "approve", summary: "Sign an approval into a request; terms default to what was requested.", arguments: ["FILE"],
        options: CommandSpec.list(DecisionOptions.shared + [Options.key]),
        example: "accessctl approve acme-backup-debug-2026-11-22 --as bob.owens --key ~/.ssh/id_ed25519\n  accessctl approve access/requests/support-eu/acme-backup-debug-2026-11-22.yaml --as bob.owens --key ~/.ssh/id_ed25519 --duration quick",
        details: "Checks that --as may approve under a matching policy, signs the payload with\nssh-keygen -Y sign, appends the decision to the file's status, and prints where the\nrequest stands and who can still approve. A duration request is approved by duration:\nits window starts when the threshold is reached, so every approver signs the same terms.\nWithout term options a second approver signs the terms already signed. Refused: a\ndecision on an ended request, and a second approval of the same terms by one person.")
    var options: DecisionOptions
}

/// `accessctl deny FILE`.
struct DenyCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "deny", summary: "Sign a denial into a request.", arguments: ["FILE"], options: CommandSpec.list(DecisionOptions.shared + [Options.key]),
        example: "accessctl deny access/requests/support/globex-login-2026-11-23.yaml --as gina.ross --key ~/.ssh/id_ed25519 --reason \"No ticket\"")
    var options: DecisionOptions
}

/// `accessctl revoke FILE`.
struct RevokeCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "revoke", summary: "Sign a revocation: the grant ends on the next reconcile.", arguments: ["FILE"], options: CommandSpec.list(DecisionOptions.shared + [Options.key]),
        example: "accessctl revoke access/requests/consultants/initech-migration-2026-11.yaml --as ian.wright --key ~/.ssh/id_ed25519 --reason \"Project ended\"")
    var options: DecisionOptions
}

/// `accessctl relinquish FILE`.
struct RelinquishCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "relinquish", summary: "Give back access you requested, signed with your key.", arguments: ["FILE"], options: CommandSpec.list(DecisionOptions.shared + [Options.key]),
        example: "accessctl relinquish access/requests/support-eu/acme-backup-debug-2026-11-22.yaml --as jane.doe --key ~/.ssh/id_ed25519")
    var options: DecisionOptions
}

/// `accessctl review FILE`: an approver's signed look at a break-glass grant.
struct ReviewCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "review", summary: "Sign the review a break-glass grant needs from an approver.", arguments: ["FILE"],
        options: CommandSpec.list(DecisionOptions.shared + [Options.key]),
        example: "accessctl review globex-prod-outage-2026-11-30 --as gina.ross --key ~/.ssh/id_ed25519 --reason \"Outage confirmed, access was needed\"",
        details: "A break-glass policy lets its requester approve their own request at once; an approver\nof that policy must then sign a review within the policy's reviewWithin (default 1d).\nUntil then validate, the plan and the report flag it. To end the access instead, revoke\nit (a revoke by an approver also counts as the review).")
    var options: DecisionOptions
}

/// `accessctl payload FILE`: the exact bytes to sign with plain ssh-keygen.
struct PayloadCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "payload", summary: "Print the exact bytes to sign for a decision, to sign with plain ssh-keygen.", arguments: ["FILE"],
        options: CommandSpec.list([Options.decision] + DecisionOptions.shared),
        example: "accessctl payload FILE --decision approve --as bob.owens --at 2026-11-22T09:30:00Z > payload",
        details: "Sign with: ssh-keygen -Y sign -f KEY -n NAMESPACE payload (writes payload.sig),\nthen add it with 'accessctl attach' and the same options, including --at.")
    var options: DecisionOptions
}

/// `accessctl attach FILE --signature SIG`: add a decision signed elsewhere.
struct AttachCommand: DecisionCommand {
    static let spec = CommandSpec(
        name: "attach", summary: "Add a decision signed elsewhere with plain ssh-keygen.", arguments: ["FILE"],
        options: CommandSpec.list([Options.decision, Options.signature] + DecisionOptions.shared),
        example: "accessctl attach FILE --signature payload.sig --decision approve --as bob.owens --at 2026-11-22T09:30:00Z",
        details: "The signature is verified before anything is written.")
    var options: DecisionOptions
}

extension AccessCLI {
    /// A decision command: build, check, sign (or take a signature), verify, append, and say
    /// where the request stands now.
    func decide(_ command: String, _ o: DecisionOptions) throws -> CommandResult {
        let (kind, by) = (o.kind, o.by)
        let clock = now(nil)
        let at = o.at ?? clock
        let root = root(o.root)
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        let (request, file) = try requestNamed(o.file, in: loaded, root: root)
        guard let settings = loaded.tree.settings else { throw DiagnosticList(loaded.diagnostics.filter { $0.file.hasSuffix(ManifestDecoder.settingsFileName) }) }
        let duration = try o.durationText.map { try self.duration($0, settings: settings) }
        let path = absolutePath(file)
        let keygen = signatures
        // Times as the runs observed them, and requests the audit log shows ended, as
        // reconcile and check see them.
        let history = history(o.root)
        var verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: clock, keygen: keygen)
        verifier.observed = history.firstSeen
        // Where the request stands when the decision is signed (`--at`, else now).
        var asSigned = verifier
        if at != clock {
            asSigned = DecisionVerifier(tree: loaded.tree, settings: settings, now: at, keygen: keygen)
            asSigned.observed = history.firstSeen
        }
        let before = try asSigned.status(request).closed(by: history)
        try refuseClosed(before, kind: kind, by: by, file: file)
        var decision = Decision(
            kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(at, at: .start), terms: nil,
            reason: o.reason, specDigest: Located(request.spec.digest, at: .start), signature: Located("", at: .start), location: .start)
        if kind == .approve {
            decision.terms = terms(for: request, at: at, o, duration: duration, agreed: asSigned.approvalGroups(before.checks))
        }
        try refuseRepeated(before, decision)
        if let problem = verifier.authorityProblem(request, decision) {
            throw CommandFailure("\(by) cannot \(kind.rawValue) \(request.id): \(problem)")
        }
        if kind == .review, !before.emergency {
            throw CommandFailure("\(request.id) was not approved by break-glass: a review is the after-the-fact check of break-glass access; nothing was written")
        }
        // As of the decision's own time: a deny signed while the request is approved changes nothing.
        if kind == .deny, [.approved, .active].contains(before.state) {
            throw CommandFailure(
                "\(request.id) is already \(before.state.rawValue); a deny no longer applies. To take the access away, revoke it: "
                    + "accessctl revoke \(file) --as \(by) --key KEY --reason \"...\"")
        }
        let payload = DecisionPayload.bytes(organization: settings.organization.value, request: request, decision: decision)
        if command == "payload" {
            return CommandResult(exitCode: ExitCode.success, standardOutput: String(decoding: payload, as: UTF8.self))
        }
        if command == "attach", let signature = o.signature {
            guard let data = FileManager.default.contents(atPath: absolutePath(signature)) else {
                throw CommandFailure("cannot read the signature file \(signature)")
            }
            decision.signature.value = String(decoding: data, as: UTF8.self)
        } else if let key = o.key {
            decision.signature.value = try keygen.sign(payload, keyPath: absolutePath(key), namespace: settings.signatureNamespace, environment: environment)
        }
        let keys = loaded.tree.principals.first { $0.id == by }?.sshKeys.map(\.value) ?? []
        let verdict = try keygen.verify(payload, armor: decision.signature.value, signer: by, publicKeys: keys, namespace: settings.signatureNamespace, time: clock)
        if let problem = verdict.problem(signer: by) {
            throw CommandFailure("the signature is not \(by)'s: \(problem); nothing was written")
        }
        let text = try DecisionFile.appending(decision, toFileAt: path, display: file)
        do {
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            throw CommandFailure(error.localizedDescription)
        }
        var summary = "\(kind.rawValue) by \(by) added to \(file)"
        if let terms = decision.terms { summary += ": " + termsText(terms) }
        var after = request
        after.decisions.append(decision)
        let status = try asSigned.status(after).closed(by: history)
        return CommandResult(exitCode: ExitCode.success, standardOutput: summary + "\n" + standing(status, asSigned) + "\n")
    }

    /// The request a decision command names: a file path, or a request's name.
    func requestNamed(_ given: String, in loaded: TreeLoader.Result, root: (display: String, path: String)) throws -> (AccessRequest, String) {
        let realPath = URL(fileURLWithPath: absolutePath(given)).resolvingSymlinksInPath().path
        if let request = loaded.tree.requests.first(where: { URL(fileURLWithPath: absolutePath($0.header.file)).resolvingSymlinksInPath().path == realPath }) {
            return (request, given)
        }
        if !given.contains("/"), let request = loaded.tree.requests.first(where: { $0.id == given }) {
            return (request, request.header.file)
        }
        let own = loaded.diagnostics.filter { URL(fileURLWithPath: absolutePath($0.file)).resolvingSymlinksInPath().path == realPath || $0.file.hasSuffix(ManifestDecoder.settingsFileName) }
        if !own.isEmpty { throw DiagnosticList(own) }
        throw CommandFailure("\(given) is neither a request's file nor a request's name in the tree \(root.display)" + didYouMean(given, in: loaded.tree.requests.map(\.id)))
    }

    /// A decision on a request that has ended changes nothing: refused, with why.
    func refuseClosed(_ status: RequestStatus, kind: Decision.Kind, by: String, file: String) throws {
        let id = status.request.id
        let closed: [RequestState] = [.denied, .expired, .revoked, .relinquished, .stale]
        // A break-glass grant is reviewed after the fact, usually after it ended.
        if closed.contains(status.state), !(kind == .review && status.emergency) {
            let why: String
            switch status.state {
            case .denied:
                let deny = status.checks.last { $0.outcome == .valid && $0.decision.kind.value == .deny }?.decision
                why = "it was denied" + (deny.map { " by \($0.by.value) at \($0.at.value)" + ($0.reason.map { ": \($0)" } ?? "") } ?? "")
            case .expired: why = "its access ended at \(status.terms?.validTo?.description ?? "the end of its window")"
            case .revoked: why = "its access was revoked"
            case .relinquished: why = "its requester gave the access back"
            default: why = "no decision came before its time to live ran out"
            }
            throw CommandFailure("\(id) is \(status.state.rawValue): \(why). A \(kind.rawValue) would change nothing; nothing was written. To ask again: accessctl request extend \(id) (or request new)")
        }
    }

    /// One approver counts once: a second approval of the same terms (or a second deny) by
    /// the same person is refused. Other terms are allowed, to join another approver's.
    func refuseRepeated(_ status: RequestStatus, _ decision: Decision) throws {
        let by = decision.by.value, kind = decision.kind.value
        guard [.approve, .deny].contains(kind), let earlier = status.checks.first(where: {
            $0.outcome == .valid && $0.decision.kind.value == kind && $0.decision.by.value == by && (kind == .deny || $0.decision.terms == decision.terms)
        }) else { return }
        let what = kind == .approve ? "an approval of these terms" : "a deny"
        throw CommandFailure("\(by) already signed \(what) on \(status.request.id) at \(earlier.decision.at.value); one approver counts once, so nothing was written")
    }

    /// Where a request stands, in one or two lines: state, what the threshold still needs and
    /// from whom, and approvals whose terms differ.
    func standing(_ status: RequestStatus, _ verifier: DecisionVerifier) -> String {
        let groups = verifier.approvalGroups(status.checks)
        var lines: [String] = []
        switch status.state {
        case .approved, .active:
            let policy = groups.first { $0.missing == 0 }?.policy ?? ""
            let window = status.terms.map { "from \($0.validFrom) until \($0.validTo?.description ?? "revoked")" } ?? ""
            lines.append("\(status.request.id) is \(status.state.rawValue): \(status.approvers.count) of \(status.approvers.count) under policy \(policy) (\(status.approvers.joined(separator: ", "))), \(window)")
        case .pending:
            if let progress = verifier.progress(status) {
                lines.append("\(status.request.id) is pending: " + Self.progressText(progress))
            } else {
                lines.append("\(status.request.id) is pending: " + (verifier.noPolicyCanApprove(status.request) ?? "no policy can approve it"))
            }
        default:
            lines.append("\(status.request.id) is \(status.state.rawValue)" + (status.state == .revoked || status.state == .relinquished ? ": access ends on the next reconcile" : ""))
        }
        if status.emergency {
            if let review = status.review {
                lines.append("break-glass access, reviewed by \(review.by) at \(review.at)" + (review.decision == .revoke ? " (revoked)" : ""))
            } else if let due = status.reviewDue {
                lines.append("break-glass access: an approver must sign its review by \(due) (accessctl review \(status.request.id))")
            }
        }
        if groups.count > 1 {
            lines.append("approvals with different terms do not count together:")
            for group in groups {
                lines.append("  \(group.approvers.joined(separator: ", ")) (policy \(group.policy)): \(termsText(group.terms))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "approved 1 of 2 under policy P; waiting for one more of: a, b".
    static func progressText(_ p: ApprovalProgress) -> String {
        let more = p.missing == 1 ? (p.approvers.isEmpty ? "one" : "one more") : (p.approvers.isEmpty ? "\(p.missing)" : "\(p.missing) more")
        return "approved \(p.approvers.count) of \(p.needed) under policy \(p.policy); waiting for \(more) of: "
            + (p.remaining.isEmpty ? "nobody (no other approver can sign)" : p.remaining.joined(separator: ", "))
    }

    /// Approval terms: those other approvers already signed when no term option is given,
    /// else the request's, narrowed by the options. A request asked by duration is approved
    /// as a duration, whose window starts when the threshold is reached. `duration` is
    /// `--duration`, resolved.
    func terms(
        for request: AccessRequest, at: Timestamp, _ o: DecisionOptions, duration given: AccessDuration?, agreed: [(terms: Terms, policy: String, approvers: [String], missing: Int)] = []
    ) -> Terms {
        let spec = request.spec
        let ownTerms = given != nil || o.from != nil || o.to != nil || !o.resources.isEmpty || o.role != nil || !o.actions.isEmpty
        if !ownTerms, var existing = agreed.min(by: { $0.missing < $1.missing })?.terms {
            existing.location = .start
            return existing.duration.map { Terms(duration: $0, earliest: at, resources: existing.resources, role: existing.role, actions: existing.actions, location: .start) } ?? existing
        }
        let resources = o.resources.isEmpty ? spec.resources.map(\.value) : o.resources
        let actions = o.actions.isEmpty ? spec.actions.map(\.value) : o.actions
        let role = o.role ?? spec.role?.value
        if o.from == nil, o.to == nil, let duration = given ?? (spec.validFrom == nil && spec.validTo == nil ? spec.duration?.value : nil) {
            return Terms(duration: duration, earliest: at, resources: resources, role: role, actions: actions, location: .start)
        }
        let from = o.from ?? spec.validFrom?.value ?? at
        var to = o.to ?? spec.validTo?.value
        if o.to == nil, let duration = given ?? (spec.validTo == nil ? spec.duration?.value : nil) {
            to = duration.seconds.map { from.adding($0) }
        }
        return Terms(validFrom: from, validTo: to, resources: resources, role: role, actions: actions, location: .start)
    }
}
