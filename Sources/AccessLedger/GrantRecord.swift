import AccessFormats
import AccessModel
import AccessPolicy

/// One grant the reconciler applies: what `state/grants.json` lists and the apply hook receives.
package struct GrantRecord: Sendable, Equatable {
    package enum SourceKind: String, Sendable {
        /// A role the principal's own manifest names.
        case principal
        /// A role of a team the principal belongs to, directly or through a child team.
        case team
        case binding, request
    }

    /// Stable identity across runs: `role/PRINCIPAL/ROLE`, `team/TEAM/PRINCIPAL/ROLE`,
    /// `binding/ID/PRINCIPAL` (a binding to a team gives one grant per member, so a member
    /// who leaves loses exactly their grant), or `request/ID`.
    package var key: String
    package var principal: String
    package var sourceKind: SourceKind
    package var sourceID: String
    package var role: String?
    package var actions: [String]
    /// Resource references or patterns, as written.
    package var resources: [String]
    package var validFrom: Timestamp?
    package var validTo: Timestamp?
    /// Who approved (requests only).
    package var approvers: [String]
    /// The policy the approval was valid under (requests only).
    package var policy: String?
    /// Descendants of `resources` the grant does not reach, each `REF (why)`: no policy the
    /// approvals satisfy covers them, so the apply hook must not give them.
    package var except: [String]
    /// Granted by break-glass, with when its signed review is due: the hook, the plan, the
    /// log and the report mark it as emergency access.
    package var emergency = false
    package var reviewDue: Timestamp?

    package init(
        key: String, principal: String, sourceKind: SourceKind, sourceID: String, role: String?, actions: [String], resources: [String],
        validFrom: Timestamp?, validTo: Timestamp?, approvers: [String] = [], policy: String? = nil, except: [String] = []
    ) {
        self.except = except
        self.key = key
        self.principal = principal
        self.sourceKind = sourceKind
        self.sourceID = sourceID
        self.role = role
        self.actions = actions
        self.resources = resources
        self.validFrom = validFrom
        self.validTo = validTo
        self.approvers = approvers
        self.policy = policy
    }

    /// `role X` and/or `actions a, b`, for listings.
    package var permissions: String {
        var parts: [String] = []
        if let role { parts.append("role \(role)") }
        if !actions.isEmpty { parts.append("actions \(actions.joined(separator: ", "))") }
        return parts.joined(separator: " and ")
    }

    /// `FROM to TO`, `from FROM`, `until TO` or `always`.
    package var window: String {
        switch (validFrom, validTo) {
        case (let from?, let to?): "\(from) to \(to)"
        case (let from?, nil): "from \(from), no end"
        case (nil, let to?): "until \(to)"
        case (nil, nil): "no end"
        }
    }

    /// `request ID, approved by A, B` or `binding ID`.
    package var sourceDescription: String {
        switch sourceKind {
        case .principal: "principal \(sourceID) names the role itself"
        case .team: "team \(sourceID), which \(principal) belongs to"
        case .binding: "binding \(sourceID)"
        case .request where emergency: "request \(sourceID), BREAK-GLASS: self-approved by \(approvers.joined(separator: ", "))" + (reviewDue.map { "; review due by \($0)" } ?? "")
        case .request: "request \(sourceID)" + (approvers.isEmpty ? "" : ", approved by \(approvers.joined(separator: ", "))")
        }
    }
}

extension GrantRecord {
    /// The records of the engine's grants in force at `time`, one per key, in the engine's order.
    package static func inForce(_ verified: VerifiedTree, at time: Timestamp) -> [GrantRecord] {
        let directory = Directory(verified.tree)
        var seen = Set<String>()
        return verified.engine(directory).grants(at: time).compactMap { grant in
            guard seen.insert(grant.key).inserted else { return nil }
            var record = GrantRecord(grant, directory: directory)
            if grant.emergency, case .request(let id, _) = grant.source { record.reviewDue = verified.statuses[id]?.reviewDue }
            return record
        }
    }

