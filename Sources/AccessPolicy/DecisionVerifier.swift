import Foundation
import AccessFormats
import AccessModel

/// Checks each signed decision: signature through ssh-keygen, then the signer's authority
/// under the policies (DESIGN.md section 4).
package struct DecisionVerifier: Sendable {
    /// How far a decision's `at` may lie ahead of now (clocks differ a little).
    package static let clockSkew: Int64 = 300

    /// The verdict on one decision.
    package enum Outcome: Sendable, Equatable {
        case valid
        /// Properly signed, but for a spec that has changed since: it no longer counts.
        case voided(String)
        case invalid(String)
    }

    /// One decision and its verdict; `policy` is the policy it was valid under.
    package struct Check: Sendable {
        package var index: Int
        package var decision: Decision
        package var outcome: Outcome
        package var policy: String?
        /// False when the request was closed (see `isClosed`), so the signature was not re-verified.
        package var signatureChecked = true
        /// A break-glass approval: the requester's own, under a `breakGlass` policy.
        package var emergency = false
    }

    package let directory: Directory
    package let settings: Settings
    package let now: Timestamp
    package let keygen: any SignatureTool
    /// A request that cannot affect a grant at or after this time is closed (default: now).
    package var liveFrom: Timestamp
    /// When a reconcile first saw each decision (by `Decision.observationKey`), from the audit log.
    package var observed: [String: Timestamp] = [:]
    /// ssh-keygen's verdicts worked out ahead, in parallel: by request id, then decision index.
    package var verdicts: [String: [Int: SignatureVerdict]] = [:]
    /// Approvers by policy and owner teams, filled as they are asked for (see `approvers`).
    let approverCache = ApproverCache()

    package init(tree: AccessTree, settings: Settings, now: Timestamp, keygen: any SignatureTool, liveFrom: Timestamp? = nil) {
        self.init(directory: Directory(tree), settings: settings, now: now, keygen: keygen, liveFrom: liveFrom)
    }

    /// A verifier over lookups already built.
    package init(directory: Directory, settings: Settings, now: Timestamp, keygen: any SignatureTool, liveFrom: Timestamp? = nil) {
        self.directory = directory
        self.settings = settings
        self.now = now
        self.keygen = keygen
        self.liveFrom = liveFrom ?? now
    }

    /// Whether no decision of `request` can affect a grant at or after `liveFrom`: no approval's
    /// terms reach past it, and the request went stale before it, so no new approval can
    /// count. Such decisions are history: their signatures are not re-verified (they were
    /// when they mattered), which keeps a tree with years of requests fast. This rests only
    /// on the signed terms and the clock, never on anything else stored in the repository.
    package func isClosed(_ request: AccessRequest) -> Bool {
        isClosed(request, asOf: liveFrom)
    }

    /// Whether no decision of `request` can affect a grant at or after `time`.
    package func isClosed(_ request: AccessRequest, asOf time: Timestamp, policies: [Policy]? = nil) -> Bool {
        // A possible break-glass request stays open: its review is signed after the access
        // ended, and whether it is there must rest on a verified signature.
        let requester = request.spec.requester.value
        if request.decisions.contains(where: { $0.kind.value == .review }) { return false }
        if request.decisions.contains(where: { $0.kind.value == .approve && $0.by.value == requester }),
            (policies ?? matchingPolicies(request)).contains(where: \.breakGlass)
        {
            return false
        }
        // Fixed windows first: most requests are decided by them without the policies.
        var durations: [AccessDuration] = []
        let live = request.decisions.contains { d in
            // Fields read through `d.terms?` in place: binding `terms` copied its lists.
            guard d.kind.value == .approve, d.terms != nil else { return false }
            if let duration = d.terms?.duration {
                durations.append(duration)
                return false
            }
            return d.terms?.validTo.map { $0 > time } ?? true
        }
        if live { return false }
        let ttl = (policies ?? matchingPolicies(request)).compactMap(\.requestTTL.seconds).max() ?? Policy.defaultRequestTTL.seconds!
        let staleAt = request.spec.requestedAt.value.seconds + ttl + Self.clockSkew
        // A duration's window starts when the threshold is reached, at the latest when the
        // request goes stale: it may end that long after.
        if durations.contains(where: { $0.seconds.map { time.seconds < staleAt + $0 } ?? true }) { return false }
        return time.seconds > staleAt
    }

    /// What a request's state starts from: the policies it matches and whether it is closed
    /// at `now`. Worked out once per request and handed to both `signatureJobs` and
    /// `status`, which each matched the policies again (100,000 requests per run).
    package struct Screening: Sendable {
        package var policies: [Policy]
        package var closedNow: Bool
    }

    /// The screening of one request.
    package func screen(_ request: AccessRequest) -> Screening {
        let policies = matchingPolicies(request)
        return Screening(policies: policies, closedNow: isClosed(request, asOf: now, policies: policies))
    }

    /// The signatures `check` will ask ssh-keygen about: every decision of each open request.
    /// Whether a request is open is worked out in parallel: it is asked of every request.
    package func signatureJobs(_ requests: [AccessRequest], parallel: Int = 1) -> [SignatureJob] {
        let open = Parallel.map(requests, workers: Parallel.workers(for: requests.count, from: 256, upTo: parallel)) { request in
            !request.decisions.isEmpty && !isClosed(request)
        }
        return signatureJobs(requests, open: open)
    }

    /// `signatureJobs` with each request's screening worked out already (in the same order).
    package func signatureJobs(_ requests: [AccessRequest], screenings: [Screening]) -> [SignatureJob] {
        // Open means not closed at `liveFrom`; the screening says at `now`.
        let open = requests.indices.map { i in
            !requests[i].decisions.isEmpty && !(liveFrom == now ? screenings[i].closedNow : isClosed(requests[i], asOf: liveFrom, policies: screenings[i].policies))
        }
        return signatureJobs(requests, open: open)
    }

    private func signatureJobs(_ requests: [AccessRequest], open: [Bool]) -> [SignatureJob] {
        var jobs: [SignatureJob] = []
        for (i, request) in requests.enumerated() where open[i] {
            for (index, decision) in request.decisions.enumerated() {
                let by = decision.by.value
                jobs.append(SignatureJob(
                    request: request.id, index: index, message: DecisionPayload.bytes(organization: settings.organization.value, request: request, decision: decision),
                    armor: decision.signature.value, signer: by, publicKeys: directory.principal(by)?.sshKeys.map(\.value) ?? []))
            }
        }
        return jobs
    }

    /// Policies under which the requester may ask for everything the request asks for.
    package func matchingPolicies(_ request: AccessRequest) -> [Policy] {
        // One copy of the spec for all policies: read through `request.spec` inside the
        // closure, it was copied (a retain per field) at each use, for each policy.
        let spec = request.spec
        return directory.tree.policies.filter { policy in
            directory.contains(policy.requesters, spec.requester.value)
                && spec.resources.allSatisfy { r in policy.resources.contains { $0.value.matches(r.value) } }
                && (spec.role.map { role in policy.roles.contains { $0.value == role.value } } ?? true)
                && spec.actions.allSatisfy { a in policy.actions.contains { $0.value == a.value } }
                && spec.resources.allSatisfy { r in policyCondition(policy, request, r.value)?.holds ?? true }
        }
    }

    /// A policy's condition for the request on one resource; nil when the policy has none.
    /// A policy's condition reads the requester, the resource and the request, never the
    /// time (the checker refuses it): a policy judges a request once, not at each use.
    package func policyCondition(_ policy: Policy, _ request: AccessRequest, _ resource: ResourceRef) -> ConditionResult? {
        guard let when = policy.when else { return nil }
        let spec = request.spec
        let facts = ConditionContext.RequestFacts(name: request.id, reason: spec.reason.value, duration: spec.askedLength ?? nil)
        guard let context = directory.conditionContext(spec.requester.value, resource, request: facts, time: nil) else {
            return ConditionResult(holds: false, values: [], missing: "\(resource) or \(spec.requester.value) is not in the configuration")
        }
        return when.evaluate(context)
    }

    /// The descendants of an approved grant's resources that no policy the approvals satisfy
    /// covers, each with why: the hierarchy never widens a policy (DESIGN.md section 4). A
    /// request for a company under a one-approver policy does not reach the company's
    /// production site when that site's own policy needs two approvals.
    package func leftOut(_ request: AccessRequest, _ terms: Terms, approvers: [String]) -> [(resource: ResourceRef, why: String)] {
        let spec = request.spec
        let requester = spec.requester.value
        var out: [(resource: ResourceRef, why: String)] = []
        var seen = Set(terms.resources)
        for granted in terms.resources {
            for child in directory.descendants(of: granted) where seen.insert(child).inserted {
                let candidates = directory.tree.policies.filter { policy in
                    directory.contains(policy.requesters, requester) && policy.resources.contains { $0.value.matches(child) }
                        && (terms.role.map { role in policy.roles.contains { $0.value == role } } ?? true)
                        && terms.actions.allSatisfy { a in policy.actions.contains { $0.value == a } }
                }
                let policies = candidates.filter { policyCondition($0, request, child)?.holds ?? true }
                guard !policies.isEmpty else {
                    if let failed = candidates.first, let when = failed.when, let result = policyCondition(failed, request, child) {
                        out.append((child, "\(child) left out: the condition of policy \(failed.id) failed, \(result.explanation(when))"))
                    } else {
                        out.append((child, "\(child) left out: no policy lets \(requester) request it"))
                    }
                    continue
                }
                let counts = policies.map { policy in
                    (policy, approvers.filter { isApprover($0, policy, [child]) && ($0 != requester || policy.allowSelfApproval) }.count)
                }
                // A break-glass policy is satisfied by its requester's own approval.
                let satisfied = policies.contains { $0.breakGlass && approvers.contains(requester) } || counts.contains { $0.1 >= $0.0.threshold.value }
                guard !satisfied else { continue }
                let closest = counts.min { ($0.0.threshold.value - $0.1) < ($1.0.threshold.value - $1.1) }!
                out.append((child, "\(child) left out: policy \(closest.0.id) needs \(closest.0.threshold.value) approval\(closest.0.threshold.value == 1 ? "" : "s"), \(closest.1) given"))
            }
        }
        return out
    }

    /// The time a decision counts from: the later of its signed `at` and when a reconcile
    /// first saw it (now, for one not seen yet), so back-dating `at` gains nothing. A closed
    /// request's decisions (not re-verified, changing nothing) keep their signed time.
    package func effectiveTime(_ request: AccessRequest, _ decision: Decision, closedNow: Bool? = nil) -> Timestamp {
        guard !(closedNow ?? isClosed(request, asOf: now)) else { return decision.at.value }
        return max(decision.at.value, observed[decision.observationKey(request.id)] ?? now)
    }

    /// Whether `who` approves under `policy` for `resources`.
    package func isApprover(_ who: String, _ policy: Policy, _ resources: [ResourceRef]) -> Bool {
        directory.contains(policy.approvers.subjects, who) || (policy.approvers.owner && directory.ownsAll(resources, who))
            || (policy.approvers.impersonated && Self.impersonates(resources, who))
    }

    /// Whether every resource is `principal:WHO`: the impersonated person approves their own.
    static func impersonates(_ resources: [ResourceRef], _ who: String) -> Bool {
        !resources.isEmpty && resources.allSatisfy { $0.type == TreeValidator.principalType && $0.name == who }
    }

    /// Checks every decision of a request, in order.
    package func check(_ request: AccessRequest) throws -> [Check] {
        let policies = matchingPolicies(request)
        return try check(request, policies: policies, closedNow: isClosed(request, asOf: now, policies: policies))
    }

    /// `check` with the request's matching policies and whether it is closed at `now` worked
    /// out by the caller, which needs them too (`status`): matching the policies is most of
    /// the cost of a request's state.
    func check(_ request: AccessRequest, policies: [Policy], closedNow: Bool) throws -> [Check] {
        let closed = liveFrom == now ? closedNow : isClosed(request, asOf: liveFrom, policies: policies)
        return try request.decisions.enumerated().map { index, decision in
            var check = Check(index: index, decision: decision, outcome: .valid, policy: nil, signatureChecked: !closed)
            if !closed, let problem = try signatureProblem(request, index, decision) {
                check.outcome = .invalid(problem)
            } else if decision.specDigest.value != request.specDigest {
                check.outcome = .voided("the request's spec changed after this decision was signed; it needs a new decision")
            } else {
                switch authority(request, decision, policies, closedNow: closedNow) {
                case .success(let policy):
                    check.policy = policy
                    check.emergency = decision.kind.value == .approve && decision.by.value == request.spec.requester.value
                        && policies.contains { $0.id == policy && $0.breakGlass }
                case .failure(let problem): check.outcome = .invalid(problem.message)
                }
            }
            return check
        }
    }

    /// Why `decision` would not count even with a good signature, or nil; used before signing.
    package func authorityProblem(_ request: AccessRequest, _ decision: Decision) -> String? {
        if case .failure(let problem) = authority(request, decision, matchingPolicies(request)) { return problem.message }
        return nil
    }

    private func signatureProblem(_ request: AccessRequest, _ index: Int, _ decision: Decision) throws -> String? {
        let by = decision.by.value
        if directory.principal(by) == nil { return "unknown signer: '\(by)' is not a principal of the configuration" }
        if let verdict = verdicts[request.id]?[index] { return verdict.problem(signer: by) }
        let keys = directory.principal(by)?.sshKeys.map(\.value) ?? []
        let message = DecisionPayload.bytes(organization: settings.organization.value, request: request, decision: decision)
        return try keygen.verify(message, armor: decision.signature.value, signer: by, publicKeys: keys, namespace: settings.signatureNamespace, time: now)
            .problem(signer: by)
    }

    struct Problem: Error {
        var message: String
    }

    /// The policy under which the signer had authority, or why there was none.
    private func authority(_ request: AccessRequest, _ decision: Decision, _ policies: [Policy], closedNow: Bool? = nil) -> Result<String?, Problem> {
        let spec = request.spec
        let by = decision.by.value
        let requester = spec.requester.value
        if decision.at.value.seconds > now.seconds + Self.clockSkew {
            return .failure(Problem(message: "decision time \(decision.at.value) is in the future (now is \(now))"))
        }
        if decision.kind.value == .relinquish {
            return by == requester ? .success(nil) : .failure(Problem(message: "only the requester '\(requester)' may relinquish"))
        }
        guard !policies.isEmpty else {
            return .failure(Problem(message: "no policy lets '\(requester)' request this"))
        }
        // Break-glass: the requester approves their own request at once, with a reason.
        let breakGlass = policies.filter(\.breakGlass)
        if decision.kind.value == .approve, by == requester, !breakGlass.isEmpty {
            guard let reason = decision.reason, !reason.allSatisfy(\.isWhitespace) else {
                return .failure(Problem(message: "a break-glass approval needs a reason: say what the emergency is (--reason)"))
            }
            return termsFit(request, decision, breakGlass, closedNow: closedNow)
        }
        let resources = decision.terms?.resources ?? spec.resources.map(\.value)
        let approverOf = policies.filter { isApprover(by, $0, resources) }
        guard !approverOf.isEmpty else {
            return .failure(Problem(message: "not an approver: '\(by)' approves under none of the matching policies (\(policies.map(\.id).joined(separator: ", ")))"))
        }
        if decision.kind.value == .revoke { return .success(approverOf[0].id) }
        if decision.kind.value == .review {
            guard by != requester else { return .failure(Problem(message: "a review is an approver's look at someone else's break-glass access; '\(by)' made this request")) }
            guard let policy = approverOf.first(where: \.breakGlass) else {
                return .failure(Problem(message: "only a break-glass grant takes a review; none of the policies \(by) approves under (\(approverOf.map(\.id).joined(separator: ", "))) is break-glass"))
            }
            return .success(policy.id)
        }
        let allowed = by == requester ? approverOf.filter(\.allowSelfApproval) : approverOf
        guard !allowed.isEmpty else {
            return .failure(Problem(message: "self-approval: '\(by)' made this request, and policy \(approverOf[0].id) does not allow self-approval"))
        }
        if decision.kind.value == .deny { return .success(allowed[0].id) }
        return termsFit(request, decision, allowed, closedNow: closedNow)
    }

    /// The first of `allowed` whose limits an approval's terms keep, or why none does.
    private func termsFit(_ request: AccessRequest, _ decision: Decision, _ allowed: [Policy], closedNow: Bool?) -> Result<String?, Problem> {
        let spec = request.spec
        guard let terms = decision.terms else { return .failure(Problem(message: "an approval needs terms")) }
        if let problem = widening(terms, spec) { return .failure(Problem(message: "terms wider than requested: \(problem)")) }
        var lastProblem = ""
        let effective = effectiveTime(request, decision, closedNow: closedNow)
        for policy in allowed {
            let staleAt = spec.requestedAt.value.adding(policy.requestTTL.seconds ?? 0)
            if effective > staleAt {
                lastProblem = "the request went stale at \(staleAt) (requestTTL \(policy.requestTTL) of policy \(policy.id)); it can no longer be approved"
                    + (effective > decision.at.value ? " (this approval counts from \(effective), when accessctl first saw it, not its signed time \(decision.at.value))" : "")
                continue
            }
            if let max = policy.maxDuration.value.seconds {
                guard let to = terms.validTo else {
                    lastProblem = "terms exceed policy \(policy.id): a permanent grant is longer than maxDuration \(policy.maxDuration.value)"
                    continue
                }
                if to.seconds - terms.validFrom.seconds > max {
                    lastProblem = "terms exceed policy \(policy.id): \(AccessDuration.format(seconds: to.seconds - terms.validFrom.seconds)) is longer than maxDuration \(policy.maxDuration.value)"
                    continue
                }
            }
            return .success(policy.id)
        }
        return .failure(Problem(message: lastProblem))
    }

    /// How approved terms go beyond what was requested, if they do.
    func widening(_ terms: Terms, _ spec: RequestSpec) -> String? {
        let requested = Set(spec.resources.map(\.value))
        if let extra = terms.resources.first(where: { !requested.contains($0) }) { return "resource \(extra) was not requested" }
        if let role = terms.role, role != spec.role?.value { return "role \(role) was not requested" }
        let actions = Set(spec.actions.map(\.value))
        if let extra = terms.actions.first(where: { !actions.contains($0) }) { return "action \(extra) was not requested" }
        if let from = spec.validFrom?.value, let to = spec.validTo?.value {
            if terms.validFrom < from { return "starts at \(terms.validFrom), before the requested \(from)" }
            guard let termsTo = terms.validTo, termsTo <= to else { return "ends after the requested \(to)" }
        } else if let duration = spec.duration?.value, let seconds = duration.seconds {
            guard let termsTo = terms.validTo, termsTo.seconds - terms.validFrom.seconds <= seconds else {
                return "lasts longer than the requested \(duration)"
            }
        }
        return nil
    }

    /// Who may still approve `request` under `policyID`: its approvers (the requester only
    /// where the policy allows self-approval) who have not approved yet, sorted.
    package func remainingApprovers(_ request: AccessRequest, policy policyID: String, approved: [String]) -> [String] {
        guard let policy = directory.tree.policies.first(where: { $0.id == policyID }) else { return [] }
        let requester = request.spec.requester.value
        // Under break-glass the requester approves (at once); the approvers review afterwards.
        if policy.breakGlass { return approved.contains(requester) ? [] : [requester] }
        return approvers(policy, request.spec.resources.map(\.value)).filter { id in
            !approved.contains(id) && (id != requester || policy.allowSelfApproval)
        }
    }

    /// Everyone who approves under `policy` for `resources`, sorted. It depends only on the
    /// policy and, for `owner: true`, the resources' owner teams: worked out once per pair
    /// (a whole tree asks it for every pending request).
    package func approvers(_ policy: Policy, _ resources: [ResourceRef]) -> [String] {
        let owners = policy.approvers.owner ? Set(resources.map { directory.resource($0)?.owner.value ?? "" }).sorted().joined(separator: ",") : ""
        let impersonated = policy.approvers.impersonated ? Set(resources.map(\.description)).sorted().joined(separator: ",") : ""
        let key = "\(policy.id)|\(owners)|\(impersonated)"
        return approverCache.lists.value(key) { approverList(policy, resources) } ?? []
    }

    private func approverList(_ policy: Policy, _ resources: [ResourceRef]) -> [String] {
        // The same set `isApprover` describes, from who is in which team and holds which
        // role (indexed once), not by asking every principal.
        let (members, holders) = approverCache.index(directory)
        var found = Set(policy.approvers.subjects.principals.map(\.value).filter { directory.principal($0) != nil })
        for team in policy.approvers.subjects.teams { found.formUnion(members[team.value] ?? []) }
        for role in policy.approvers.subjects.roles { found.formUnion(holders[role.value] ?? []) }
        if policy.approvers.owner, !resources.isEmpty {
            // Members of the owner team of every resource concerned.
            let teams = resources.map { directory.resource($0)?.owner.value }
            if !teams.contains(nil) {
                var owners: Set<String>?
                for team in teams.compactMap({ $0 }) {
                    let these = members[team] ?? []
                    owners = owners.map { $0.intersection(these) } ?? these
                }
                found.formUnion(owners ?? [])
            }
        }
        if policy.approvers.impersonated, let first = resources.first, Self.impersonates(resources, first.name), directory.principal(first.name) != nil {
            found.insert(first.name)
        }
        return found.sorted()
    }

    /// Valid approvals grouped by policy and identical terms, each with its distinct approvers
    /// and how many more the policy's threshold needs (0 when it is met).
    package func approvalGroups(_ checks: [Check]) -> [(terms: Terms, policy: String, approvers: [String], missing: Int)] {
        var groups: [(terms: Terms, policy: String, approvers: [String], emergency: Bool)] = []
        for check in checks where check.outcome == .valid && check.decision.kind.value == .approve {
            guard let terms = check.decision.terms, let policy = check.policy else { continue }
            if let i = groups.firstIndex(where: { $0.terms == terms && $0.policy == policy }) {
                if !groups[i].approvers.contains(check.decision.by.value) { groups[i].approvers.append(check.decision.by.value) }
                groups[i].emergency = groups[i].emergency || check.emergency
            } else {
                groups.append((terms, policy, [check.decision.by.value], check.emergency))
            }
        }
        let thresholds = Dictionary(directory.tree.policies.map { ($0.id, $0.threshold.value) }, uniquingKeysWith: { a, _ in a })
        // A break-glass self-approval needs nobody else: that is the point of it.
        return groups.map { ($0.terms, $0.policy, $0.approvers, $0.emergency ? 0 : max(0, (thresholds[$0.policy] ?? 1) - $0.approvers.count)) }
    }

    /// The terms and policy of an approval whose distinct valid approvers reach the policy's
    /// threshold, if any; approvers must sign identical terms to count together.
    package func approval(_ request: AccessRequest, _ checks: [Check]) -> (terms: Terms, policy: String, approvers: [String])? {
        approvalGroups(checks).first { $0.missing == 0 }.map { ($0.terms, $0.policy, $0.approvers) }
    }
}

/// A memo of approver lists, shared by copies of one verifier; a lock makes it safe to use
/// from the parallel loaders.
final class ApproverCache: @unchecked Sendable {
    private let lock = NSLock()
    /// Approver lists by policy and owner teams.
    let lists = LockedMemo<[String]>()

    private var indexed: (members: [String: Set<String>], holders: [String: Set<String>])?

    /// Members of each team (as `Directory.teams(of:)` counts them) and holders of each role.
    func index(_ directory: Directory) -> (members: [String: Set<String>], holders: [String: Set<String>]) {
        lock.withLock {
            if let indexed { return indexed }
            var members: [String: Set<String>] = [:], holders: [String: Set<String>] = [:]
            for principal in directory.tree.principals {
                for team in directory.teams(of: principal.id) { members[team, default: []].insert(principal.id) }
                for role in directory.roles(of: principal.id) { holders[role, default: []].insert(principal.id) }
            }
            indexed = (members, holders)
            return (members, holders)
        }
    }
}
