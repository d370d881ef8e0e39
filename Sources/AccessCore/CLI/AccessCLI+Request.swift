import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    static let requestCommands: [CommandSpec] = [
        CommandSpec(
            name: "request new", summary: "Write a new access request and print its path.", arguments: [],
            options: [
                rootOption,
                CommandSpec.Option(name: "--requester", value: "ID", help: "who asks (required)"),
                CommandSpec.Option(name: "--resource", value: "TYPE:NAME", help: "a resource (required; repeat for more)", repeatable: true),
                CommandSpec.Option(name: "--role", value: "ID", help: "the role asked for"),
                CommandSpec.Option(name: "--action", value: "A", help: "an action asked for (repeat for more)", repeatable: true),
                CommandSpec.Option(name: "--reason", value: "TEXT", help: "why, with a ticket if there is one (required)"),
                CommandSpec.Option(name: "--duration", value: "D", help: "how long once approved, e.g. 4h"),
                CommandSpec.Option(name: "--from", value: "TIME", help: "start of a fixed window (with --to)"),
                CommandSpec.Option(name: "--to", value: "TIME", help: "end of a fixed window (with --from)"),
                CommandSpec.Option(name: "--name", value: "NAME", help: "the request's id (default: RESOURCE-REQUESTER-DATE)"),
                CommandSpec.Option(name: "--at", value: "TIME", help: "requestedAt (default: now); for tests and replays"),
            ],
            example: "accessctl request new --requester jane.doe --resource site:acme-prod --role support-readonly --reason \"Backups fail, ticket 4521\" --duration 4h",
            details: "Writes requests/TEAM/NAME.yaml (TEAM is the requester's first team, else the\nrequester's id). The file is checked with the whole tree; if it has a problem it is\nremoved again and the problems are printed."),
        CommandSpec(
            name: "request extend", summary: "Write a request that renews an earlier one.", arguments: ["NAME"],
            options: [
                rootOption,
                CommandSpec.Option(name: "--duration", value: "D", help: "how long (default: as the renewed request)"),
                CommandSpec.Option(name: "--name", value: "NAME", help: "the new request's id (default: NAME-renewal)"),
                CommandSpec.Option(name: "--at", value: "TIME", help: "requestedAt (default: now)"),
            ],
            example: "accessctl request extend acme-backup-debug-2026-11-22 --duration 2h",
            details: "The new request asks for the same resources, role and actions with 'renews: NAME'.\nA fixed window continues where the old one ends, for the same length."),
    ]

    /// `request new` and `request extend`.
    func request(_ command: String, _ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        let clock = try now(arguments)
        let requestedAt = try time("--at", arguments) ?? clock
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        var fields: [(String, String)]
        var folder: String
        var name: String
        if command == "request new" {
            guard let requester = arguments.value("--requester") else { throw UsageError(message: "missing option --requester", command: arguments.command) }
            let resources = arguments.all("--resource")
            guard !resources.isEmpty else { throw UsageError(message: "missing option --resource", command: arguments.command) }
            guard let reason = arguments.value("--reason") else { throw UsageError(message: "missing option --reason", command: arguments.command) }
            if arguments.value("--role") == nil, arguments.all("--action").isEmpty {
                throw UsageError(message: "ask for a role (--role) or actions (--action)", command: arguments.command)
            }
            let window = arguments.value("--from") != nil || arguments.value("--to") != nil
            if window == (arguments.value("--duration") != nil) {
                throw UsageError(message: "give either --duration, or --from and --to", command: arguments.command)
            }
            fields = [("requester", requester), ("requestedAt", requestedAt.description), ("resources", "[" + resources.joined(separator: ", ") + "]")]
            if let role = arguments.value("--role") { fields.append(("role", role)) }
            if !arguments.all("--action").isEmpty { fields.append(("actions", "[" + arguments.all("--action").joined(separator: ", ") + "]")) }
            fields.append(("reason", CanonicalJSON.quoted(reason)))
            if let duration = arguments.value("--duration") { fields.append(("duration", duration)) }
            if let from = arguments.value("--from") { fields.append(("validFrom", from)) }
            if let to = arguments.value("--to") { fields.append(("validTo", to)) }
            let team = loaded.tree.principals.first { $0.id == requester }?.teams.first?.value
            folder = "requests/" + (team ?? requester)
            let first = ResourceRef(resources[0])?.name ?? "request"
            name = arguments.value("--name") ?? "\(first)-\(requester)-\(requestedAt.description.prefix(10))"
        } else {
            let old = arguments.positional[0]
            guard let previous = loaded.tree.requests.first(where: { $0.id == old }) else {
                return CommandResult(exitCode: ExitCode.failure, standardError: "error: no request named '\(old)'" + didYouMean(old, in: loaded.tree.requests.map(\.id)) + "\n")
            }
            let spec = previous.spec
            fields = [("requester", spec.requester.value), ("requestedAt", requestedAt.description), ("resources", "[" + spec.resources.map(\.value.description).joined(separator: ", ") + "]")]
            if let role = spec.role { fields.append(("role", role.value)) }
            if !spec.actions.isEmpty { fields.append(("actions", "[" + spec.actions.map(\.value).joined(separator: ", ") + "]")) }
            fields.append(("reason", CanonicalJSON.quoted(spec.reason.value.trimmingCharacters(in: .whitespacesAndNewlines))))
            if let duration = arguments.value("--duration") ?? spec.duration?.value.text {
                fields.append(("duration", duration))
            } else if let from = spec.validFrom?.value, let to = spec.validTo?.value {
                fields.append(("validFrom", to.description))
                fields.append(("validTo", to.adding(to.seconds - from.seconds).description))
            }
            fields.append(("renews", old))
            folder = (previous.header.file as NSString).deletingLastPathComponent
            if folder.hasPrefix(root.display + "/") { folder = String(folder.dropFirst(root.display.count + 1)) }
            name = arguments.value("--name") ?? "\(old)-renewal"
        }
        if arguments.value("--name") == nil {
            let taken = Set(loaded.tree.requests.map(\.id))
            let base = name
            var n = 2
            while taken.contains(name) || FileManager.default.fileExists(atPath: TreeLoader.join(root.path, "\(folder)/\(name).yaml")) {
                name = "\(base)-\(n)"
                n += 1
            }
        }
        if let problem = Identifier.problem(name) { throw UsageError(message: "invalid --name '\(name)': \(problem)", command: arguments.command) }
        let relative = "\(folder)/\(name).yaml"
        let path = TreeLoader.join(root.path, relative)
        if FileManager.default.fileExists(atPath: path) {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: \(TreeLoader.join(root.display, relative)) already exists; nothing was written\n")
        }
        var text = "apiVersion: accessctl/v1\nkind: AccessRequest\nmetadata:\n  name: \(name)\nspec:\n"
        for (key, value) in fields { text += "  \(key): \(value)\n" }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: "error: cannot write \(relative): \(error.localizedDescription)\n")
        }
        let display = TreeLoader.join(root.display, relative)
        let problems = TreeLoader.load(root: root.path, displayRoot: root.display).diagnostics.filter { $0.file == display }
        if !problems.isEmpty {
            let rendered = render(problems)
            try? FileManager.default.removeItem(atPath: path)
            return CommandResult(exitCode: ExitCode.failure, standardError: rendered + "The request was not written.\n")
        }
        return CommandResult(exitCode: ExitCode.success, standardOutput: display + "\n")
    }
}
