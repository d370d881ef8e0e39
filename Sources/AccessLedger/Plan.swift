import AccessFormats
import AccessModel
import AccessPolicy

/// The difference between the grants in force and the grants that should be, at one time.
public struct Plan: Sendable {
    /// One grant to add, change or remove.
    public struct Change: Sendable {
        public enum Action: String, Sendable {
            case grant, change, remove

            /// `+`, `~` or `-`, as terraform prints them.
            public var symbol: String {
                switch self {
                case .grant: "+"
                case .change: "~"
                case .remove: "-"
                }
            }
        }

        public var action: Action
        /// The grant after the change, or the one removed.
        public var grant: GrantRecord
        /// For a change: the grant before it.
        public var previous: GrantRecord?
        /// For a removal: why.
        public var cause: RemovalCause?
        /// Why, in words: "expired at ...", "revoked by ... at ...: reason".
        public var reason: String?
        /// `state/grants.json` disagreed with the audit log on this grant.
        public var drift: Bool
        /// What to log once the change is applied (not yet chained).
        public var events: [AuditEvent]

        public var key: String { grant.key }
    }

    public var now: Timestamp
    /// The time of the previous run, if any.
    public var lastRun: Timestamp?
    /// Sorted by key.
    public var changes: [Change]
    /// Request lifecycle events to log this run (submitted, approved, denied, ...).
    public var lifecycle: [AuditEvent]
    /// Things the reader should know that change nothing: refused re-grants, grants expiring soon.
    public var notices: [String]
    /// The grants before this run: the state file as far as it agrees with the audit log.
    public var current: [String: GrantRecord]

    public var hasChanges: Bool { !changes.isEmpty }

    /// How many changes of one kind.
    public func count(_ action: Change.Action) -> Int { changes.filter { $0.action == action }.count }

    /// `Plan: 1 to grant, 0 to change, 2 to remove.` or `No changes.`
    public var summary: String {
        changes.isEmpty
            ? "No changes. The grants in force match the access tree."
            : "Plan: \(count(.grant)) to grant, \(count(.change)) to change, \(count(.remove)) to remove."
    }
}
