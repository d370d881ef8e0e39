import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    static let listingCommands: [CommandSpec] = [
        CommandSpec(
            name: "who-can", summary: "List everyone who may do an action on a resource, with the path for each.", arguments: ["ACTION", "RESOURCE"],
            options: [rootOption, CommandSpec.Option(name: "--at", value: "TIME", help: "ask about this RFC 3339 time (default: now)")],
            example: "accessctl who-can console site:acme-prod --at 2026-11-22T10:00:00Z"),
        CommandSpec(
            name: "access", summary: "List everything a principal may do, with the path for each.", arguments: ["PRINCIPAL"],
            options: [rootOption, CommandSpec.Option(name: "--at", value: "TIME", help: "ask about this RFC 3339 time (default: now)")],
            example: "accessctl access lena.kraus --at 2026-11-20T10:00:00Z"),
    ]

    /// `who-can ACTION RESOURCE` and `access PRINCIPAL`.
    func listing(_ command: String, _ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        let clock = try now(arguments)
        let at = try time("--at", arguments) ?? clock
        let tree = TreeLoader.load(root: root.path, displayRoot: root.display).tree
        let out: String
        if command == "who-can" {
            let action = arguments.positional[0]
            guard let resource = ResourceRef(arguments.positional[1]), tree.resources.contains(where: { $0.ref == resource }) else {
                return unknown("resource", arguments.positional[1], tree.resources.map(\.ref.description))
            }
            out = whoCanListing(tree, action, resource, at: at, clock: clock)
        } else {
            let principal = arguments.positional[0]
            guard tree.principals.contains(where: { $0.id == principal }) else {
                return unknown("principal", principal, tree.principals.map(\.id))
            }
            out = accessListing(tree, principal, at: at, clock: clock)
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: out)
    }

    /// The text of `who-can` on a loaded tree, every request's grants verified.
    func whoCanListing(_ tree: AccessTree, _ action: String, _ resource: ResourceRef, at: Timestamp, clock: Timestamp) -> String {
        // Only requests about the resource or one of its parents can grant anything on it.
        let directory = Directory(tree)
        let chain = Set(AccessEvaluator(directory: directory).chain(resource))
        let evaluator = AccessEvaluator(directory: directory, requestGrants: requestGrants(directory, now: max(at, clock), liveFrom: at, about: chain))
        let lines = AccessIndex(evaluator, at: at).whoCan(action, resource)
        var out = ""
        for (principal, paths) in lines {
            out += "\(principal) (\(evaluator.directory.principal(principal)?.displayName ?? principal))\n" + paths.map { "  - \($0.description)\n" }.joined()
        }
        return out + "\(Self.count(lines.count, "principal")) may \(action) \(resource) at \(at).\n"
    }

    /// The text of `access` on a loaded tree, the principal's request grants verified.
    func accessListing(_ tree: AccessTree, _ principal: String, at: Timestamp, clock: Timestamp) -> String {
        let directory = Directory(tree)
        let evaluator = AccessEvaluator(directory: directory, requestGrants: requestGrants(directory, now: max(at, clock), liveFrom: at, of: principal))
        let lines = evaluator.access(of: principal, at: at)
        var out = ""
        for (action, resource, paths) in lines {
            out += "\(action) \(resource)\n" + paths.map { "  - \($0.description)\n" }.joined()
        }
        return out + "\(principal) may do \(Self.count(lines.count, "action")) at \(at).\n"
    }
}
