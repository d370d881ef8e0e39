import AccessFormats

/// Who may request what, for how long, and who approves.
package struct Policy: Sendable {
    package var header: ManifestHeader
    package var description: String?
    package var requesters: SubjectSet
    package var resources: [Located<ResourcePattern>]
    /// Roles that may be requested.
    package var roles: [Located<String>]
    /// Extra actions that may be requested.
    package var actions: [Located<String>]
    package var maxDuration: Located<AccessDuration>
    /// How long a pending request may wait for approval.
    package var requestTTL: AccessDuration
    package var approvers: ApproverSet
    package var threshold: Located<Int>
    /// How many distinct approvers must deny before a request is closed (default 1).
    package var denyThreshold: Int = 1
    package var allowSelfApproval: Bool
    /// Narrows the policy: it judges a request for a resource only when this holds.
    package var when: Condition? = nil
    /// Emergency access: the requester's own approval, with a reason, grants at once; an
    /// approver must sign a review within `reviewWithin`.
    package var breakGlass = false
    /// How long after a break-glass grant starts its signed review may wait (default 1 day).
    package var reviewWithin = AccessDuration("1d")!

    /// The longest `maxDuration` a break-glass policy may have: emergency access is short.
    package static let breakGlassLimit: Int64 = 86_400

    package var id: String { header.id }

    /// A pending request goes stale after seven days unless the policy says otherwise.
    package static let defaultRequestTTL = AccessDuration("7d")!
}

/// Principals named directly, through a team, or through a role.
package struct SubjectSet: Sendable {
    package var principals: [Located<String>] = []
    package var teams: [Located<String>] = []
    package var roles: [Located<String>] = []

    package init(principals: [Located<String>] = [], teams: [Located<String>] = [], roles: [Located<String>] = []) {
        self.principals = principals
        self.teams = teams
        self.roles = roles
    }

    package var isEmpty: Bool { principals.isEmpty && teams.isEmpty && roles.isEmpty }
}

/// A policy's approvers: named subjects, and optionally the resource's owner team.
package struct ApproverSet: Sendable {
    package var subjects: SubjectSet
    /// Members of the owner team of each requested resource approve.
    package var owner: Bool
    /// For `principal:ID` resources: the principal to be impersonated approves.
    package var impersonated = false

    package init(subjects: SubjectSet, owner: Bool, impersonated: Bool = false) {
        self.subjects = subjects
        self.owner = owner
        self.impersonated = impersonated
    }
}
