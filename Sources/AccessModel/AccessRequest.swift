import AccessFormats

/// One request for access, with the decisions signed on it.
///
/// A value type whose fields live in one shared box (`SharedFields`), copied on the first
/// change: a run copies each of 100,000 requests several times (into fragments, sorted
/// trees, states, plans), and a copy is then one reference count instead of one per string
/// and array inside.
package struct AccessRequest: Sendable {
    private struct Boxed: Sendable {
        var header: ManifestHeader
        var spec: RequestSpec
        var decisions: [Decision]
        var statusLocation: SourceLocation?
        var specDigest: String
    }

    private var shared: SharedFields<Boxed>

    package var header: ManifestHeader {
        _read { yield shared.fields.header }
        _modify { yield &shared.fields.header }
    }

    /// Changing the spec works out `specDigest` again.
    package var spec: RequestSpec {
        _read { yield shared.fields.spec }
        _modify {
            defer { shared.fields.specDigest = shared.fields.spec.digest }
            yield &shared.fields.spec
        }
    }

    package var decisions: [Decision] {
        _read { yield shared.fields.decisions }
        _modify { yield &shared.fields.decisions }
    }

    /// Where `status:` begins, if present (decisions are appended there).
    package var statusLocation: SourceLocation? {
        _read { yield shared.fields.statusLocation }
        _modify { yield &shared.fields.statusLocation }
    }

    /// `spec.digest`, worked out once: every run compares it with each decision.
    package var specDigest: String { _read { yield shared.fields.specDigest } }

    package init(header: ManifestHeader, spec: RequestSpec, decisions: [Decision], statusLocation: SourceLocation?) {
        shared = SharedFields(Boxed(header: header, spec: spec, decisions: decisions, statusLocation: statusLocation, specDigest: spec.digest))
    }

    package var id: String { header.id }
}

/// What was asked for: the part of the request every signature covers.
package struct RequestSpec: Sendable {
    /// The strings and lists, in one shared box (`SharedFields`): checking a request's
    /// decisions reads its spec in many places, each of which took a copy.
    private struct Boxed: Sendable {
        var requester: Located<String>
        var resources: [Located<ResourceRef>]
        var role: Located<String>?
        var actions: [Located<String>]
        var reason: Located<String>
        var duration: Located<AccessDuration>?
        var renews: Located<String>?
    }

    private var shared: SharedFields<Boxed>
    package var requestedAt: Located<Timestamp>
    package var validFrom: Located<Timestamp>?
    package var validTo: Located<Timestamp>?

    package var requester: Located<String> {
        _read { yield shared.fields.requester }
        _modify { yield &shared.fields.requester }
    }

    package var resources: [Located<ResourceRef>] {
        _read { yield shared.fields.resources }
        _modify { yield &shared.fields.resources }
    }

    package var role: Located<String>? {
        _read { yield shared.fields.role }
        _modify { yield &shared.fields.role }
    }

    package var actions: [Located<String>] {
        _read { yield shared.fields.actions }
        _modify { yield &shared.fields.actions }
    }

    package var reason: Located<String> {
        _read { yield shared.fields.reason }
        _modify { yield &shared.fields.reason }
    }

    /// Length of access once approved; the clock starts at approval.
    package var duration: Located<AccessDuration>? {
        _read { yield shared.fields.duration }
        _modify { yield &shared.fields.duration }
    }

    /// The request this one extends.
    package var renews: Located<String>? {
        _read { yield shared.fields.renews }
        _modify { yield &shared.fields.renews }
    }

    package init(requester: Located<String>, requestedAt: Located<Timestamp>, resources: [Located<ResourceRef>], role: Located<String>? = nil, actions: [Located<String>], reason: Located<String>, duration: Located<AccessDuration>? = nil, validFrom: Located<Timestamp>? = nil, validTo: Located<Timestamp>? = nil, renews: Located<String>? = nil) {
        shared = SharedFields(Boxed(requester: requester, resources: resources, role: role, actions: actions, reason: reason, duration: duration, renews: renews))
        self.requestedAt = requestedAt
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// The spec as JSON typed by the schema: the same for YAML and JSON files.
    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("requester", .string(requester.value)),
            ("requestedAt", .string(requestedAt.value.description)),
            ("resources", .array(resources.map { .string($0.value.description) })),
        ]
        if let role { members.append(("role", .string(role.value))) }
        if !actions.isEmpty { members.append(("actions", .array(actions.map { .string($0.value) }))) }
        members.append(("reason", .string(reason.value)))
        if let duration { members.append(("duration", .string(duration.value.text))) }
        if let validFrom { members.append(("validFrom", .string(validFrom.value.description))) }
        if let validTo { members.append(("validTo", .string(validTo.value.description))) }
        if let renews { members.append(("renews", .string(renews.value))) }
        return .object(members)
    }

    /// `sha256:` and the hex SHA-256 of the spec's RFC 8785 canonical JSON.
    package var digest: String {
        "sha256:" + SHA256.hex(canonicalJSON)
    }

    /// `CanonicalJSON.encodeBytes(json)`, written straight from the fields: every request's
    /// digest is worked out on every run, and building `json` first (a tree of values, then
    /// sorting its members) cost more than hashing. RFC 8785 orders members by their names'
    /// UTF-16 code units; these names are ASCII, so the order below is that order (a property
    /// test compares the two on random specs).
    package var canonicalJSON: [UInt8] {
        var out = CanonicalObjectWriter(capacity: 192 + reason.value.utf8.count + resources.count * 40)
        if !actions.isEmpty { out.strings("actions", actions.map(\.value)) }
        if let duration { out.string("duration", duration.value.text) }
        out.string("reason", reason.value)
        if let renews { out.string("renews", renews.value) }
        out.string("requestedAt", requestedAt.value.description)
        out.string("requester", requester.value)
        out.strings("resources", resources.map(\.value.description))
        if let role { out.string("role", role.value) }
        if let validFrom { out.string("validFrom", validFrom.value.description) }
        if let validTo { out.string("validTo", validTo.value.description) }
        return out.finish()
    }
}

