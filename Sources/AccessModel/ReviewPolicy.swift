import AccessFormats

/// `review: {every: 90d, by: TEAM}` on standing access (a binding, a principal's roles, a
/// team's roles): a member of `by` must confirm each grant it gives at least every `every`.
package struct ReviewPolicy: Sendable, Equatable {
    package var every: AccessDuration
    /// The team whose members review.
    package var by: Located<String>
    package var location: SourceLocation

    package init(every: AccessDuration, by: Located<String>, location: SourceLocation) {
        self.every = every
        self.by = by
        self.location = location
    }

    /// The narrower of two: a review at least as often as both ask, by the trusted team.
    package static func stricter(_ trusted: ReviewPolicy?, _ new: ReviewPolicy?) -> ReviewPolicy? {
        guard let trusted else { return new }
        guard let new else { return trusted }
        var out = trusted
        if let a = trusted.every.seconds, let b = new.every.seconds, b < a { out.every = new.every }
        return out
    }
}

/// The settings' `reviews` block: what happens when a review is overdue.
package struct ReviewSettings: Sendable {
    package enum Overdue: String, Sendable { case remove, flag }

    /// How long after a review is due the access stays before it is overdue (default 7d).
    package var grace = AccessDuration("7d")!
    /// `remove` (default): overdue standing access is taken away until a reviewer confirms
    /// it; `flag`: it stays, and validate, the plan and the report say it is overdue.
    package var overdue = Overdue.remove

    package init() {}
}
