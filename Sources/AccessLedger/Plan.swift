import AccessFormats
import AccessModel
import AccessPolicy

/// The difference between the grants in force and the grants that should be, at one time.
package struct Plan: Sendable {
    /// One grant to add, change or remove.
    package struct Change: Sendable {
        package enum Action: String, Sendable {
            case grant, change, remove

            /// `+`, `~` or `-`, as terraform prints them.
            package var symbol: String {
                switch self {
                case .grant: "+"
                case .change: "~"
                case .remove: "-"
                }
            }
        }

        package var action: Action
        /// The grant after the change, or the one removed.
        package var grant: GrantRecord
        /// For a change: the grant before it.
        package var previous: GrantRecord?
        /// For a removal: why.
        package var cause: RemovalCause?
        /// Why, in words: "expired at ...", "revoked by ... at ...: reason".
        package var reason: String?
        /// `state/grants.json` disagreed with the audit log on this grant.
        package var drift: Bool
        /// What to log once the change is applied (not yet chained).
        package var events: [AuditEvent]

        package var key: String { grant.key }
    }

    package var now: Timestamp
    /// The time of the previous run, if any.
    package var lastRun: Timestamp?
    /// Sorted by key.
    package var changes: [Change]
    /// Request lifecycle events to log this run (submitted, approved, denied, ...).
    package var lifecycle: [AuditEvent]
    /// Things the reader should know that change nothing: refused re-grants, grants expiring soon.
    package var notices: [String]
    /// The grants before this run: the state file as far as it agrees with the audit log.
    package var current: [String: GrantRecord]

    /// Grants that a pending configuration change would add or change once signed.
    package var waiting: [String] = []
    /// Whether a configuration change waits for administrator signatures.
    package var configurationPending = false
    /// The notifications applying this plan queues (their ids are made when it is applied).
    package var notifications: [NotificationItem] = []

    /// Whether anything changes now, or waits for configuration signatures (a pull request
    /// that changes who can do what always shows in its plan).
    package var hasChanges: Bool { !changes.isEmpty || configurationPending }

    /// How many changes of one kind.
    package func count(_ action: Change.Action) -> Int { changes.filter { $0.action == action }.count }

    /// `Plan: 1 to grant, 0 to change, 2 to remove.` or `No changes.`
    package var summary: String {
        changes.isEmpty
            ? "No changes. The grants in force match the access tree."
            : "Plan: \(count(.grant)) to grant, \(count(.change)) to change, \(count(.remove)) to remove."
    }
}
