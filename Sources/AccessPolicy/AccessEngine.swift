import AccessFormats
import AccessModel

/// The one computation of who has access: every grant the verified tree gives, from roles
/// principals name, roles of their teams (through parent teams), bindings and approved
/// requests, each with its source, scope, window and stable key. `plan`, `reconcile`,
/// `check`, `who-can`, `access`, `status` and the report all read it; nothing else makes grants.
package struct AccessEngine: Sendable {
    package let directory: Directory
    /// Request states, already closed by the audit log's history (`RequestStatus.closed(by:)`).
    /// A request without a status (its decisions could not be checked) grants nothing.
    package let statuses: [String: RequestStatus]
    /// Standing grants taken away by their reviews (removed, or overdue when the settings
    /// remove), by key, with why: they grant nothing until a reviewer confirms them.
    package let suspended: [String: String]

    package init(directory: Directory, statuses: [String: RequestStatus], suspended: [String: String] = [:]) {
        self.directory = directory
        self.statuses = statuses
        self.suspended = suspended
    }

    /// Every grant of one principal (or of all, principals in tree order), whenever in force:
    /// ask `Grant.isActive(at:)` about a time.
    package func grants(of principalID: String? = nil) -> [Grant] {
        grants(of: principalID, activeAt: nil)
    }

    /// `grants(of:)`, leaving out request grants not in force at `time` (when given) before
    /// their scope and policy are worked out: most of 100,000 requests ended long ago.
    private func grants(of principalID: String?, activeAt time: Timestamp?) -> [Grant] {
        if let principalID {
            guard let principal = directory.principal(principalID) else { return [] }
            return standing(principal).filter { suspended[$0.key] == nil } + requestGrants(of: principalID, activeAt: time)
        }
        var requests: [String: [Grant]] = [:]
        for grant in requestGrants(of: nil, activeAt: time) { requests[grant.principal, default: []].append(grant) }
        return directory.tree.principals.flatMap { standing($0).filter { suspended[$0.key] == nil } + (requests[$0.id] ?? []) }
    }

    /// Every standing grant with a review period, suspended or not: what reviews are about.
    package func reviewedGrants() -> [Grant] {
        directory.tree.principals.flatMap { standing($0).filter { $0.review != nil } }
    }

    /// The grants in force at `time`.
    package func grants(at time: Timestamp, of principalID: String? = nil) -> [Grant] {
        grants(of: principalID, activeAt: time).filter { $0.isActive(at: time) }
    }

    /// Roles the principal names, roles of its teams and their parents, and bindings naming it
    /// or its teams. A role or binding whose role the tree lacks gives nothing (fail closed).
    func standing(_ principal: Principal) -> [Grant] {
        let id = principal.id
        var out: [Grant] = principal.roles.filter { directory.role($0.value) != nil }.map {
            var grant = Grant(principal: id, source: .principalRole, role: $0.value, actions: [], scope: nil)
            grant.review = principal.review
            return grant
        }
        for team in principal.teams {
            let chain = directory.ancestors(ofTeam: team.value)
            for (depth, ancestor) in chain.enumerated() {
                let team = directory.team(ancestor)
                out += (team?.roles ?? []).filter { directory.role($0.value) != nil }.map {
                    var grant = Grant(principal: id, source: .teamRole(teams: Array(chain[...depth])), role: $0.value, actions: [], scope: nil)
                    grant.review = team?.review
                    return grant
                }
            }
        }
        for binding in directory.bindings(naming: id) where directory.role(binding.role.value) != nil {
            var grant = Grant(
                principal: id, source: .binding(binding.id), role: binding.role.value, actions: [], scope: binding.resources.map(\.value),
                validFrom: binding.validFrom?.value, validTo: binding.validTo?.value)
            grant.review = binding.review
            out.append(grant)
        }
        return out
    }

    /// Grants of approved requests: the approved terms, not before the approvals were
    /// observed, ended at a revoke or relinquish and at the end the audit log records.
    func requestGrants(of principalID: String?, activeAt time: Timestamp? = nil, parallelFrom threshold: Int = 4096) -> [Grant] {
        let requests = directory.tree.requests
        guard principalID == nil, requests.count >= threshold else {
            return requests.compactMap { requestGrant($0, of: principalID, activeAt: time) }
        }
        // Every request of a long tree, on every run that plans or reports: on every core (it
        // ran on one, half a second of a plan on 100,000 requests).
        let engine = self
        return Parallel.map(requests, workers: Parallel.cores) { engine.requestGrant($0, of: nil, activeAt: time) }.compactMap { $0 }
    }

    /// The grant of one request, if it is the principal's and grants (at `time`, when given).
    private func requestGrant(_ request: AccessRequest, of principalID: String?, activeAt time: Timestamp?) -> Grant? {
        let requester = request.spec.requester.value
        guard principalID == nil || requester == principalID, directory.hasPrincipal(requester),
            let status = statuses[request.id], let terms = status.terms
        else { return nil }
        let window = Self.window(terms, status)
        if let time, !Grant.isActive(validFrom: window.validFrom, observedFrom: window.observedFrom, validTo: window.validTo, at: time) { return nil }
        var grant = Grant(
            principal: requester, source: .request(request.id, approvers: status.approvers), role: terms.role, actions: terms.actions,
            scope: terms.resources.map(ResourcePattern.init(exactly:)), validFrom: terms.validFrom, validTo: terms.validTo)
        grant.leftOut = Set(status.leftOut.map(\.resource))
        grant.emergency = status.emergency
        grant.exceptions = status.leftOut.map(\.why)
        grant.policy = status.checks.first { $0.outcome == .valid && $0.decision.kind.value == .approve && $0.decision.terms == terms }?.policy
        (grant.observedFrom, grant.validTo) = (window.observedFrom, window.validTo)
        return grant
    }

    /// When a request grant is in force: its terms' window, from when its approvals were
    /// observed, to the first revoke, relinquish or end the audit log records.
    static func window(_ terms: Terms, _ status: RequestStatus) -> (validFrom: Timestamp, observedFrom: Timestamp?, validTo: Timestamp?) {
        var validTo = terms.validTo
        let observedFrom = status.approvedAt.flatMap { $0 > terms.validFrom ? $0 : nil }
        let ends = status.checks.filter { $0.outcome == .valid && [.revoke, .relinquish].contains($0.decision.kind.value) }.map(\.decision.at.value)
        for end in ends + [status.endedInLog].compactMap({ $0 }) { validTo = min(validTo ?? end, end) }
        return (terms.validFrom, observedFrom, validTo)
    }

    /// An evaluator over these grants.
    package var evaluator: AccessEvaluator { AccessEvaluator(directory: directory, grants: grants()) }

    /// An evaluator over the grants in force at `time`: all an answer about that time reads
    /// (an `AccessIndex` at `time` keeps only these), without working out the scope and policy
    /// of every request that ended long ago (most of a long tree's).
    package func evaluator(at time: Timestamp) -> AccessEvaluator { AccessEvaluator(directory: directory, grants: grants(at: time)) }

    /// This engine with the suspensions of `reviews` under `settings`.
    package func suspending(_ reviews: [String: AccessReview], _ settings: ReviewSettings) -> AccessEngine {
        var suspended: [String: String] = [:]
        for (key, review) in reviews where review.suspends(settings) { suspended[key] = review.why }
        return AccessEngine(directory: directory, statuses: statuses, suspended: suspended)
    }

    /// An evaluator over one principal's grants only (`check`, `access`).
    package func evaluator(of principalID: String) -> AccessEvaluator {
        AccessEvaluator(directory: directory, grants: grants(of: principalID))
    }
}
