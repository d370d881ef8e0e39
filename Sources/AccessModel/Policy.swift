import AccessFormats

/// Who may request what, for how long, and who approves.
public struct Policy: Sendable {
    public var header: ManifestHeader
    public var description: String?
    public var requesters: SubjectSet
    public var resources: [Located<ResourcePattern>]
    /// Roles that may be requested.
    public var roles: [Located<String>]
    /// Extra actions that may be requested.
    public var actions: [Located<String>]
    public var maxDuration: Located<AccessDuration>
    /// How long a pending request may wait for approval.
    public var requestTTL: AccessDuration
    public var approvers: ApproverSet
    public var threshold: Located<Int>
    public var allowSelfApproval: Bool

    public var id: String { header.id }

    /// A pending request goes stale after seven days unless the policy says otherwise.
    public static let defaultRequestTTL = AccessDuration("7d")!
}

/// Principals named directly, through a team, or through a role.
public struct SubjectSet: Sendable {
    public var principals: [Located<String>] = []
    public var teams: [Located<String>] = []
    public var roles: [Located<String>] = []

    public init(principals: [Located<String>] = [], teams: [Located<String>] = [], roles: [Located<String>] = []) {
        self.principals = principals
        self.teams = teams
        self.roles = roles
    }

    public var isEmpty: Bool { principals.isEmpty && teams.isEmpty && roles.isEmpty }
}

/// A policy's approvers: named subjects, and optionally the resource's owner team.
public struct ApproverSet: Sendable {
    public var subjects: SubjectSet
    /// Members of the owner team of each requested resource approve.
    public var owner: Bool
}
