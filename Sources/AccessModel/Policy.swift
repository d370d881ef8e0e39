import AccessFormats

/// Who may request what, for how long, and who approves.
///
/// Its strings and lists live in one shared box (`SharedFields`): each request's state copies
/// the policies it matches, then filters them again for the signer and the terms.
package struct Policy: Sendable {
    private struct Boxed: Sendable {
        var header: ManifestHeader
        var description: String?
        var requesters: SubjectSet
        var resources: [Located<ResourcePattern>]
        var roles: [Located<String>]
        var actions: [Located<String>]
        var maxDuration: Located<AccessDuration>
        var requestTTL: AccessDuration
        var approvers: ApproverSet
        var when: Condition?
        var reviewWithin: AccessDuration
    }

    private var shared: SharedFields<Boxed>
    package var threshold: Located<Int>
    /// How many distinct approvers must deny before a request is closed (default 1).
    package var denyThreshold: Int = 1
    package var allowSelfApproval: Bool
    /// Emergency access: the requester's own approval, with a reason, grants at once; an
    /// approver must sign a review within `reviewWithin`.
    package var breakGlass = false

    package init(
        header: ManifestHeader, description: String?, requesters: SubjectSet, resources: [Located<ResourcePattern>], roles: [Located<String>],
        actions: [Located<String>], maxDuration: Located<AccessDuration>, requestTTL: AccessDuration, approvers: ApproverSet, threshold: Located<Int>,
        allowSelfApproval: Bool
    ) {
        shared = SharedFields(Boxed(
            header: header, description: description, requesters: requesters, resources: resources, roles: roles, actions: actions,
            maxDuration: maxDuration, requestTTL: requestTTL, approvers: approvers, when: nil, reviewWithin: AccessDuration("1d")!))
        self.threshold = threshold
        self.allowSelfApproval = allowSelfApproval
    }

    package var header: ManifestHeader {
        _read { yield shared.fields.header }
        _modify { yield &shared.fields.header }
    }

    package var description: String? {
        _read { yield shared.fields.description }
        _modify { yield &shared.fields.description }
    }

    package var requesters: SubjectSet {
        _read { yield shared.fields.requesters }
        _modify { yield &shared.fields.requesters }
    }

    package var resources: [Located<ResourcePattern>] {
        _read { yield shared.fields.resources }
        _modify { yield &shared.fields.resources }
    }

    /// Roles that may be requested.
    package var roles: [Located<String>] {
        _read { yield shared.fields.roles }
        _modify { yield &shared.fields.roles }
    }

    /// Extra actions that may be requested.
    package var actions: [Located<String>] {
        _read { yield shared.fields.actions }
        _modify { yield &shared.fields.actions }
    }

    package var maxDuration: Located<AccessDuration> {
        _read { yield shared.fields.maxDuration }
        _modify { yield &shared.fields.maxDuration }
    }

    /// How long a pending request may wait for approval.
    package var requestTTL: AccessDuration {
        _read { yield shared.fields.requestTTL }
        _modify { yield &shared.fields.requestTTL }
    }

    package var approvers: ApproverSet {
        _read { yield shared.fields.approvers }
        _modify { yield &shared.fields.approvers }
    }

    /// Narrows the policy: it judges a request for a resource only when this holds.
    package var when: Condition? {
        _read { yield shared.fields.when }
        _modify { yield &shared.fields.when }
    }

    /// How long after a break-glass grant starts its signed review may wait (default 1 day).
    package var reviewWithin: AccessDuration {
        _read { yield shared.fields.reviewWithin }
        _modify { yield &shared.fields.reviewWithin }
    }

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
