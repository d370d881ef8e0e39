import Foundation
import AccessFormats
import AccessModel
import AccessLedger

/// Delivers the outbox: each item on each of its recipient's channels (the inbox needs no
/// sending: the report shows it), at least once and never again after a recorded success.
/// Each attempt is recorded before the next send, so a crash loses nothing; a resend carries
/// the same idempotency key and Message-ID.
package struct Notifier {
    package var store: LedgerStore
    package var tree: AccessTree
    package var settings: Settings
    package var now: Timestamp
    /// The transports by channel; a missing one is why it cannot send (the webhook's URL unset).
    package var transports: [NotificationChannel: Result<any NotificationTransport, DeliveryFailure>]

    package init(store: LedgerStore, tree: AccessTree, settings: Settings, now: Timestamp, transports: [NotificationChannel: Result<any NotificationTransport, DeliveryFailure>]) {
        (self.store, self.tree, self.settings, self.now, self.transports) = (store, tree, settings, now, transports)
    }

    /// What one run did.
    package struct Report: Sendable {
        package var delivered: [(item: NotificationItem, channel: NotificationChannel)] = []
        package var failed: [(item: NotificationItem, channel: NotificationChannel, why: String)] = []
        /// Failed before and not due again yet (backoff).
        package var waiting: [(item: NotificationItem, channel: NotificationChannel, due: Timestamp)] = []
        /// Given up after `maxAttempts`: said on every run (as a warning), retried never. The
        /// run whose attempt was the last one fails, through `failed`.
        package var givenUp: [(item: NotificationItem, channel: NotificationChannel, tries: Int, why: String)] = []
    }

    /// Seconds to wait after `failures` failed tries: 1, 2, 4 … minutes, at most an hour.
    package static func backoff(after failures: Int) -> Int64 {
        min(60 << Int64(min(max(failures - 1, 0), 6)), 3600)
    }

    /// What is due now, on which channel, and what is waiting or given up.
    package func due(_ items: [NotificationItem], deliveries: [Delivery]) -> (due: [(NotificationItem, NotificationChannel)], report: Report) {
        var attempts: [String: [Delivery]] = [:]
        for d in deliveries { attempts["\(d.id) \(d.channel.rawValue)", default: []].append(d) }
        var due: [(NotificationItem, NotificationChannel)] = []
        var report = Report()
        for item in items {
            for channel in item.channels where channel != .inbox {
                let tried = attempts["\(item.id) \(channel.rawValue)"] ?? []
                if tried.contains(where: \.delivered) { continue }
                if tried.count >= settings.notifications.maxAttempts {
                    report.givenUp.append((item, channel, tried.count, tried.last?.error ?? "?"))
                    continue
                }
                if let last = tried.last {
                    let next = last.at.adding(Self.backoff(after: tried.count))
                    if next > now {
                        report.waiting.append((item, channel, next))
                        continue
                    }
                }
                due.append((item, channel))
            }
        }
        return (due, report)
    }

    /// Sends what is due, recording each attempt as it ends.
    package func run(items: [NotificationItem], deliveries: [Delivery]) throws -> Report {
        let (due, plan) = self.due(items, deliveries: deliveries)
        var report = plan
        for (item, channel) in due {
            let outcome: Result<Void, DeliveryFailure>
            switch message(item, channel) {
            case .failure(let why): outcome = .failure(why)
            case .success(let body):
                switch transports[channel] ?? .failure(DeliveryFailure("no \(channel.rawValue) transport")) {
                case .failure(let why): outcome = .failure(why)
                case .success(let transport):
                    do throws(DeliveryFailure) {
                        try transport.send(body, idempotencyKey: item.id)
                        outcome = .success(())
                    } catch {
                        outcome = .failure(error)
                    }
                }
            }
            switch outcome {
            case .success:
                try store.record(Delivery(id: item.id, channel: channel, at: now, delivered: true))
                report.delivered.append((item, channel))
            case .failure(let why):
                try store.record(Delivery(id: item.id, channel: channel, at: now, delivered: false, error: why.message))
                report.failed.append((item, channel, why.message))
            }
        }
        return report
    }

    /// The bytes to send for `item` on `channel`, or why there are none.
    package func message(_ item: NotificationItem, _ channel: NotificationChannel) -> Result<[UInt8], DeliveryFailure> {
        let n = settings.notifications
        switch channel {
        case .webhook:
            return .success(NotificationMessage.slack(item, reportURL: n.reportURL))
        case .email:
            guard let principal = tree.principals.first(where: { $0.id == item.recipient }), let address = principal.email else {
                return .failure(DeliveryFailure("\(item.recipient) has no email address"))
            }
            let from = n.emailFrom ?? "accessctl <accessctl@localhost>"
            return .success(NotificationMessage.email(item, from: from, to: principal.displayName, address: address, organization: settings.organization.value, reportURL: n.reportURL))
        case .inbox:
            return .failure(DeliveryFailure("the inbox is the report's page; nothing is sent"))
        }
    }
}
