import AccessFormats
import AccessModel

/// How a request fits one policy: what keeps that policy from judging it, and who could
/// approve under it. A request no policy fits can never be approved.
package struct PolicyFit: Sendable {
    package var policy: Policy
    /// What would have to change for this policy to judge the request; empty when it does.
    package var problems: [String]
    /// Who may approve under this policy (the requester only with self-approval).
    package var approvers: [String]

    package var fits: Bool { problems.isEmpty }
}

extension DecisionVerifier {
    /// Every policy with what keeps it from judging `request`, the best fitting first.
    package func fits(_ request: AccessRequest) -> [PolicyFit] {
        let spec = request.spec
        let requester = spec.requester.value
        let resources = spec.resources.map(\.value)
        let asked = spec.askedLength
        return directory.tree.policies.map { policy -> PolicyFit in
            var problems: [String] = []
            if !directory.contains(policy.requesters, requester) { problems.append("\(requester) is not one of its requesters") }
            for r in resources where !policy.resources.contains(where: { $0.value.matches(r) }) {
                problems.append("\(r) is outside its resources (\(policy.resources.map(\.value.text).joined(separator: ", ")))")
            }
            if let when = policy.when {
                for r in resources {
                    if let result = policyCondition(policy, request, r), !result.holds { problems.append("its condition fails for \(r): \(result.explanation(when))") }
                }
            }
            if let role = spec.role?.value, !policy.roles.contains(where: { $0.value == role }) {
                problems.append("role \(role) is not one it grants (" + (policy.roles.isEmpty ? "none" : policy.roles.map(\.value).joined(separator: ", ")) + ")")
            }
            for a in spec.actions.map(\.value) where !policy.actions.contains(where: { $0.value == a }) {
                problems.append("action \(a) is not one it grants (" + (policy.actions.isEmpty ? "none" : policy.actions.map(\.value).joined(separator: ", ")) + ")")
            }
            if let max = policy.maxDuration.value.seconds, let asked {
                if let seconds = asked {
                    if seconds > max { problems.append("\(AccessDuration.format(seconds: seconds)) is longer than its maxDuration \(policy.maxDuration.value)") }
                } else {
                    problems.append("permanent access is longer than its maxDuration \(policy.maxDuration.value)")
                }
            }
            let approvers = remainingApprovers(request, policy: policy.id, approved: [])
            if approvers.count < policy.needed {
                problems.append("it needs \(policy.needed) approver\(policy.needed == 1 ? "" : "s") and only \(approvers.count) can sign (" + (approvers.isEmpty ? "nobody" : approvers.joined(separator: ", ")) + ")")
            }
            return PolicyFit(policy: policy, problems: problems, approvers: approvers)
        }.sorted { ($0.problems.count, $0.policy.id) < ($1.problems.count, $1.policy.id) }
    }

    /// The first policy that can judge `request`, with its approvers: what `fits` finds, but
    /// without words for the policies that do not (a whole tree asks for every request).
    package func judge(_ request: AccessRequest) -> (policy: Policy, approvers: [String])? {
        let spec = request.spec
        let asked = spec.askedLength
        for policy in matchingPolicies(request) {
            if let max = policy.maxDuration.value.seconds, let asked {
                guard let seconds = asked, seconds <= max else { continue }
            }
            let approvers = remainingApprovers(request, policy: policy.id, approved: [])
            if approvers.count >= policy.needed { return (policy, approvers) }
        }
        return nil
    }

    /// Why no policy can approve `request`, naming the nearest one; nil when one can.
    package func noPolicyCanApprove(_ request: AccessRequest) -> String? {
        guard judge(request) == nil else { return nil }
        let all = fits(request)
        guard !all.contains(where: \.fits) else { return nil }
        guard let nearest = all.first else { return "no policy can approve this request: the tree has no policies" }
        // Every policy as near as the nearest is named: which one the author meant is theirs to say.
        let tied = all.filter { $0.problems.count == nearest.problems.count }
        guard tied.count > 1 else { return "no policy can approve this request; the nearest is policy \(nearest.policy.id): " + nearest.problems.joined(separator: "; ") }
        return "no policy can approve this request; the nearest are " + tied.prefix(3).map { "policy \($0.policy.id): " + $0.problems.joined(separator: "; ") }.joined(separator: "; and ")
    }
}

/// How far a pending request is from its threshold, and who can still close the gap.
package struct ApprovalProgress: Sendable, Equatable {
    package var policy: String
    /// Who approved the terms closest to the threshold.
    package var approvers: [String]
    /// The policy's threshold.
    package var needed: Int
    /// Eligible approvers who have not approved those terms, sorted.
    package var remaining: [String]

    package var missing: Int { max(0, needed - approvers.count) }
}

extension DecisionVerifier {
    /// For a pending request: the approvals closest to a threshold (or the first policy that
    /// can judge it, when nobody approved yet); nil when no policy can.
    package func progress(_ status: RequestStatus) -> ApprovalProgress? {
        let groups = approvalGroups(status.checks)
        if let best = groups.min(by: { $0.missing < $1.missing }) {
            return ApprovalProgress(
                policy: best.policy, approvers: best.approvers, needed: best.approvers.count + best.missing,
                remaining: remainingApprovers(status.request, policy: best.policy, approved: best.approvers))
        }
        guard let fit = judge(status.request) else { return nil }
        return ApprovalProgress(policy: fit.policy.id, approvers: [], needed: fit.policy.needed, remaining: fit.approvers)
    }
}

extension Policy {
    /// How many approvals close a request: one (the requester's own) under break-glass.
    package var needed: Int { breakGlass ? 1 : threshold.value }
}

extension RequestSpec {
    /// How long the request asks for: its duration or its window, in seconds; `.some(nil)`
    /// for a permanent duration, nil when it names neither.
    var askedLength: Int64?? {
        duration.map { $0.value.seconds } ?? validFrom.flatMap { from in validTo.map { .some($0.value.seconds - from.value.seconds) } }
    }
}
