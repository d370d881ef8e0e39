import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessNotify

/// `accessctl notify`: deliver the notifications reconcile queued.
struct NotifyCommand: Command {
    static let spec = CommandSpec(
        name: "notify", summary: "Deliver queued notifications by webhook and email; each once, retried with backoff.", arguments: [],
        options: CommandSpec.list([Options.root, Options.now, Options.sendmail, Options.dryRun]),
        example: "accessctl notify --root access        # the webhook URL in $ACCESSCTL_WEBHOOK_URL, from a CI secret\n  accessctl notify --dry-run",
        details: "Reads state/outbox.jsonl (written by reconcile) and sends every item not yet delivered\non each channel its recipient's spec.notify names (default: the settings'\nnotifications.defaultChannels): webhook (the URL from the environment variable that\nnotifications.webhook.urlEnv names), email (to the sendmail command). Each attempt is\nrecorded in state/deliveries.jsonl before the next; a failed one is retried on a later run\nafter 1, 2, 4 ... minutes, up to notifications.maxAttempts. Exits 0 when everything due was\ndelivered, 1 otherwise.")

    var root: String?
    var now: Timestamp?
    var sendmail: String?
    var dryRun: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        sendmail = try arguments.get(Options.sendmail)
        dryRun = arguments.isSet(Options.dryRun)
        if let sendmail, !sendmail.hasPrefix("/") {
            throw UsageError(message: "--sendmail takes a command that starts with an absolute path (it is run without a shell)", command: arguments.command)
        }
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.root(root)
        let now = cli.now(now)
        let store = cli.store(self.root)
        let history = cli.history(self.root)
        // Trusted settings only: an unsigned change cannot redirect mail or the webhook.
        let loaded = cli.effective(TreeLoader.load(root: root.path, displayRoot: root.display), root: self.root, now: now, history: history)
        guard var settings = loaded.tree.settings else { return CommandResult(exitCode: ExitCode.failure, standardError: cli.render(loaded.diagnostics)) }
        if let sendmail { settings.notifications.sendmail = sendmail.split(separator: " ").map(String.init) }
        let lock: FileLock
        do {
            lock = try FileLock(path: TreeLoader.join(store.root, "state/.notify.lock"), timeout: 60)
        } catch {
            throw CommandFailure(error.message)
        }
        defer { withExtendedLifetime(lock) {} }
        let items: [NotificationItem], deliveries: [Delivery]
        do throws(Diagnostic) {
            items = try store.readOutbox().items
            deliveries = try store.readDeliveries()
        } catch {
            throw DiagnosticList([error])
        }
        let transports: [NotificationChannel: Result<any NotificationTransport, DeliveryFailure>] = [
            .webhook: WebhookTransport.make(environment: cli.environment, variable: settings.notifications.webhookURLEnv, timeout: settings.notifications.webhookTimeout).map { $0 },
            .email: .success(SendmailTransport(command: settings.notifications.sendmail)),
        ]
        let notifier = Notifier(store: store, tree: loaded.tree, settings: settings, now: now, transports: transports)
        if dryRun {
            let (due, report) = notifier.due(items, deliveries: deliveries)
            var out = due.isEmpty ? "Nothing to send at \(now).\n" : "Would send at \(now):\n"
            for (item, channel) in due { out += "  \(channel.rawValue) to \(item.recipient): \(item.subject) (\(item.id))\n" }
            out += Self.summary(report, sent: 0)
            return CommandResult(exitCode: ExitCode.success, standardOutput: out)
        }
        let report = try notifier.run(items: items, deliveries: deliveries)
        var out = ""
        for (item, channel) in report.delivered { out += "sent \(channel.rawValue) to \(item.recipient): \(item.subject) (\(item.id))\n" }
        var errors = ""
        for (item, channel, why) in report.failed {
            errors += ErrorPresenter.line("\(channel.rawValue) to \(item.recipient) failed for \(item.id) (\(item.kind)): \(why); tried again on a later run")
        }
        for (item, channel, tries, why) in report.givenUp {
            errors += ErrorPresenter.line("gave up on \(item.id) (\(item.kind) to \(item.recipient), \(channel.rawValue)) after \(tries) tries: \(why)", severity: "warning")
        }
        out += Self.summary(report, sent: report.delivered.count)
        let code = report.failed.isEmpty ? ExitCode.success : ExitCode.failure
        return CommandResult(exitCode: code, standardOutput: out, standardError: errors)
    }

    static func summary(_ report: Notifier.Report, sent: Int) -> String {
        var parts = ["\(sent) delivered"]
        if !report.failed.isEmpty { parts.append("\(report.failed.count) failed") }
        if !report.waiting.isEmpty { parts.append("\(report.waiting.count) waiting to retry") }
        if !report.givenUp.isEmpty { parts.append("\(report.givenUp.count) given up") }
        return "Notifications: " + parts.joined(separator: ", ") + ".\n"
    }
}
