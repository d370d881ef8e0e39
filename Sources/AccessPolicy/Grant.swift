import AccessFormats
import AccessModel

/// One source of permissions for one principal: a role held directly or through teams,
/// a standing binding, or an approved request. `AccessEngine` is the only place that makes them.
package struct Grant: Sendable {
    package enum Source: Sendable, Equatable {
        /// A role the principal names itself.
        case principalRole
        /// A role of a team, reached through the principal's team and its parents (nearest first;
        /// the last holds the role).
        case teamRole(teams: [String])
        case binding(String)
        case request(String, approvers: [String])
    }

    package var principal: String
    package var source: Source
    /// The role whose rules apply, if any.
    package var role: String?
    /// Extra actions granted directly (requests).
    package var actions: [String]
    /// Where the grant applies; nil means wherever the role's rules reach.
    package var scope: [ResourcePattern]?
    package var validFrom: Timestamp?
    package var validTo: Timestamp?
    /// When a reconcile first saw the approvals that reached the threshold, if after
    /// `validFrom`: a back-dated approval does not make access exist before the tool saw it.
    package var observedFrom: Timestamp?
    /// Descendants of the scope the grant does not reach (no satisfied policy covers them).
    package var leftOut: Set<ResourceRef> = []
    /// The same, each `REF (why)`, in order: what the state file and the hook receive.
    package var exceptions: [String] = []
    /// The policy the approval was valid under (requests only).
    package var policy: String?
    /// Granted by break-glass: marked as emergency in the plan, the log, the hook and the report.
    package var emergency = false
    /// Standing access that must be reviewed: the source's `review`.
    package var review: ReviewPolicy?

    package init(
        principal: String, source: Source, role: String?, actions: [String], scope: [ResourcePattern]?, validFrom: Timestamp? = nil,
        validTo: Timestamp? = nil
    ) {
        self.principal = principal
        self.source = source
        self.role = role
        self.actions = actions
        self.scope = scope
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// Whether the grant is in force at `time`.
    package func isActive(at time: Timestamp) -> Bool {
        Self.isActive(validFrom: validFrom, observedFrom: observedFrom, validTo: validTo, at: time)
    }

    /// The rule of `isActive(at:)`, for a window not yet made into a grant.
    package static func isActive(validFrom: Timestamp?, observedFrom: Timestamp?, validTo: Timestamp?, at time: Timestamp) -> Bool {
        let from = [validFrom, observedFrom].compactMap { $0 }.max()
        return (from.map { $0 <= time } ?? true) && (validTo.map { time < $0 } ?? true)
    }

    /// Stable identity across runs, as the state file and audit log know it:
    /// `role/PRINCIPAL/ROLE`, `team/TEAM/PRINCIPAL/ROLE` (TEAM holds the role),
    /// `binding/ID/PRINCIPAL`, or `request/ID`.
    package var key: String {
        switch source {
        case .principalRole: "role/\(principal)/\(role ?? "")"
        case .teamRole(let teams): "team/\(teams.last ?? "")/\(principal)/\(role ?? "")"
        case .binding(let id): "binding/\(id)/\(principal)"
        case .request(let id, _): "request/\(id)"
        }
    }

    /// The chain from principal to role, as `check` explains it.
    package var path: String {
        var parts = [principal]
        switch source {
        case .principalRole: break
        case .teamRole(let teams):
            parts.append("team \(teams[0])")
            parts += teams.dropFirst().map { "parent team \($0)" }
        case .binding(let id): parts.append("binding \(id)")
        case .request(let id, let approvers) where emergency: parts.append("request \(id) (BREAK-GLASS: self-approved by \(approvers.joined(separator: ", ")))")
        case .request(let id, let approvers): parts.append("request \(id) (approved by \(approvers.joined(separator: ", ")))")
        }
        if let role { parts.append("role \(role)") }
        return parts.joined(separator: " -> ")
    }
}
