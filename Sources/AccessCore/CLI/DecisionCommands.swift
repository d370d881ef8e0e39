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
    var duration: AccessDuration?
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
        if ["approve", "deny", "revoke", "relinquish"].contains(command), key == nil {
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
        duration = try arguments.get(Options.approveDuration)
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
        example: "accessctl approve access/requests/support-eu/acme-backup-debug-2026-11-22.yaml --as bob.owens --key ~/.ssh/id_ed25519 --duration 2h",
        details: "Checks that --as may approve under a matching policy, signs the payload with\nssh-keygen -Y sign, and appends the decision to the file's status. A request given only\na duration starts its clock at approval.")
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
    /// A decision command: build, check, sign (or take a signature), verify, append.
    func decide(_ command: String, _ o: DecisionOptions) throws -> CommandResult {
        let (kind, by, file) = (o.kind, o.by, o.file)
        let clock = now(nil)
        let at = o.at ?? clock
        let path = absolutePath(file)
        let root = root(o.root)
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        let realPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let request = loaded.tree.requests.first(where: { URL(fileURLWithPath: absolutePath($0.header.file)).resolvingSymlinksInPath().path == realPath }),
            let settings = loaded.tree.settings
        else {
            let own = loaded.diagnostics.filter { URL(fileURLWithPath: absolutePath($0.file)).resolvingSymlinksInPath().path == realPath || $0.file.hasSuffix(ManifestDecoder.settingsFileName) }
            if own.isEmpty { throw CommandFailure("\(file) is not an AccessRequest in the tree \(root.display)") }
            throw DiagnosticList(own)
        }
        var decision = Decision(
            kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(at, at: .start), terms: nil,
            reason: o.reason, specDigest: Located(request.spec.digest, at: .start), signature: Located("", at: .start), location: .start)
        if kind == .approve {
            decision.terms = terms(for: request, at: at, o)
        }
        let keygen = signatures
        let verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: clock, keygen: keygen)
        if let problem = verifier.authorityProblem(request, decision) {
            throw CommandFailure("\(by) cannot \(kind.rawValue) \(request.id): \(problem)")
        }
        // As of the decision's own time: a deny signed while the request is approved changes nothing.
        if kind == .deny, let status = try? DecisionVerifier(tree: loaded.tree, settings: settings, now: at, keygen: keygen).status(request),
            [.approved, .active].contains(status.state)
        {
            throw CommandFailure(
                "\(request.id) is already \(status.state.rawValue); a deny no longer applies. To take the access away, revoke it: "
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
        if let terms = decision.terms {
            summary += ": \(terms.resources.map(\.description).joined(separator: ", ")) from \(terms.validFrom) until \(terms.validTo.map(\.description) ?? "revoked")"
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: summary + "\n")
    }

    /// Approval terms: the request's, narrowed by the options.
    func terms(for request: AccessRequest, at: Timestamp, _ o: DecisionOptions) -> Terms {
        let spec = request.spec
        var from = o.from ?? spec.validFrom?.value ?? at
        var to = o.to ?? spec.validTo?.value
        if let duration = o.duration {
            from = o.from ?? at
            to = duration.seconds.map { from.adding($0) }
        } else if to == nil, let duration = spec.duration?.value {
            to = duration.seconds.map { from.adding($0) }
        }
        let resources = o.resources.isEmpty ? spec.resources.map(\.value) : o.resources
        let actions = o.actions.isEmpty ? spec.actions.map(\.value) : o.actions
        return Terms(validFrom: from, validTo: to, resources: resources, role: o.role ?? spec.role?.value, actions: actions, location: .start)
    }
}
