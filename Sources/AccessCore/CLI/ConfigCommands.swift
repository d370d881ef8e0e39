import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// Options of the configuration-signing commands.
enum ConfigOptions {
    static let at = Option<Timestamp>.time("--at", "the statement's time (default: now); for tests and replays")
    static let previous = Option<String>("--previous", "DIGEST", "the configuration this one replaces (default: the one reconcile trusts now; 'none' for the first)")
}

/// `accessctl config digest`.
struct ConfigDigestCommand: Command {
    static let spec = CommandSpec(
        name: "config digest", summary: "Print the configuration's digest and what it changes against the trusted one.", arguments: [],
        options: CommandSpec.list([Options.root]),
        example: "accessctl config digest --root access",
        details: "The configuration is every manifest but AccessRequests. Its digest is SHA-256 over the\ncanonical listing of kind, name and spec: formatting, comments, file moves and YAML or\nJSON do not change it.")

    var root: String?

    init(_ arguments: ParsedArguments) throws(UsageError) { root = try arguments.get(Options.root) }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let (tree, store) = try cli.configurationTree(root)
        let digest = tree.configurationDigest
        var out = "\(digest)\n"
        if let trusted = try cli.trustedDigest(store) {
            out += trusted == digest ? "trusted: this is the configuration reconcile trusts\n" : "trusted: \(trusted); this one is not trusted yet\n"
            if trusted != digest, let snapshot = try store.readTrusted() {
                out += ConfigurationTrust.changes(from: snapshot.load(display: store.trustedDisplay).tree.configuration, to: tree.configuration).map { "  \($0)\n" }.joined()
            }
        } else {
            out += "trusted: nothing yet (the first reconcile pins the configuration, or checks it against --trust-root)\n"
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}

/// `accessctl config payload`, `config attach` and `config sign`.
struct ConfigStatementCommand: Command {
    static let spec = CommandSpec(
        name: "config sign", summary: "Sign the tree's configuration as an administrator (ssh-keygen) into trust/.", arguments: [],
        options: CommandSpec.list([Options.root, Options.by, Options.key, ConfigOptions.at, ConfigOptions.previous]),
        example: "accessctl config sign --as maria.lopez --key ~/.ssh/id_ed25519",
        details: "Appends {digest, previous, by, at, signature} to trust/configuration.jsonl. A new\nconfiguration takes effect when trust.threshold administrators of the trusted one signed it.")

    var root: String?
    var by: String
    var key: String
    var at: Timestamp?
    var previous: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        by = try arguments.required(Options.by)
        key = try arguments.required(Options.key)
        at = try arguments.get(ConfigOptions.at)
        previous = try arguments.get(ConfigOptions.previous)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        try cli.configStatement(root: root, by: by, at: at, previous: previous, sign: cli.signing(with: key))
    }
}

/// `accessctl config init`: an administrator signs the first configuration.
struct ConfigInitCommand: Command {
    static let spec = CommandSpec(
        name: "config init", summary: "Sign the tree's first configuration as one of its administrators.", arguments: [],
        options: CommandSpec.list([Options.root, Options.by, Options.key, ConfigOptions.at]),
        example: "accessctl config init --as maria.lopez --key ~/.ssh/id_ed25519",
        details: "Before any reconcile trusts a configuration, each administrator runs this once; the first\nreconcile then records who vouched for it (without signatures it pins the configuration\nas it finds it). Pin it from outside the repository too: set ACCESSCTL_TRUST_ROOT in CI to\nthe digest 'accessctl config digest' prints.")

    var root: String?, by: String, key: String, at: Timestamp?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        by = try arguments.required(Options.by)
        key = try arguments.required(Options.key)
        at = try arguments.get(ConfigOptions.at)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        if let trusted = try cli.trustedDigest(cli.store(root)) {
            throw CommandFailure("a configuration is already trusted (\(trusted)): sign changes with 'accessctl config sign'")
        }
        var result = try cli.configStatement(root: root, by: by, at: at, previous: "none", sign: cli.signing(with: key))
        let (tree, store) = try cli.configurationTree(root)
        let digest = tree.configurationDigest
        let signers = Set(try store.readStatements().filter { $0.digest == digest && $0.previous == nil }.map(\.by))
        let admins = ConfigurationTrust.administrators(tree)
        let needed = ConfigurationTrust.threshold(tree)
        let signed = admins.filter(signers.contains)
        result.standardOutput += "\(signed.count) of \(needed) administrator signatures needed for the first configuration"
            + (signed.count >= needed ? ": the next reconcile trusts it.\n" : "; waiting for " + admins.filter { !signers.contains($0) }.joined(separator: ", ") + ".\n")
        return result
    }
}

/// `accessctl config payload`: the bytes to sign with plain ssh-keygen.
struct ConfigPayloadCommand: Command {
    static let spec = CommandSpec(
        name: "config payload", summary: "Print the exact bytes an administrator signs for this configuration.", arguments: [],
        options: CommandSpec.list([Options.root, Options.by, ConfigOptions.at, ConfigOptions.previous]),
        example: "accessctl config payload --as maria.lopez --at 2026-12-02T09:00:00Z > config.json",
        details: "Sign them with: ssh-keygen -Y sign -f KEY -n NAMESPACE config.json, then run\n'accessctl config attach' with the same --as and --at.")

