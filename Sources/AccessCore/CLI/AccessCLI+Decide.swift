import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    /// Options shared by approve, deny, revoke, relinquish, payload and attach.
    static let decisionOptions: [CommandSpec.Option] = [
        rootOption,
        CommandSpec.Option(name: "--as", value: "ID", help: "the principal who decides (required)"),
        CommandSpec.Option(name: "--at", value: "TIME", help: "the decision's time (default: now); for tests and replays"),
        CommandSpec.Option(name: "--duration", value: "D", help: "approve: grant this long from approval, e.g. 2h"),
        CommandSpec.Option(name: "--from", value: "TIME", help: "approve: start of the grant"),
        CommandSpec.Option(name: "--to", value: "TIME", help: "approve: end of the grant"),
        CommandSpec.Option(name: "--resource", value: "TYPE:NAME", help: "approve: grant only these of the requested resources", repeatable: true),
        CommandSpec.Option(name: "--role", value: "ID", help: "approve: the role granted (default: the requested one)"),
        CommandSpec.Option(name: "--action", value: "A", help: "approve: grant only these of the requested actions", repeatable: true),
        CommandSpec.Option(name: "--reason", value: "TEXT", help: "deny, revoke: why (required for revoke)"),
    ]

    static let keyOption = CommandSpec.Option(name: "--key", value: "PATH", help: "the SSH key to sign with (a public key works if ssh-agent holds its private half)")
    static let decisionChoice = CommandSpec.Option(name: "--decision", value: "D", help: "approve, deny, revoke or relinquish (required)", choices: Decision.Kind.allCases.map(\.rawValue))

    static var decisionCommands: [CommandSpec] {
        let signing = decisionOptions + [keyOption]
        return [
            CommandSpec(
                name: "approve", summary: "Sign an approval into a request; terms default to what was requested.", arguments: ["FILE"], options: signing,
                example: "accessctl approve access/requests/support-eu/acme-backup-debug-2026-11-22.yaml --as bob.owens --key ~/.ssh/id_ed25519 --duration 2h",
                details: "Checks that --as may approve under a matching policy, signs the payload with\nssh-keygen -Y sign, and appends the decision to the file's status. A request given only\na duration starts its clock at approval."),
            CommandSpec(
                name: "deny", summary: "Sign a denial into a request.", arguments: ["FILE"], options: signing,
                example: "accessctl deny access/requests/support/globex-login-2026-11-23.yaml --as gina.ross --key ~/.ssh/id_ed25519 --reason \"No ticket\""),
            CommandSpec(
                name: "revoke", summary: "Sign a revocation: the grant ends on the next reconcile.", arguments: ["FILE"], options: signing,
                example: "accessctl revoke access/requests/consultants/initech-migration-2026-11.yaml --as ian.wright --key ~/.ssh/id_ed25519 --reason \"Project ended\""),
            CommandSpec(
                name: "relinquish", summary: "Give back access you requested, signed with your key.", arguments: ["FILE"], options: signing,
                example: "accessctl relinquish access/requests/support-eu/acme-backup-debug-2026-11-22.yaml --as jane.doe --key ~/.ssh/id_ed25519"),
            CommandSpec(
                name: "payload", summary: "Print the exact bytes to sign for a decision, to sign with plain ssh-keygen.", arguments: ["FILE"],
                options: [decisionChoice] + decisionOptions,
                example: "accessctl payload FILE --decision approve --as bob.owens --at 2026-11-22T09:30:00Z > payload",
                details: "Sign with: ssh-keygen -Y sign -f KEY -n NAMESPACE payload (writes payload.sig),\nthen add it with 'accessctl attach' and the same options, including --at."),
            CommandSpec(
                name: "attach", summary: "Add a decision signed elsewhere with plain ssh-keygen.", arguments: ["FILE"],
                options: [decisionChoice, CommandSpec.Option(name: "--signature", value: "SIGFILE", help: "the ssh-keygen signature file (required)")] + decisionOptions,
                example: "accessctl attach FILE --signature payload.sig --decision approve --as bob.owens --at 2026-11-22T09:30:00Z",
                details: "The signature is verified before anything is written."),
        ]
    }

    /// A decision command: build, check, sign (or take a signature), verify, append.
    func decide(_ command: String, _ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let kindName = ["payload", "attach"].contains(command) ? arguments.value("--decision") : command
        guard let kindName, let kind = Decision.Kind(rawValue: kindName) else {
            throw UsageError(message: "missing option --decision", command: arguments.command)
        }
        guard let by = arguments.value("--as") else { throw UsageError(message: "missing option --as", command: arguments.command) }
        if ["approve", "deny", "revoke", "relinquish"].contains(command), arguments.value("--key") == nil {
            throw UsageError(message: "missing option --key", command: arguments.command)
        }
        if command == "attach", arguments.value("--signature") == nil {
            throw UsageError(message: "missing option --signature", command: arguments.command)
        }
        if kind == .revoke, arguments.value("--reason") == nil {
            throw UsageError(message: "a revoke needs --reason", command: arguments.command)
        }
        let clock = try now(arguments)
        let at = try time("--at", arguments) ?? clock
        let file = arguments.positional[0]
        let path = absolutePath(file)
        let root = root(arguments)
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        let realPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let request = loaded.tree.requests.first(where: { URL(fileURLWithPath: absolutePath($0.header.file)).resolvingSymlinksInPath().path == realPath }),
            let settings = loaded.tree.settings
        else {
            let own = loaded.diagnostics.filter { URL(fileURLWithPath: absolutePath($0.file)).resolvingSymlinksInPath().path == realPath || $0.file.hasSuffix(ManifestDecoder.settingsFileName) }
            let why = own.isEmpty ? "error: \(file) is not an AccessRequest in the tree \(root.display)\n" : render(own)
            return CommandResult(exitCode: ExitCode.failure, standardError: why)
        }
        var decision = Decision(
            kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(at, at: .start), terms: nil,
            reason: arguments.value("--reason"), specDigest: Located(request.spec.digest, at: .start), signature: Located("", at: .start), location: .start)
        if kind == .approve {
            decision.terms = try terms(for: request, at: at, arguments)
        }
        let keygen = SSHKeygen(environment: environment)
        let verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: try now(arguments), keygen: keygen)
        if let problem = verifier.authorityProblem(request, decision) {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \(by) cannot \(kind.rawValue) \(request.id): \(problem)\n")
        }
        let payload = DecisionPayload.bytes(organization: settings.organization.value, request: request, decision: decision)
        if command == "payload" {
            return CommandResult(exitCode: ExitCode.success, standardOutput: String(decoding: payload, as: UTF8.self))
        }
        do {
            if command == "attach" {
                let signaturePath = absolutePath(arguments.value("--signature")!)
                guard let data = FileManager.default.contents(atPath: signaturePath) else {
                    return CommandResult(exitCode: ExitCode.failure, standardError: "error: cannot read the signature file \(arguments.value("--signature")!)\n")
                }
                decision.signature.value = String(decoding: data, as: UTF8.self)
            } else {
                decision.signature.value = try keygen.sign(payload, keyPath: absolutePath(arguments.value("--key")!), namespace: settings.signatureNamespace, environment: environment)
            }
            let keys = loaded.tree.principals.first { $0.id == by }?.sshKeys.map(\.value) ?? []
            let verdict = try keygen.verify(payload, armor: decision.signature.value, signer: by, publicKeys: keys, namespace: settings.signatureNamespace, time: try now(arguments))
            if let problem = verdict.problem(signer: by) {
                return CommandResult(exitCode: ExitCode.failure, standardError: "error: the signature is not \(by)'s: \(problem); nothing was written\n")
            }
            let text = try DecisionFile.appending(decision, toFileAt: path, display: file)
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch let error as Diagnostic {
            return CommandResult(exitCode: ExitCode.failure, standardError: render([error]))
        } catch let error as SigningError {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \(error.message)\n")
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \(error.localizedDescription)\n")
        }
        var summary = "\(kind.rawValue) by \(by) added to \(file)"
        if let terms = decision.terms {
            summary += ": \(terms.resources.map(\.description).joined(separator: ", ")) from \(terms.validFrom) until \(terms.validTo.map(\.description) ?? "revoked")"
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: summary + "\n")
    }

    /// Approval terms: the request's, narrowed by the options.
    func terms(for request: AccessRequest, at: Timestamp, _ arguments: ParsedArguments) throws(UsageError) -> Terms {
        let spec = request.spec
        var from = try time("--from", arguments) ?? spec.validFrom?.value ?? at
        var to = try time("--to", arguments) ?? spec.validTo?.value
        if let text = arguments.value("--duration") {
            guard let duration = AccessDuration(text) else { throw UsageError(message: "invalid --duration '\(text)'", command: arguments.command) }
            from = try time("--from", arguments) ?? at
            to = duration.seconds.map { from.adding($0) }
        } else if to == nil, let duration = spec.duration?.value {
            to = duration.seconds.map { from.adding($0) }
        }
        var resources = spec.resources.map(\.value)
        if !arguments.all("--resource").isEmpty {
            resources = []
            for text in arguments.all("--resource") {
                guard let ref = ResourceRef(text) else { throw UsageError(message: "invalid --resource '\(text)': write TYPE:NAME", command: arguments.command) }
                resources.append(ref)
            }
        }
        let actions = arguments.all("--action").isEmpty ? spec.actions.map(\.value) : arguments.all("--action")
        return Terms(validFrom: from, validTo: to, resources: resources, role: arguments.value("--role") ?? spec.role?.value, actions: actions, location: .start)
    }
}
