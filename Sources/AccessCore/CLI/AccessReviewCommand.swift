import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// `accessctl access-review [KEY]`: list the reviews of standing access, or sign one.
struct AccessReviewCommand: Command {
    static let decision = Option<String>("--decision", "D", "confirm (keep the access) or remove (take it away)", choices: AccessReviewStatement.Decision.allCases.map(\.rawValue))

    static let spec = CommandSpec(
        name: "access-review", summary: "List reviews of standing access, or sign one (confirm or remove) into trust/reviews.jsonl.", arguments: ["[KEY]"],
        options: CommandSpec.list([Options.root, Options.now, Options.by, Options.key, Options.decisionAt, decision, Options.decisionReason, Options.textOrJSON]),
        example: "accessctl access-review\n  accessctl access-review role/maria.lopez/org-admin --decision confirm --as tom.becker --key ~/.ssh/id_ed25519",
        details: "Standing access (a binding, a principal's or a team's roles) with review: {every, by}\nmust be confirmed by a member of team `by` at least every `every`. Without KEY this lists\neach reviewed grant: current, due, overdue or removed. With KEY it signs your decision with\nssh-keygen and appends it; reconcile counts it from the run that first sees it. Overdue\naccess is removed after the settings' reviews.grace (or only flagged with\nreviews.overdue: flag); a remove takes it away until a reviewer confirms it again.")

    var root: String?, now: Timestamp?, key: String?, by: String?, sshKey: String?, at: Timestamp?, decision: String?, reason: String?
    var json = false

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        key = arguments.positional.first
        by = try arguments.get(Options.by)
        sshKey = try arguments.get(Options.key)
        at = try arguments.get(Options.decisionAt)
        decision = try arguments.get(Self.decision)
        reason = try arguments.get(Options.decisionReason)
        json = try arguments.get(Options.textOrJSON) == "json"
        if key != nil {
            for (value, name) in [(by, "--as"), (sshKey, "--key"), (decision, "--decision")] where value == nil {
                throw UsageError(message: "missing option \(name): signing a review needs --decision, --as and --key", command: arguments.command)
            }
        }
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.root(self.root)
        let clock = cli.now(now)
        let loaded = TreeLoader.load(root: root.path, displayRoot: root.display)
        guard let settings = loaded.tree.settings else { throw DiagnosticList(loaded.diagnostics) }
        let history = cli.history(self.root)
        var verified = VerifiedTree(tree: loaded.tree, diagnostics: [], statuses: [:])
        verified.review(by: history, now: clock, keygen: cli.signatures, displayRoot: root.display)
        let grants = AccessEngine(directory: Directory(loaded.tree), statuses: [:]).reviewedGrants()
        guard let key, let by, let sshKey, let decisionText = decision, let decision = AccessReviewStatement.Decision(rawValue: decisionText) else {
            // The list.
            let sorted = verified.reviews.values.sorted(by: { $0.key < $1.key })
            if json {
                let rows: [JSONValue] = sorted.map { r in
                    .object([
                        ("key", .string(r.key)), ("principal", .string(r.principal)), ("state", .string(r.state.rawValue)), ("every", .string(r.policy.every.text)),
                        ("team", .string(r.policy.by.value)), ("due", .string(r.due.description)), ("overdueAt", .string(r.overdueAt.description)),
                        ("confirmedBy", .text(r.record.confirmedBy)), ("confirmedAt", .text(r.record.confirmedAt?.description)),
                        ("removedBy", .text(r.record.removedBy)), ("removedAt", .text(r.record.removedAt?.description)), ("why", .string(r.why)),
                    ])
                }
                return CommandResult(exitCode: ExitCode.success, standardOutput: CanonicalJSON.pretty(.array(rows), sortKeys: false), standardError: cli.render(verified.diagnostics))
            }
            var out = ""
            for review in sorted {
                out += "\(review.key)  \(review.state.rawValue)  \(review.why)\n"
            }
            let counts = Dictionary(grouping: verified.reviews.values, by: \.state)
            out += "\(AccessCLI.count(verified.reviews.count, "reviewed grant")): " + [AccessReview.State.current, .due, .overdue, .removed].map { "\(counts[$0]?.count ?? 0) \($0.rawValue)" }.joined(separator: ", ") + ".\n"
            return CommandResult(exitCode: ExitCode.success, standardOutput: out, standardError: cli.render(verified.diagnostics))
        }
        guard let grant = grants.first(where: { $0.key == key }) else {
            throw CommandFailure("no standing grant with a review period has the key \(key)" + didYouMean(key, in: grants.map(\.key)))
        }
        var statement = AccessReviewStatement(grant: key, grantDigest: grant.reviewDigest, decision: decision, by: by, at: at ?? clock, reason: reason, signature: "")
        let payload = statement.payload(organization: settings.organization.value)
        statement.signature = try cli.signatures.sign(payload, keyPath: cli.absolutePath(sshKey), namespace: settings.signatureNamespace, environment: cli.environment)
        statement.line = 1
        let checked = try AccessReviews.verify([statement], grants: grants, directory: Directory(loaded.tree), settings: settings, keygen: cli.signatures, now: clock, file: "--as \(by)")
        if let problem = checked.diagnostics.first { throw CommandFailure("\(problem.message); nothing was written") }
        let path = TreeLoader.join(root.path, AccessReviewStatement.relativePath)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let existing = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        try AtomicFile.write(existing + Array(statement.jsonLine.utf8), to: path)
        return CommandResult(
            exitCode: ExitCode.success,
            standardOutput: "\(decision.rawValue) of \(key) by \(by) added to \(TreeLoader.join(root.display, AccessReviewStatement.relativePath)); it counts from the next reconcile\n")
    }
}
