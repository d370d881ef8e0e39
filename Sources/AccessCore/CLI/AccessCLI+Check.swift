import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl check PRINCIPAL ACTION RESOURCE`.
struct CheckCommand: Command {
    static let spec = CommandSpec(
        name: "check", summary: "Answer whether a principal may do an action on a resource, and why.", arguments: ["PRINCIPAL", "ACTION", "RESOURCE"],
        options: CommandSpec.list([Options.root, Options.askAt, Options.textOrJSON]),
        example: "accessctl check jane.doe read site:acme-prod --at 2026-11-22T10:00:00Z",
        details: "Exits 0 when allowed, 1 when denied (like 'kubectl auth can-i') and 3 when it cannot\nanswer (an unknown principal or resource, a tree that does not load); 64 for a wrong\ncommand line. An allowed answer lists every path that allows it; a denial names the roles\nthat would allow it and the policies under which the principal may request it.")

    var root: String?
    var at: Timestamp?
    var json: Bool
    var principal: String, action: String, resource: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        at = try arguments.get(Options.askAt)
        json = try arguments.get(Options.textOrJSON) == "json"
        (principal, action, resource) = (arguments.positional[0], arguments.positional[1], arguments.positional[2])
    }

    /// Any error is exit 3, so a script never reads "could not answer" as "denied".
    func run(_ cli: AccessCLI) throws -> CommandResult {
        do {
            return try cli.check(self)
        } catch {
            var result = cli.present(error)
            if result.exitCode == ExitCode.failure { result.exitCode = ExitCode.checkError }
            return result
        }
    }
}

extension AccessCLI {

    /// The engine over the tree's requests (of one principal, or all; about some resources, or
    /// all) with their decisions verified and closed by the audit log's history. Requests
    /// closed before `liveFrom` are not re-verified (see `DecisionVerifier.isClosed`).
    func engine(
        _ directory: Directory, now: Timestamp, liveFrom: Timestamp, history: AuditHistory, of principal: String? = nil, about resources: Set<ResourceRef>? = nil
    ) -> AccessEngine {
        let tree = directory.tree
        guard let settings = tree.settings else { return AccessEngine(directory: directory, statuses: [:]) }
        let keygen = signatures
        var verifier = DecisionVerifier(directory: directory, settings: settings, now: now, keygen: keygen, liveFrom: min(liveFrom, now))
        verifier.observed = history.firstSeen
        let relevant = tree.requests.filter { request in
            guard principal == nil || request.spec.requester.value == principal, request.decisions.contains(where: { $0.kind.value == .approve }) else { return false }
            // Approved terms may name other resources than the spec asked for.
            guard let resources else { return true }
            return request.spec.resources.contains { resources.contains($0.value) } || request.decisions.contains { $0.terms?.resources.contains(where: resources.contains) ?? false }
        }
        if keygen.isAvailable {
            // The same parallel checks as validate and reconcile, not one process at a time.
            verifier.verdicts = keygen.verifyAll(verifier.signatureJobs(relevant, parallel: VerifiedTree.defaultParallelism), namespace: settings.signatureNamespace, time: now, parallel: VerifiedTree.defaultParallelism)
        } else if relevant.contains(where: { !$0.decisions.isEmpty }) {
            // Unverifiable decisions grant nothing, as in reconcile.
            return AccessEngine(directory: directory, statuses: [:])
        }
        var statuses: [String: RequestStatus] = [:]
        for request in relevant {
            if let status = try? verifier.status(request) { statuses[request.id] = status.closed(by: history) }
        }
        // Standing access its reviews take away, as reconcile takes it away.
        var verified = VerifiedTree(tree: tree, diagnostics: [], statuses: statuses)
        verified.review(by: history, now: now, keygen: keygen, displayRoot: "", directory: directory)
        return verified.engine(directory)
    }

    func check(_ command: CheckCommand) throws -> CommandResult {
        let clock = now(nil)
        let at = command.at ?? clock
        let (principal, action, resourceText) = (command.principal, command.action, command.resource)
        let (history, raw) = historyAndTree(command.root)
        let loaded = effective(raw, root: command.root, now: clock, history: history)
        let tree = loaded.tree
        if !tree.principals.contains(where: { $0.id == principal }), raw.tree.principals.contains(where: { $0.id == principal }) {
            // Added by a configuration change that waits for signatures: holds nothing yet.
            return CommandResult(
                exitCode: ExitCode.failure,
                standardOutput: "denied: \(principal) may not \(action) \(resourceText) at \(at): \(principal) is added by a configuration change that is not signed yet, so it holds nothing\n",
                standardError: render(loaded.diagnostics))
        }
        guard tree.principals.contains(where: { $0.id == principal }) else {
            // Fail closed, with validate's own message: an invalid principal holds nothing.
            guard tree.unreadableIDs.contains(principal) else { throw unknown("principal", principal, tree.principals.map(\.id)) }
            return CommandResult(
                exitCode: ExitCode.failure, standardOutput: "denied: \(principal) may not \(action) \(resourceText) at \(at): the manifest of \(principal) has errors, so it grants nothing\n",
                standardError: render(loaded.diagnostics))
        }
        guard let resource = ResourceRef(resourceText), tree.resources.contains(where: { $0.ref == resource }) else {
            throw unknown("resource", resourceText, tree.resources.map(\.ref.description))
        }
        if let settings = tree.settings, let type = settings.resourceType(resource.type), !type.actions.contains(action) {
            throw CommandFailure("'\(action)' is not an action of resource type '\(type.name)'; its actions are: \(type.actions.joined(separator: ", "))" + didYouMean(action, in: type.actions))
        }
        var answer = checkAnswer(tree, principal, action, resource, at: at, clock: clock, history: history, json: command.json)
        answer.standardError = loaded.diagnostics.isEmpty ? "" : render(loaded.diagnostics)
        return answer.keeping(raw, loaded, history)
    }

    /// What the tree's audit log says happened; empty when there is none or it cannot be read
    /// (`audit verify` and reconcile report a broken log).
    func history(_ root: String?) -> AuditHistory {
        (try? store(root).readLogFromCheckpoint())?.history ?? AuditHistory()
    }

    /// The audit log's history and the tree at `root`, the history read on another thread
    /// while the tree loads (each ran alone on one core).
    func historyAndTree(_ root: String?) -> (history: AuditHistory, tree: TreeLoader.Result) {
        let folder = self.root(root), cli = self
        return Parallel.both({ cli.history(root) }, { TreeLoader.load(root: folder.path, displayRoot: folder.display) })
    }

    /// The answer of `check` on a loaded tree, with the principal's request grants verified.
    func checkAnswer(_ tree: AccessTree, _ principal: String, _ action: String, _ resource: ResourceRef, at: Timestamp, clock: Timestamp, history: AuditHistory, json: Bool) -> CommandResult {
        let directory = Directory(tree)
        let evaluator = engine(directory, now: max(at, clock), liveFrom: at, history: history, of: principal).evaluator(of: principal)
        let (paths, missingRequirement) = evaluator.explain(principal, action, resource, at: at)
        if json {
            var members: [(String, JSONValue)] = [
                ("allowed", .bool(!paths.isEmpty)), ("principal", .string(principal)), ("action", .string(action)),
                ("resource", .string(resource.description)), ("at", .string(at.description)),
                ("paths", .array(paths.map { .string($0.description) })),
            ]
            if paths.isEmpty {
                let closest = evaluator.closest(principal, action, resource)
                members += [("rolesThatWouldAllow", .array(closest.roles.map { .string($0) })), ("requestablePolicies", .array(closest.policies.map { .string($0) }))]
                let failed = evaluator.failedConditions(principal, action, resource, at: at)
                if !failed.isEmpty { members.append(("failedConditions", .array(failed.map { .string($0) }))) }
            }
            return CommandResult(exitCode: paths.isEmpty ? ExitCode.failure : ExitCode.success, standardOutput: CanonicalJSON.pretty(.object(members), sortKeys: false))
        }
        if !paths.isEmpty {
            var out = "allowed: \(principal) may \(action) \(resource) at \(at)\n"
            for (i, path) in paths.enumerated() { out += "  \(i + 1). \(path.description)\n" }
            return CommandResult(exitCode: ExitCode.success, standardOutput: out)
        }
        let closest = evaluator.closest(principal, action, resource)
        var out = "denied: \(principal) may not \(action) \(resource) at \(at): not authorized\n"
        if let missingRequirement {
            out += "  \(action) requires \(missingRequirement) on the same resource, which \(principal) may not do\n"
        }
        for failed in evaluator.failedConditions(principal, action, resource, at: at) {
            out += "  a rule would allow it, but its condition failed: \(failed)\n"
        }
        out += "  roles that would allow it: " + (closest.roles.isEmpty ? "none" : closest.roles.joined(separator: ", ")) + "\n"
        out += "  policies under which \(principal) may request it: " + (closest.policies.isEmpty ? "none" : closest.policies.joined(separator: ", ")) + "\n"
        return CommandResult(exitCode: ExitCode.failure, standardOutput: out)
    }
}