/// One signed decision in a request's status.
package struct Decision: Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case approve, deny, revoke, relinquish
        /// An approver's signed look at a break-glass grant after the fact.
        case review
    }

    /// The strings and terms, in one shared box (`SharedFields`): each state copies its
    /// request's decisions into its checks, and lists of checks are filtered several times.
    private struct Boxed: Sendable {
        var by: Located<String>
        var terms: Terms?
        var reason: String?
        var specDigest: Located<String>
        var signature: Located<String>
    }

    private var shared: SharedFields<Boxed>
    package var kind: Located<Kind>
    package var at: Located<Timestamp>
    package var location: SourceLocation

    package var by: Located<String> {
        _read { yield shared.fields.by }
        _modify { yield &shared.fields.by }
    }

    /// What is granted; approve only.
    package var terms: Terms? {
        _read { yield shared.fields.terms }
        _modify { yield &shared.fields.terms }
    }

    package var reason: String? {
        _read { yield shared.fields.reason }
        _modify { yield &shared.fields.reason }
    }

    /// The spec digest the signer saw; if the spec changed since, the decision is void.
    package var specDigest: Located<String> {
        _read { yield shared.fields.specDigest }
        _modify { yield &shared.fields.specDigest }
    }

    /// The SSHSIG armor, exactly as `ssh-keygen -Y sign` wrote it.
    package var signature: Located<String> {
        _read { yield shared.fields.signature }
        _modify { yield &shared.fields.signature }
    }

    package init(kind: Located<Kind>, by: Located<String>, at: Located<Timestamp>, terms: Terms? = nil, reason: String? = nil, specDigest: Located<String>, signature: Located<String>, location: SourceLocation) {
        shared = SharedFields(Boxed(by: by, terms: terms, reason: reason, specDigest: specDigest, signature: signature))
        self.kind = kind
        self.at = at
        self.location = location
    }
}

extension Decision {
    /// Identifies this decision across runs, for the time a reconcile first saw it.
    package func observationKey(_ request: String) -> String {
        "\(request) \(kind.value.rawValue) \(by.value) \(at.value) \(specDigest.value)"
    }
}