    var root: String?, by: String, at: Timestamp?, previous: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        by = try arguments.required(Options.by)
        at = try arguments.get(ConfigOptions.at)
        previous = try arguments.get(ConfigOptions.previous)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let (tree, store) = try cli.configurationTree(root)
        guard let settings = tree.settings else { throw CommandFailure("the tree has no settings") }
        let previous = try previous.map { $0 == "none" ? nil : $0 } ?? cli.trustedDigest(store)
        let payload = ConfigurationStatement.payload(
            organization: settings.organization.value, digest: tree.configurationDigest, previous: previous, by: by, at: at ?? cli.now(nil))
        return CommandResult(exitCode: ExitCode.success, standardOutput: String(decoding: payload, as: UTF8.self))
    }
}

/// `accessctl config attach`: adds a signature made with plain ssh-keygen.
struct ConfigAttachCommand: Command {
    static let spec = CommandSpec(
        name: "config attach", summary: "Add a configuration signature made with plain ssh-keygen to trust/.", arguments: [],
        options: CommandSpec.list([Options.root, Options.by, ConfigOptions.at, ConfigOptions.previous, Options.signature]),
        example: "accessctl config attach --as maria.lopez --at 2026-12-02T09:00:00Z --signature config.json.sig")

    var root: String?, by: String, at: Timestamp?, previous: String?, signature: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        by = try arguments.required(Options.by)
        at = try arguments.required(ConfigOptions.at)
        previous = try arguments.get(ConfigOptions.previous)
        signature = try arguments.required(Options.signature)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let path = cli.absolutePath(signature)
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read the signature file \(signature)") }
        return try cli.configStatement(root: root, by: by, at: at, previous: previous) { _, _ in String(decoding: data, as: UTF8.self) }
    }
}

extension AccessCLI {
    /// The tree's configuration as read (errors refuse: nobody should sign a broken configuration).
    func configurationTree(_ given: String?) throws -> (AccessTree, LedgerStore) {
        let root = root(given)
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        if loaded.diagnostics.contains(where: { $0.severity == .error }) { throw DiagnosticList(loaded.diagnostics.filter { $0.severity == .error }) }
        return (loaded.tree, store(given))
    }

    /// The digest reconcile trusts now, from the audit log.
    func trustedDigest(_ store: LedgerStore) throws -> String? {
        let log: AuditLog
        do { log = try store.readLogFromCheckpoint() } catch { throw Reconciler.Refusal(Reconciler.chainProblem(error, file: store.logDisplay)) }
        return log.history.trustedConfigurations.last
    }

    /// Signs a payload in a namespace with the key at `key`, through ssh-keygen.
    func signing(with key: String) -> ([UInt8], String) throws -> String {
        { payload, namespace in try self.signatures.sign(payload, keyPath: self.absolutePath(key), namespace: namespace, environment: self.environment) }
    }

    /// Makes a statement for the tree's configuration, checks its signature against the
    /// signer's keys, and appends it to the trust file.
    func configStatement(root given: String?, by: String, at: Timestamp?, previous: String?, sign: ([UInt8], String) throws -> String) throws -> CommandResult {
        let (tree, store) = try configurationTree(given)
        guard let settings = tree.settings else { throw CommandFailure("the tree has no settings") }
        let digest = tree.configurationDigest
        let previous = try previous.map { $0 == "none" ? nil : $0 } ?? trustedDigest(store)
        if previous == digest { throw CommandFailure("the configuration \(digest) is already the trusted one: there is nothing to sign") }
        // The signer's keys as the trusted configuration has them, else as the tree has them.
        let trustedTree = try store.readTrusted().map { $0.load(display: store.trustedDisplay).tree }
        let keys = (trustedTree.flatMap { Directory($0).principal(by) } ?? Directory(tree).principal(by))?.sshKeys.map(\.value) ?? []
        guard !keys.isEmpty else { throw unknown("principal", by, tree.principals.map(\.id)) }
        let time = at ?? now(nil)
        let payload = ConfigurationStatement.payload(organization: settings.organization.value, digest: digest, previous: previous, by: by, at: time)
        let armor = try sign(payload, settings.signatureNamespace)
        let verdict = try signatures.verify(payload, armor: armor, signer: by, publicKeys: keys, namespace: settings.signatureNamespace, time: now(nil))
        if let problem = verdict.problem(signer: by) { throw CommandFailure("the signature does not verify: \(problem)") }
        let statement = ConfigurationStatement(digest: digest, previous: previous, by: by, at: time, signature: armor)
        try FileManager.default.createDirectory(atPath: (store.statementsPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let existing = FileManager.default.contents(atPath: store.statementsPath).map { [UInt8]($0) } ?? []
        try AtomicFile.write(existing + Array(statement.jsonLine.utf8), to: store.statementsPath)
        var out = "signed configuration \(digest) as \(by) into \(store.statementsDisplay)\n"
        if let trustedTree {
            let admins = ConfigurationTrust.administrators(trustedTree)
            if !admins.contains(by) { out += "note: \(by) is not an administrator of the trusted configuration (\(admins.joined(separator: ", "))): this signature does not count\n" }
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}

extension AccessCLI {
    /// The tree every view computes access with: the loaded one when its configuration is
    /// trusted, else the part it shares with the trusted configuration (as reconcile would).
    /// When the ledger cannot be read the loaded tree is used; reconcile refuses such a tree.
    func effective(_ loaded: TreeLoader.Result, root given: String?, now: Timestamp, history: AuditHistory) -> TreeLoader.Result {
        let root = root(given)
        var reconciler = Reconciler(root: root.path, displayRoot: root.display, now: now, keygen: signatures)
        reconciler.trustRoot = environment["ACCESSCTL_TRUST_ROOT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let view = try? reconciler.configurationView(loaded.tree, history: history) else { return loaded }
        return TreeLoader.Result(tree: view.tree, diagnostics: loaded.diagnostics + view.diagnostics)
    }
}