    /// The record of one of the engine's grants. A role held outright is recorded with the
    /// patterns its rules name, so the hook knows where it reaches.
    package init(_ grant: Grant, directory: Directory) {
        let kind: SourceKind, id: String
        var approvers: [String] = []
        switch grant.source {
        case .principalRole: (kind, id) = (.principal, grant.principal)
        case .teamRole(let teams): (kind, id) = (.team, teams.last ?? "")
        case .binding(let binding): (kind, id) = (.binding, binding)
        case .request(let request, let by): (kind, id, approvers) = (.request, request, by)
        }
        var seen = Set<String>()
        let resources = grant.scope.map { $0.map(\.text) }
            ?? (grant.role.flatMap(directory.role)?.rules.flatMap { $0.resources.map(\.value.text) } ?? []).filter { seen.insert($0).inserted }
        self.init(
            key: grant.key, principal: grant.principal, sourceKind: kind, sourceID: id, role: grant.role, actions: grant.actions, resources: resources,
            validFrom: grant.validFrom, validTo: grant.validTo, approvers: approvers, policy: grant.policy, except: grant.exceptions)
        emergency = grant.emergency
    }

    /// The record as JSON, members in a fixed order; absent values are left out.
    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("key", .string(key)), ("principal", .string(principal)),
            ("source", .object([("kind", .string(sourceKind.rawValue)), ("id", .string(sourceID))])),
            ("resources", .array(resources.map { .string($0) })),
        ]
        if let role { members.append(("role", .string(role))) }
        if !actions.isEmpty { members.append(("actions", .array(actions.map { .string($0) }))) }
        if let validFrom { members.append(("validFrom", .string(validFrom.description))) }
        if let validTo { members.append(("validTo", .string(validTo.description))) }
        if !approvers.isEmpty { members.append(("approvers", .array(approvers.map { .string($0) }))) }
        if let policy { members.append(("policy", .string(policy))) }
        if !except.isEmpty { members.append(("except", .array(except.map { .string($0) }))) }
        if emergency { members.append(("emergency", .bool(true))) }
        if let reviewDue { members.append(("reviewDue", .string(reviewDue.description))) }
        return .object(members)
    }

    /// Reads a record written by `json`; nil if anything is missing or of the wrong type.
    package init?(json: JSONValue) {
        func strings(_ key: String) -> [String]? {
            guard let value = json[key] else { return [] }
            guard case .array(let items) = value else { return nil }
            let texts = items.compactMap(\.stringValue)
            return texts.count == items.count ? texts : nil
        }
        func time(_ key: String) -> Timestamp?? {
            guard let value = json[key] else { return .some(nil) }
            guard let text = value.stringValue, let time = Timestamp(rfc3339: text) else { return nil }
            return .some(time)
        }
        guard let key = json["key"]?.stringValue, let principal = json["principal"]?.stringValue,
            let kindText = json["source"]?["kind"]?.stringValue, let kind = SourceKind(rawValue: kindText),
            let sourceID = json["source"]?["id"]?.stringValue, let resources = strings("resources"), let actions = strings("actions"),
            let approvers = strings("approvers"), let except = strings("except"), let validFrom = time("validFrom"), let validTo = time("validTo")
        else { return nil }
        if let role = json["role"], role.stringValue == nil { return nil }
        if let policy = json["policy"], policy.stringValue == nil { return nil }
        var emergency = false
        if let flag = json["emergency"] {
            guard case .bool(let b) = flag else { return nil }
            emergency = b
        }
        guard let reviewDue = time("reviewDue") else { return nil }
        self.init(
            key: key, principal: principal, sourceKind: kind, sourceID: sourceID, role: json["role"]?.stringValue, actions: actions,
            resources: resources, validFrom: validFrom, validTo: validTo, approvers: approvers, policy: json["policy"]?.stringValue, except: except)
        self.emergency = emergency
        self.reviewDue = reviewDue
    }
}