/// What an approval grants; may be narrower than what was requested.
///
/// Terms carry either a fixed window (`validFrom`, `validTo`) or, for a request asked by
/// duration, only a `duration`: that window starts when the approvals reach their threshold,
/// so approvers agree on terms without copying timestamps (DESIGN.md section 4). Until the
/// threshold is reached, `validFrom` is the signed time and `validTo` that time plus the
/// duration (the earliest window); `RequestStatus.terms` holds the window actually granted.
package struct Terms: Sendable, Equatable {
    /// The lists and strings, in one shared box (`SharedFields`): a state compares and groups
    /// the terms of each approval, and copies the ones granted.
    private struct Boxed: Sendable {
        var duration: AccessDuration?
        var resources: [ResourceRef]
        var role: String?
        var actions: [String]
    }

    private var shared: SharedFields<Boxed>
    package var validFrom: Timestamp
    package var validTo: Timestamp?
    package var location: SourceLocation

    /// Set for terms signed as a duration; the window is then placed by the threshold.
    package var duration: AccessDuration? {
        _read { yield shared.fields.duration }
        _modify { yield &shared.fields.duration }
    }

    package var resources: [ResourceRef] {
        _read { yield shared.fields.resources }
        _modify { yield &shared.fields.resources }
    }

    package var role: String? {
        _read { yield shared.fields.role }
        _modify { yield &shared.fields.role }
    }

    package var actions: [String] {
        _read { yield shared.fields.actions }
        _modify { yield &shared.fields.actions }
    }

    package init(validFrom: Timestamp, validTo: Timestamp? = nil, resources: [ResourceRef], role: String? = nil, actions: [String], location: SourceLocation) {
        shared = SharedFields(Boxed(duration: nil, resources: resources, role: role, actions: actions))
        self.validFrom = validFrom
        self.validTo = validTo
        self.location = location
    }

    /// Terms signed as a duration, with `start` as their earliest window's start.
    package init(duration: AccessDuration, earliest start: Timestamp, resources: [ResourceRef], role: String? = nil, actions: [String], location: SourceLocation) {
        self.init(validFrom: start, validTo: duration.seconds.map { start.adding($0) }, resources: resources, role: role, actions: actions, location: location)
        self.duration = duration
    }

    /// These terms with their window starting at `start` (duration terms only).
    package func placed(at start: Timestamp) -> Terms {
        guard let duration else { return self }
        var out = self
        out.validFrom = start
        out.validTo = duration.seconds.map { start.adding($0) }
        return out
    }

    /// Identical terms count together toward a threshold: for duration terms the same length
    /// (`4h` and `240m` alike), whenever each approver signed.
    package static func == (a: Terms, b: Terms) -> Bool {
        let window = a.duration != nil || b.duration != nil
            ? a.duration != nil && b.duration != nil && a.duration?.seconds == b.duration?.seconds
            : a.validFrom == b.validFrom && a.validTo == b.validTo
        return window && a.resources == b.resources && a.role == b.role && a.actions == b.actions
    }
}

extension Terms {
    /// How approved terms differ from what was asked, in words; empty when granted as asked.
    package func differences(from spec: RequestSpec) -> [String] {
        var out: [String] = []
        let asked = spec.resources.map(\.value.description), granted = resources.map(\.description)
        if asked != granted { out.append("resources: asked \(asked.joined(separator: ", ")), granted \(granted.joined(separator: ", "))") }
        if spec.role?.value != role { out.append("role: asked \(spec.role?.value ?? "none"), granted \(role ?? "none")") }
        let askedActions = spec.actions.map(\.value)
        if askedActions != actions {
            out.append("actions: asked \(askedActions.isEmpty ? "none" : askedActions.joined(separator: ", ")), granted \(actions.isEmpty ? "none" : actions.joined(separator: ", "))")
        }
        let length = validTo.map { AccessDuration.format(seconds: $0.seconds - validFrom.seconds) } ?? "permanent"
        if let duration = spec.duration?.value {
            let asked = duration.seconds.map { AccessDuration.format(seconds: $0) } ?? "permanent"
            if asked != length { out.append("duration: asked \(asked), granted \(length)") }
        }
        if let from = spec.validFrom?.value, from != validFrom { out.append("start: asked \(from), granted \(validFrom)") }
        if let to = spec.validTo?.value, to != validTo { out.append("end: asked \(to), granted \(validTo?.description ?? "none")") }
        return out
    }
}
