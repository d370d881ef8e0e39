import AccessFormats

/// Where a principal hears about requests and grants (`spec.notify`).
package enum NotificationChannel: String, Sendable, CaseIterable, Comparable {
    case email, webhook, inbox

    package static func < (a: NotificationChannel, b: NotificationChannel) -> Bool { a.rawValue < b.rawValue }
}

/// The settings' `notifications` block: defaults for every principal and how to deliver.
package struct NotificationSettings: Sendable {
    /// Channels of a principal that names none (`spec.notify`).
    package var defaultChannels: [NotificationChannel] = [.inbox]
    /// How long before a grant's end its requester hears it is expiring.
    package var expiringSoon = AccessDuration("1h")!
    /// The report's address, for links in messages; nil: no links.
    package var reportURL: String?
    /// The environment variable that holds the webhook URL: never a URL from the repository.
    package var webhookURLEnv = "ACCESSCTL_WEBHOOK_URL"
    /// Seconds to wait for the webhook.
    package var webhookTimeout = 10
    /// The From of emails.
    package var emailFrom: String?
    /// The sendmail-compatible program and its arguments (never run through a shell).
    package var sendmail = ["/usr/sbin/sendmail", "-t", "-i"]
    /// Tries per item and channel before notify gives up on it with a warning.
    package var maxAttempts = 5

    package init() {}
}
