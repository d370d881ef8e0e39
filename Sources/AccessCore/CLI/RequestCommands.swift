import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl request new`: write a new request and print its path.
struct RequestNewCommand: Command {
    static let spec = CommandSpec(
        name: "request new", summary: "Write a new access request and print its path.", arguments: [],
        options: CommandSpec.list([
            Options.root, Options.requester, Options.requestResource, Options.requestRole, Options.requestAction, Options.requestReason,
            Options.requestDuration, Options.requestFrom, Options.requestTo, Options.requestName, Options.requestedAt,
        ]),
        example: "accessctl request new --requester jane.doe --resource site:acme-prod --role support-readonly --reason \"Backups fail, ticket 4521\" --duration 4h\n  accessctl request new --requester jane.doe --resource site:acme-prod --role support-readonly --reason \"On call\" --duration shift",
        details: "Writes requests/TEAM/NAME.yaml (TEAM is the requester's first team, else the\nrequester's id) and prints its path and the policy that will judge it. The file is\nchecked with the whole tree; if it has a problem, or no policy can approve it, it is\nremoved again and the problems (or the nearest policy and what stands in the way) are\nprinted.")

    var root: String?
    var requester: String
    var resources: [String]
    var role: String?
    var actions: [String]
    var reason: String
    var duration: String?, from: String?, to: String?
    var name: String?
    var at: Timestamp?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        requester = try arguments.required(Options.requester)
        resources = try arguments.every(Options.requestResource)
        guard !resources.isEmpty else { throw UsageError(message: "missing option --resource", command: arguments.command) }
        reason = try arguments.required(Options.requestReason)
        role = try arguments.get(Options.requestRole)
        actions = try arguments.every(Options.requestAction)
        if role == nil, actions.isEmpty {
            throw UsageError(message: "ask for a role (--role) or actions (--action)", command: arguments.command)
        }
        duration = try arguments.get(Options.requestDuration)
        from = try arguments.get(Options.requestFrom)
        to = try arguments.get(Options.requestTo)
        if (from != nil || to != nil) == (duration != nil) {
            throw UsageError(message: "give either --duration, or --from and --to", command: arguments.command)
        }
        name = try arguments.get(Options.requestName)
        at = try arguments.get(Options.requestedAt)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        try cli.writeRequest(root: root, name: name, at: at, command: Self.spec) { tree, requestedAt, _ in
            var fields = [("requester", requester), ("requestedAt", requestedAt.description), ("resources", "[" + resources.joined(separator: ", ") + "]")]
            if let role { fields.append(("role", role)) }
            if !actions.isEmpty { fields.append(("actions", "[" + actions.joined(separator: ", ") + "]")) }
            fields.append(("reason", CanonicalJSON.quoted(reason)))
            if let duration { fields.append(("duration", try cli.duration(duration, settings: tree.settings).text)) }
            if let from { fields.append(("validFrom", from)) }
            if let to { fields.append(("validTo", to)) }
            let team = tree.principals.first { $0.id == requester }?.teams.first?.value
            let first = ResourceRef(resources[0])?.name ?? "request"
            return (fields, "requests/" + (team ?? requester), "\(first)-\(requester)-\(requestedAt.description.prefix(10))")
        }
    }
}

/// `accessctl request extend NAME`: write a request that renews NAME.
struct RequestExtendCommand: Command {
    static let spec = CommandSpec(
        name: "request extend", summary: "Write a request that renews an earlier one.", arguments: ["NAME"],
        options: CommandSpec.list([Options.root, Options.extendDuration, Options.extendName, Options.extendAt]),
        example: "accessctl request extend acme-backup-debug-2026-11-22 --duration 2h",
        details: "The new request asks for the same resources, role and actions with 'renews: NAME'.\nA fixed window continues where the old one ends, for the same length.")

    var root: String?
    var old: String
    var duration: String?
    var name: String?
    var at: Timestamp?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        old = AccessCLI.requestName(arguments.positional[0])
        duration = try arguments.get(Options.extendDuration)
        name = try arguments.get(Options.extendName)
        at = try arguments.get(Options.extendAt)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        try cli.writeRequest(root: root, name: name, at: at, command: Self.spec) { tree, requestedAt, rootDisplay in
            guard let previous = tree.requests.first(where: { $0.id == old }) else {
                throw CommandFailure("no request named '\(old)'" + didYouMean(old, in: tree.requests.map(\.id)))
            }
            let spec = previous.spec
            var fields = [("requester", spec.requester.value), ("requestedAt", requestedAt.description), ("resources", "[" + spec.resources.map(\.value.description).joined(separator: ", ") + "]")]
            if let role = spec.role { fields.append(("role", role.value)) }
            if !spec.actions.isEmpty { fields.append(("actions", "[" + spec.actions.map(\.value).joined(separator: ", ") + "]")) }
            fields.append(("reason", CanonicalJSON.quoted(spec.reason.value.trimmingCharacters(in: .whitespacesAndNewlines))))
            if let duration = try duration.map({ try cli.duration($0, settings: tree.settings).text }) ?? spec.duration?.value.text {
                fields.append(("duration", duration))
            } else if let from = spec.validFrom?.value, let to = spec.validTo?.value {
                fields.append(("validFrom", to.description))
                fields.append(("validTo", to.adding(to.seconds - from.seconds).description))
            }
            fields.append(("renews", old))
            var folder = (previous.header.file as NSString).deletingLastPathComponent
            if folder.hasPrefix(rootDisplay + "/") { folder = String(folder.dropFirst(rootDisplay.count + 1)) }
            return (fields, folder, "\(old)-renewal")
        }
    }
}

extension AccessCLI {
    /// A duration as written (`4h`), or the duration a preset of the settings names (`shift`).
    func duration(_ text: String, settings: Settings?) throws -> AccessDuration {
        let presets = settings?.durationPresets ?? []
        if let preset = presets.first(where: { $0.name == text }) { return preset.duration }
        if let duration = AccessDuration(text) { return duration }
        let listed = presets.isEmpty ? "" : "; presets: " + presets.map { "\($0.name) (\($0.duration.text))" }.joined(separator: ", ")
        throw CommandFailure("invalid duration '\(text)': write 30m, 4h, 1d, 1w, 2d12h or permanent\(listed)" + didYouMean(text, in: presets.map(\.name)))
    }

    /// Writes a new request from the fields `make` gives (spec fields, folder, default name),
    /// checks it with the whole tree and removes it again if it has a problem.
    func writeRequest(
        root given: String?, name givenName: String?, at: Timestamp?, command: CommandSpec,
        _ make: (AccessTree, Timestamp, String) throws -> (fields: [(String, String)], folder: String, name: String)
    ) throws -> CommandResult {
        let root = root(given)
        let requestedAt = at ?? now(nil)
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        let (fields, folder, defaultName) = try make(loaded.tree, requestedAt, root.display)
        var name = givenName ?? defaultName
        if givenName == nil {
            let taken = Set(loaded.tree.requests.map(\.id))
            let base = name
            var n = 2
            while taken.contains(name) || FileManager.default.fileExists(atPath: TreeLoader.join(root.path, "\(folder)/\(name).yaml")) {
                name = "\(base)-\(n)"
                n += 1
            }
        }
        if let problem = Identifier.problem(name) { throw UsageError(message: "invalid --name '\(name)': \(problem)", command: command) }
        let relative = "\(folder)/\(name).yaml"
        let path = TreeLoader.join(root.path, relative)
        if FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(TreeLoader.join(root.display, relative)) already exists; nothing was written")
        }
        var text = "apiVersion: accessctl/v1\nkind: AccessRequest\nmetadata:\n  name: \(name)\nspec:\n"
        for (key, value) in fields { text += "  \(key): \(value)\n" }
        let folderPath = (path as NSString).deletingLastPathComponent
        let newFolder = !FileManager.default.fileExists(atPath: folderPath)
        // A refused request leaves nothing behind, not even the folder made for it.
        func remove() {
            try? FileManager.default.removeItem(atPath: path)
            if newFolder, (try? FileManager.default.contentsOfDirectory(atPath: folderPath))?.isEmpty == true { try? FileManager.default.removeItem(atPath: folderPath) }
        }
        do {
            try FileManager.default.createDirectory(atPath: folderPath, withIntermediateDirectories: true)
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            throw CommandFailure("cannot write \(relative): \(error.localizedDescription)")
        }
        let display = TreeLoader.join(root.display, relative)
        let reloaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        let problems = reloaded.diagnostics.filter { $0.file == display }
        if !problems.isEmpty {
            let rendered = render(problems)
            remove()
            return CommandResult(exitCode: ExitCode.failure, standardError: rendered + "The request was not written.\n")
        }
        // Which policy will judge it, or why none can: said now, not after a wait.
        guard let settings = reloaded.tree.settings, let request = reloaded.tree.requests.first(where: { $0.header.file == display }) else {
            return CommandResult(exitCode: ExitCode.success, standardOutput: display + "\n")
        }
        let verifier = DecisionVerifier(tree: reloaded.tree, settings: settings, now: requestedAt, keygen: signatures)
        guard let judge = verifier.judge(request) else {
            remove()
            let why = verifier.noPolicyCanApprove(request) ?? "no policy can approve this request"
            return CommandResult(exitCode: ExitCode.failure, standardError: ErrorPresenter.line(why) + "The request was not written.\n")
        }
        let policy = judge.policy
        let count = policy.threshold.value
        var out = display + "\n"
        out += "policy \(policy.id) judges it: \(count == 1 ? "one approval" : "\(count) approvals") from \(judge.approvers.joined(separator: ", ")); maxDuration \(policy.maxDuration.value)\n"
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }
}
