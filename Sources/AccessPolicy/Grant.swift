import AccessFormats
import AccessModel

/// One source of permissions for one principal: a role held directly or through teams,
/// a standing binding, or an approved request.
package struct Grant: Sendable {
    package enum Source: Sendable, Equatable {
        /// A role the principal names itself.
        case principalRole
        /// A role of a team, reached through the principal's team and its parents (nearest first).
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
    /// Descendants of the scope the grant does not reach (no satisfied policy covers them).
    package var leftOut: Set<ResourceRef> = []

    /// Whether the grant is in force at `time`.
    package func isActive(at time: Timestamp) -> Bool {
        (validFrom.map { $0 <= time } ?? true) && (validTo.map { time < $0 } ?? true)
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
        case .request(let id, let approvers): parts.append("request \(id) (approved by \(approvers.joined(separator: ", ")))")
        }
        if let role { parts.append("role \(role)") }
        return parts.joined(separator: " -> ")
    }
}

extension Grant {
    /// Grants from an approval's terms: its role and actions on its resources, within its window.
    package static func fromRequest(_ request: AccessRequest, terms: Terms, approvers: [String], leftOut: [ResourceRef] = []) -> Grant {
        Grant(
            principal: request.spec.requester.value, source: .request(request.id, approvers: approvers), role: terms.role, actions: terms.actions,
            scope: terms.resources.map { ResourcePattern($0.description)! }, validFrom: terms.validFrom, validTo: terms.validTo, leftOut: Set(leftOut))
    }
}
