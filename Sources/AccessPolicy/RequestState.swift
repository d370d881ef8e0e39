import AccessFormats
import AccessModel

/// Where a request stands at a given time, from its verified decisions.
package enum RequestState: String, Sendable, CaseIterable {
    case pending, approved, active, expired, denied, revoked, relinquished, stale, voided
}

/// A request with its checked decisions and the state they put it in.
///
/// Its strings and lists live in one shared box (`SharedFields`): every run copies each of
/// 100,000 states into dictionaries, the engine and the report. The plain fields (state,
/// times, flags) are kept inline.
package struct RequestStatus: Sendable {
    private struct Boxed: Sendable {
        var request: AccessRequest
        var checks: [DecisionVerifier.Check]
        var terms: Terms?
        var approvers: [String]
        var missingApprovals: (count: Int, policy: String)?
        var leftOut: [(resource: ResourceRef, why: String)] = []
        var review: (by: String, at: Timestamp, decision: Decision.Kind)?
    }

    private var shared: SharedFields<Boxed>

    package var state: RequestState
    /// The latest decision time, or when it was requested.
    package var updatedAt: Timestamp
    /// When the audit log shows the request ended although the tree would still grant it
    /// (a revoke removed from the file, say): the state is then the log's.
    package var endedInLog: Timestamp?
    /// When the approvals that reached the threshold were observed (the later of each one's
    /// signed time and when a reconcile first saw it): no access before that.
    package var approvedAt: Timestamp?
    /// Set by `closed(by:)` when only the audit log, not the tree, says the request ended.
    package var endedOnlyInLog = false
    /// Granted by break-glass: the requester's own approval under a `breakGlass` policy.
    package var emergency = false
    /// For an emergency grant: when its signed review is due.
    package var reviewDue: Timestamp?

    init(request: AccessRequest, checks: [DecisionVerifier.Check], state: RequestState, terms: Terms?, approvers: [String], updatedAt: Timestamp) {
        shared = SharedFields(Boxed(request: request, checks: checks, terms: terms, approvers: approvers))
        self.state = state
        self.updatedAt = updatedAt
    }

    package var request: AccessRequest {
        _read { yield shared.fields.request }
        _modify { yield &shared.fields.request }
    }

    package var checks: [DecisionVerifier.Check] {
        _read { yield shared.fields.checks }
        _modify { yield &shared.fields.checks }
    }

    /// The approval that reached its threshold, if any.
    package var terms: Terms? {
        _read { yield shared.fields.terms }
        _modify { yield &shared.fields.terms }
    }

    package var approvers: [String] {
        _read { yield shared.fields.approvers }
        _modify { yield &shared.fields.approvers }
    }

    /// For a pending request: how many more approvers the threshold needs, and of which policy.
    package var missingApprovals: (count: Int, policy: String)? {
        _read { yield shared.fields.missingApprovals }
        _modify { yield &shared.fields.missingApprovals }
    }

    /// Descendants of the approved resources that the approvals do not reach, with why.
    package var leftOut: [(resource: ResourceRef, why: String)] {
        _read { yield shared.fields.leftOut }
        _modify { yield &shared.fields.leftOut }
    }

    /// For an emergency grant: the review (or the revoke) an approver signed, if any.
    package var review: (by: String, at: Timestamp, decision: Decision.Kind)? {
        _read { yield shared.fields.review }
        _modify { yield &shared.fields.review }
    }

    /// An emergency grant whose review is due and missing at `time`.
    package func reviewOverdue(at time: Timestamp) -> Bool {
        emergency && review == nil && (reviewDue.map { time > $0 } ?? false)
    }
}

extension DecisionVerifier {
    /// The state of `request` at this verifier's `now`.
    package func status(_ request: AccessRequest) throws -> RequestStatus {
        try status(request, screening: screen(request))
    }

