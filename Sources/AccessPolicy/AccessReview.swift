import AccessFormats
import AccessModel

/// What the audit log says about one standing grant's reviews: when its current period
/// started (its activation, or the last confirm a run saw), and the last confirm and remove.
package struct ReviewRecord: Sendable, Equatable {
    package var anchor: Timestamp?
    package var confirmedBy: String?
    package var confirmedAt: Timestamp?
    package var removedBy: String?
    package var removedAt: Timestamp?
    package var removedReason: String?

    package init() {}

    package var json: JSONValue {
        .object([
            ("anchor", .text(anchor?.description)), ("confirmedBy", .text(confirmedBy)), ("confirmedAt", .text(confirmedAt?.description)),
            ("removedBy", .text(removedBy)), ("removedAt", .text(removedAt?.description)), ("removedReason", .text(removedReason)),
        ])
    }

    package init?(json: JSONValue) {
        func time(_ key: String) -> Timestamp?? {
            guard let value = json[key], value != .null else { return .some(nil) }
            return value.stringValue.flatMap(Timestamp.init(rfc3339:)).map { .some($0) }
        }
        guard let anchor = time("anchor"), let confirmedAt = time("confirmedAt"), let removedAt = time("removedAt") else { return nil }
        self.anchor = anchor
        self.confirmedAt = confirmedAt
        self.removedAt = removedAt
        confirmedBy = json["confirmedBy"]?.stringValue
        removedBy = json["removedBy"]?.stringValue
        removedReason = json["removedReason"]?.stringValue
    }
}

/// Where one standing grant's review stands at a time.
package struct AccessReview: Sendable {
    package enum State: String, Sendable {
        /// Confirmed (or started) less than `every` ago.
        case current
        /// Due: a reviewer should confirm or remove it; within the grace period it stays.
        case due
        /// Past due and grace: removed, or only flagged, per the settings' `reviews.overdue`.
        case overdue
        /// A reviewer signed `remove` after the last confirm: taken away until confirmed again.
        case removed
    }

    package var key: String
    package var principal: String
    package var policy: ReviewPolicy
    /// When the current period started: the run that first saw the grant under a review
    /// period (not its activation: adding a review to old access does not make it overdue at
    /// once), or the last confirm a run saw.
    package var anchor: Timestamp
    package var due: Timestamp
    package var overdueAt: Timestamp
    package var state: State
    package var record: ReviewRecord
    /// Statements this run sees for the first time (the reconciler logs them).
    package var newStatements: [AccessReviewStatement] = []
    /// The log has no period for this grant yet: it starts with this run (logged as `review.started`).
    package var starts = false

    /// Whether the grant is taken away now.
    package func suspends(_ settings: ReviewSettings) -> Bool {
        state == .removed || (state == .overdue && settings.overdue == .remove)
    }

    /// Why, in words, for the plan and `check`.
    package var why: String {
        switch state {
        case .current: "reviewed; next review due at \(due)"
        case .due: "its review by team \(policy.by.value) is due since \(due); overdue at \(overdueAt)"
        case .overdue: "its review by team \(policy.by.value) was due at \(due) and is overdue since \(overdueAt)"
        case .removed: "removed in review by \(record.removedBy ?? "?") at \(record.removedAt?.description ?? "?")" + (record.removedReason.map { ": \($0)" } ?? "")
        }
    }
}

extension Grant {
    /// What a reviewer confirms: the grant's key, role, actions and where it applies.
    package var reviewDigest: String {
        let value = JSONValue.object([
            ("key", .string(key)), ("role", .text(role)), ("actions", .array(actions.map { .string($0) })),
            ("resources", .array((scope ?? []).map { .string($0.text) })),
        ])
        return "sha256:" + SHA256.hex(CanonicalJSON.encodeBytes(value))
    }
}

