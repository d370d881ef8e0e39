import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl who-can ACTION RESOURCE`.
struct WhoCanCommand: Command {
    static let spec = CommandSpec(
        name: "who-can", summary: "List everyone who may do an action on a resource, with the path for each.", arguments: ["ACTION", "RESOURCE"],
        options: CommandSpec.list([Options.root, Options.askAt, Options.textOrJSON]),
        example: "accessctl who-can console site:acme-prod --at 2026-11-22T10:00:00Z\n  accessctl who-can read site:acme-prod --format json | jq -r '.principals[].id'")

    var root: String?
    var at: Timestamp?
    var json: Bool
    var action: String, resource: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        at = try arguments.get(Options.askAt)
        json = try arguments.get(Options.textOrJSON) == "json"
        (action, resource) = (arguments.positional[0], arguments.positional[1])
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.root(root)
        let clock = cli.now(nil)
        let history = cli.history(self.root)
        let tree = cli.effective(TreeLoader.load(root: root.path, displayRoot: root.display), root: self.root, now: clock, history: history).tree
        guard let ref = ResourceRef(resource), tree.resources.contains(where: { $0.ref == ref }) else {
            throw cli.unknown("resource", resource, tree.resources.map(\.ref.description))
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: cli.whoCanListing(tree, action, ref, at: at ?? clock, clock: clock, history: history, json: json))
    }
}

/// `accessctl access PRINCIPAL`.
struct AccessCommand: Command {
    static let spec = CommandSpec(
        name: "access", summary: "List everything a principal may do, with the path for each.", arguments: ["PRINCIPAL"],
        options: CommandSpec.list([Options.root, Options.askAt, Options.textOrJSON]),
        example: "accessctl access lena.kraus --at 2026-11-20T10:00:00Z\n  accessctl access lena.kraus --format json | jq '.access[] | select(.action == \"read\")'")

    var root: String?
    var at: Timestamp?
    var json: Bool
    var principal: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        at = try arguments.get(Options.askAt)
        json = try arguments.get(Options.textOrJSON) == "json"
        principal = arguments.positional[0]
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.root(root)
        let clock = cli.now(nil)
        let history = cli.history(self.root)
        let tree = cli.effective(TreeLoader.load(root: root.path, displayRoot: root.display), root: self.root, now: clock, history: history).tree
        guard tree.principals.contains(where: { $0.id == principal }) else {
            throw cli.unknown("principal", principal, tree.principals.map(\.id))
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: cli.accessListing(tree, principal, at: at ?? clock, clock: clock, history: history, json: json))
    }
}

extension AccessCLI {
    /// The text of `who-can` on a loaded tree, every request's grants verified.
    func whoCanListing(_ tree: AccessTree, _ action: String, _ resource: ResourceRef, at: Timestamp, clock: Timestamp, history: AuditHistory, json: Bool = false) -> String {
        // Only requests about the resource or one of its parents can grant anything on it.
        let directory = Directory(tree)
        let chain = Set(AccessEvaluator(directory: directory, grants: []).chain(resource))
        let evaluator = engine(directory, now: max(at, clock), liveFrom: at, history: history, about: chain).evaluator(at: at)
        let lines = AccessIndex(evaluator, at: at).whoCan(action, resource)
        if json {
            return CanonicalJSON.pretty(.object([
                ("action", .string(action)), ("resource", .string(resource.description)), ("at", .string(at.description)),
                ("principals", .array(lines.map { principal, paths in
                    .object([("id", .string(principal)), ("displayName", .string(evaluator.directory.principal(principal)?.displayName ?? principal)), ("paths", .array(paths.map(Self.pathJSON)))])
                })),
            ]), sortKeys: false)
        }
        var out = ""
        for (principal, paths) in lines {
            out += "\(principal) (\(evaluator.directory.principal(principal)?.displayName ?? principal))\n" + paths.map { "  - \($0.description)\n" }.joined()
        }
        return out + "\(Self.count(lines.count, "principal")) may \(action) \(resource) at \(at).\n"
    }

    /// The text of `access` on a loaded tree, the principal's request grants verified.
    func accessListing(_ tree: AccessTree, _ principal: String, at: Timestamp, clock: Timestamp, history: AuditHistory, json: Bool = false) -> String {
        let directory = Directory(tree)
        let evaluator = engine(directory, now: max(at, clock), liveFrom: at, history: history, of: principal).evaluator(of: principal)
        let lines = evaluator.access(of: principal, at: at)
        if json {
            return CanonicalJSON.pretty(.object([
                ("principal", .string(principal)), ("at", .string(at.description)),
                ("access", .array(lines.map { action, resource, paths in
                    .object([("action", .string(action)), ("resource", .string(resource.description)), ("paths", .array(paths.map(Self.pathJSON)))])
                })),
            ]), sortKeys: false)
        }
        var out = ""
        for (action, resource, paths) in lines {
            out += "\(action) \(resource)\n" + paths.map { "  - \($0.description)\n" }.joined()
        }
        return out + "\(principal) may do \(Self.count(lines.count, "action")) at \(at).\n"
    }

    /// One path in the listings' JSON: the grant, the rule, the parent it goes through, its end.
    static func pathJSON(_ path: AccessEvaluator.Path) -> JSONValue {
        .object([
            ("grant", .string(path.grant)), ("rule", .string(path.rule)), ("through", path.through.map { .string($0.description) } ?? .null),
            ("condition", .text(path.condition)),
            ("until", path.until.map { .string($0.description) } ?? .null), ("text", .string(path.description)),
        ])
    }
}