    /// `status` with the request's screening worked out already.
    package func status(_ request: AccessRequest, screening: Screening) throws -> RequestStatus {
        let policies = screening.policies
        // Whether decisions keep their signed times (see effectiveTime), worked out once.
        let closedNow = screening.closedNow
        let checks = try check(request, policies: policies, closedNow: closedNow)
        let valid = checks.filter { $0.outcome == .valid }
        // Valid denies are final once a policy's denyThreshold (default 1) of distinct eligible
        // approvers denied: approvals from that time on do not count (DESIGN.md section 4).
        // Denies after the approval threshold was reached have no effect; revoke ends access.
        let denies = valid.filter { $0.decision.kind.value == .deny }
        var firstDeny: Timestamp?
        for (policyID, checks) in Dictionary(grouping: denies, by: { $0.policy ?? "" }) {
            var first: [String: Timestamp] = [:]
            for check in checks {
                let time = effectiveTime(request, check.decision, closedNow: closedNow)
                first[check.decision.by.value] = min(first[check.decision.by.value] ?? time, time)
            }
            let times = first.values.sorted()
            let needed = directory.tree.policies.first { $0.id == policyID }?.denyThreshold ?? 1
            if times.count >= needed { firstDeny = min(firstDeny ?? times[needed - 1], times[needed - 1]) }
        }
        let counted = firstDeny.map { deny in checks.filter { !($0.decision.kind.value == .approve && effectiveTime(request, $0.decision, closedNow: closedNow) >= deny) } } ?? checks
        let groups = approvalGroups(counted)
        let approval = groups.first { $0.missing == 0 }
        let updated = request.decisions.map(\.at.value).max().map { max($0, request.spec.requestedAt.value) } ?? request.spec.requestedAt.value
        var status = RequestStatus(request: request, checks: checks, state: .pending, terms: approval?.terms, approvers: approval?.approvers ?? [], updatedAt: updated)
        if let approval {
            status.leftOut = leftOut(request, approval.terms, approvers: approval.approvers)
            // The threshold is reached when its last needed approver's decision counts.
            var firstCounted: [String: Timestamp] = [:]
            for check in counted where check.outcome == .valid && check.decision.kind.value == .approve && check.decision.terms == approval.terms
                && check.policy == approval.policy && approval.approvers.contains(check.decision.by.value)
            {
                let time = effectiveTime(request, check.decision, closedNow: closedNow)
                firstCounted[check.decision.by.value] = min(firstCounted[check.decision.by.value] ?? time, time)
            }
            let times = firstCounted.values.sorted()
            let needed = directory.tree.policies.first { $0.id == approval.policy }?.threshold.value ?? 1
            if !times.isEmpty { status.approvedAt = times[min(max(needed, 1), times.count) - 1] }
            // Terms signed as a duration: the window starts when the threshold was reached.
            if let approvedAt = status.approvedAt { status.terms = approval.terms.placed(at: approvedAt) }
            if counted.contains(where: { $0.emergency && $0.outcome == .valid && $0.decision.terms == approval.terms && $0.policy == approval.policy }),
                let policy = directory.tree.policies.first(where: { $0.id == approval.policy })
            {
                status.emergency = true
                status.reviewDue = status.approvedAt.map { $0.adding(policy.reviewWithin.seconds ?? 0) }
                let requester = request.spec.requester.value
                if let reviewed = valid.first(where: { [.review, .revoke].contains($0.decision.kind.value) && $0.decision.by.value != requester }) {
                    status.review = (reviewed.decision.by.value, reviewed.decision.at.value, reviewed.decision.kind.value)
                }
            }
        }
        func has(_ kind: Decision.Kind) -> Bool { valid.contains { $0.decision.kind.value == kind } }
        if has(.relinquish) {
            status.state = .relinquished
        } else if has(.revoke) {
            status.state = .revoked
        } else if let terms = status.terms {
            if now < terms.validFrom {
                status.state = .approved
            } else if let to = terms.validTo, now >= to {
                status.state = .expired
            } else {
                status.state = .active
            }
        } else if firstDeny != nil {
            status.state = .denied
        } else if !valid.contains(where: { $0.decision.kind.value == .approve }), checks.contains(where: { if case .voided = $0.outcome { true } else { false } }) {
            status.state = .voided
        } else {
            let ttl = policies.compactMap(\.requestTTL.seconds).max() ?? Policy.defaultRequestTTL.seconds!
            if now.seconds > request.spec.requestedAt.value.seconds + ttl { status.state = .stale }
            // The group of identical terms closest to its threshold says what is missing.
            status.missingApprovals = groups.filter { $0.missing > 0 }.min { $0.missing < $1.missing }
                .map { (count: $0.missing, policy: $0.policy) }
        }
        return status
    }
}