/// Reviews of standing access (`review: {every, by}`), from the tree's grants, the signed
/// statements and what the audit log recorded. Read by the engine (a removed or overdue
/// grant is suspended), the plan, `check` and the report alike.
package enum AccessReviews {
    /// Statements that verify and that their signer may make: a member of the grant's
    /// reviewing team, not the grant's own principal, about the grant as it is now.
    package static func verify(
        _ statements: [AccessReviewStatement], grants: [Grant], directory: Directory, settings: Settings, keygen: any SignatureTool, now: Timestamp, file: String
    ) throws -> (valid: [AccessReviewStatement], diagnostics: [Diagnostic]) {
        let byKey = Dictionary(grants.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var valid: [AccessReviewStatement] = [], problems: [Diagnostic] = []
        for statement in statements {
            let at = SourceLocation(line: statement.line, column: 1)
            func refuse(_ why: String, _ severity: Diagnostic.Severity = .error) {
                problems.append(Diagnostic(file: file, location: at, message: "\(statement.decision.rawValue) of \(statement.grant) by \(statement.by): \(why)", severity: severity))
            }
            guard let grant = byKey[statement.grant], let policy = grant.review else {
                refuse("no standing grant with a review period has this key now; it counts for nothing", .warning)
                continue
            }
            guard statement.grantDigest == grant.reviewDigest else {
                refuse("the grant changed after this review was signed; it counts for nothing", .warning)
                continue
            }
            if statement.at.seconds > now.seconds + DecisionVerifier.clockSkew {
                refuse("its time \(statement.at) is in the future (now is \(now))")
                continue
            }
            guard directory.teams(of: statement.by).contains(policy.by.value) else {
                refuse("not a reviewer: '\(statement.by)' is not a member of team \(policy.by.value)")
                continue
            }
            guard statement.by != grant.principal else {
                refuse("no one reviews their own access")
                continue
            }
            let keys = directory.principal(statement.by)?.sshKeys.map(\.value) ?? []
            let verdict = try keygen.verify(
                statement.payload(organization: settings.organization.value), armor: statement.signature, signer: statement.by, publicKeys: keys,
                namespace: settings.signatureNamespace, time: now)
            if let problem = verdict.problem(signer: statement.by) {
                refuse(problem)
                continue
            }
            valid.append(statement)
        }
        return (valid, problems)
    }

    /// Each reviewed grant's review at `now`. `records` are the audit log's; statements not
    /// logged yet (`isLogged` false) count from now, when this run first sees them.
    package static func evaluate(
        grants: [Grant], statements: [AccessReviewStatement], records: [String: ReviewRecord], isLogged: (AccessReviewStatement) -> Bool,
        now: Timestamp, settings: ReviewSettings
    ) -> [String: AccessReview] {
        var out: [String: AccessReview] = [:]
        let byGrant = Dictionary(grouping: statements, by: \.grant)
        for grant in grants {
            guard let policy = grant.review, out[grant.key] == nil else { continue }
            var record = records[grant.key] ?? ReviewRecord()
            let starts = record.anchor == nil
            if starts { record.anchor = now }
            var fresh: [AccessReviewStatement] = []
            for statement in (byGrant[grant.key] ?? []).sorted(by: { $0.at < $1.at }) where !isLogged(statement) {
                fresh.append(statement)
                switch statement.decision {
                case .confirm:
                    record.anchor = now
                    (record.confirmedBy, record.confirmedAt) = (statement.by, now)
                    (record.removedBy, record.removedAt, record.removedReason) = (nil, nil, nil)
                case .remove:
                    (record.removedBy, record.removedAt, record.removedReason) = (statement.by, now, statement.reason)
                }
            }
            let anchor = record.anchor ?? now
            let due = anchor.adding(policy.every.seconds ?? 0)
            let overdueAt = due.adding(settings.grace.seconds ?? 0)
            let state: AccessReview.State = record.removedAt != nil ? .removed : now > overdueAt ? .overdue : now >= due ? .due : .current
            var review = AccessReview(
                key: grant.key, principal: grant.principal, policy: policy, anchor: anchor, due: due, overdueAt: overdueAt, state: state,
                record: record)
            review.newStatements = fresh
            review.starts = starts
            out[grant.key] = review
        }
        return out
    }
}
