import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// The command `reconcile --hook` runs once per change, with the change as JSON on standard
/// input. The command line comes from whoever runs CI, not from the repository, so it runs
/// through `/bin/sh -c`; nothing from a manifest is ever put into it.
package struct ApplyHook: Sendable {
    package var command: String
    package var environment: [String: String]
    package var directory: String

    package init(command: String, environment: [String: String], directory: String) {
        self.command = command
        self.environment = environment
        self.directory = directory
    }

    /// Runs the hook for `change`; nil on success (exit 0), else what went wrong.
    package func run(_ change: Plan.Change, now: Timestamp) -> String? {
        do {
            let folder = try PrivateFolder()
            defer { folder.remove() }
            let input = Array((CanonicalJSON.encode(change.json(now: now)) + "\n").utf8)
            let output = try ProcessRunner.run("/bin/sh", ["-c", command], input: input, in: folder, environment: environment, directory: directory)
            guard output.status == 0 else {
                let said = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                return "the hook exited with status \(output.status)" + (said.isEmpty ? "" : ": " + said.split(separator: "\n").suffix(3).joined(separator: " | "))
            }
            return nil
        } catch {
            return "the hook could not be started: \(error)"
        }
    }
}

extension Plan.Change {
    /// The change as the hook and `plan --format json` show it.
    package func json(now: Timestamp) -> JSONValue {
        var members: [(String, JSONValue)] = [("action", .string(action.rawValue)), ("key", .string(key))]
        if let cause { members.append(("cause", .string(cause.rawValue))) }
        if let reason { members.append(("reason", .string(reason))) }
        if drift { members.append(("drift", .bool(true))) }
        members.append(("grant", grant.json))
        if let previous { members.append(("previous", previous.json)) }
        members.append(("now", .string(now.description)))
        return .object(members)
    }
}
