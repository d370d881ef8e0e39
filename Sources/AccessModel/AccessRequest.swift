import AccessFormats

/// One request for access, with the decisions signed on it.
///
/// A value type whose fields live in one shared box, copied on the first change: a run copies
/// each of 100,000 requests several times (into fragments, sorted trees, states, plans), and
/// a copy is then one reference count instead of one per string and array inside.
package struct AccessRequest: Sendable {
    /// Shared between copies and changed only when this copy holds the only reference
    /// (`makeUnique`), so no thread ever sees a change it shares: the same rule as `Array`.
    private final class Storage: @unchecked Sendable {
        var header: ManifestHeader
        var spec: RequestSpec
        var decisions: [Decision]
        var statusLocation: SourceLocation?
        var specDigest: String

        init(header: ManifestHeader, spec: RequestSpec, decisions: [Decision], statusLocation: SourceLocation?, specDigest: String) {
            self.header = header
            self.spec = spec
            self.decisions = decisions
            self.statusLocation = statusLocation
            self.specDigest = specDigest
        }

        func copy() -> Storage {
            Storage(header: header, spec: spec, decisions: decisions, statusLocation: statusLocation, specDigest: specDigest)
        }
    }

    private var storage: Storage
    // Fields are read with `_read` (a borrow), not `get`: a getter would copy the whole spec
    // for each `request.spec.requester`.

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    package var header: ManifestHeader {
        _read { yield storage.header }
        _modify {
            makeUnique()
            yield &storage.header
        }
    }

    /// Changing the spec works out `specDigest` again.
    package var spec: RequestSpec {
        _read { yield storage.spec }
        _modify {
            makeUnique()
            defer { storage.specDigest = storage.spec.digest }
            yield &storage.spec
        }
    }

    package var decisions: [Decision] {
        _read { yield storage.decisions }
        _modify {
            makeUnique()
            yield &storage.decisions
        }
    }

    /// Where `status:` begins, if present (decisions are appended there).
    package var statusLocation: SourceLocation? {
        _read { yield storage.statusLocation }
        _modify {
            makeUnique()
            yield &storage.statusLocation
        }
    }

    /// `spec.digest`, worked out once: every run compares it with each decision.
    package var specDigest: String { _read { yield storage.specDigest } }

    package init(header: ManifestHeader, spec: RequestSpec, decisions: [Decision], statusLocation: SourceLocation?) {
        storage = Storage(header: header, spec: spec, decisions: decisions, statusLocation: statusLocation, specDigest: spec.digest)
    }

    package var id: String { header.id }
}

/// What was asked for: the part of the request every signature covers.
package struct RequestSpec: Sendable {
    package var requester: Located<String>
    package var requestedAt: Located<Timestamp>
    package var resources: [Located<ResourceRef>]
    package var role: Located<String>?
    package var actions: [Located<String>]
    package var reason: Located<String>
    /// Length of access once approved; the clock starts at approval.
    package var duration: Located<AccessDuration>?
    package var validFrom: Located<Timestamp>?
    package var validTo: Located<Timestamp>?
    /// The request this one extends.
    package var renews: Located<String>?

    package init(requester: Located<String>, requestedAt: Located<Timestamp>, resources: [Located<ResourceRef>], role: Located<String>? = nil, actions: [Located<String>], reason: Located<String>, duration: Located<AccessDuration>? = nil, validFrom: Located<Timestamp>? = nil, validTo: Located<Timestamp>? = nil, renews: Located<String>? = nil) {
        self.requester = requester
        self.requestedAt = requestedAt
        self.resources = resources
        self.role = role
        self.actions = actions
        self.reason = reason
        self.duration = duration
        self.validFrom = validFrom
        self.validTo = validTo
        self.renews = renews
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
        var out: [UInt8] = []
        out.reserveCapacity(192 + reason.value.utf8.count + resources.count * 40)
        out.append(UInt8(ascii: "{"))
        var first = true
        func member(_ name: StaticString, _ write: (inout [UInt8]) -> Void) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
            write(&out)
        }
        func array(_ items: [String], _ out: inout [UInt8]) {
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if !actions.isEmpty { member("actions") { array(actions.map(\.value), &$0) } }
        if let duration { member("duration") { CanonicalJSON.writeString(duration.value.text, to: &$0) } }
        member("reason") { CanonicalJSON.writeString(reason.value, to: &$0) }
        if let renews { member("renews") { CanonicalJSON.writeString(renews.value, to: &$0) } }
        member("requestedAt") { CanonicalJSON.writeString(requestedAt.value.description, to: &$0) }
        member("requester") { CanonicalJSON.writeString(requester.value, to: &$0) }
        member("resources") { array(resources.map(\.value.description), &$0) }
        if let role { member("role") { CanonicalJSON.writeString(role.value, to: &$0) } }
        if let validFrom { member("validFrom") { CanonicalJSON.writeString(validFrom.value.description, to: &$0) } }
        if let validTo { member("validTo") { CanonicalJSON.writeString(validTo.value.description, to: &$0) } }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// One signed decision in a request's status.
package struct Decision: Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case approve, deny, revoke, relinquish
        /// An approver's signed look at a break-glass grant after the fact.
        case review
    }

    package var kind: Located<Kind>
    package var by: Located<String>
    package var at: Located<Timestamp>
    /// What is granted; approve only.
    package var terms: Terms?
    package var reason: String?
    /// The spec digest the signer saw; if the spec changed since, the decision is void.
    package var specDigest: Located<String>
    /// The SSHSIG armor, exactly as `ssh-keygen -Y sign` wrote it.
    package var signature: Located<String>
    package var location: SourceLocation

    package init(kind: Located<Kind>, by: Located<String>, at: Located<Timestamp>, terms: Terms? = nil, reason: String? = nil, specDigest: Located<String>, signature: Located<String>, location: SourceLocation) {
        self.kind = kind
        self.by = by
        self.at = at
        self.terms = terms
        self.reason = reason
        self.specDigest = specDigest
        self.signature = signature
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
    package var validFrom: Timestamp
    package var validTo: Timestamp?
    /// Set for terms signed as a duration; the window is then placed by the threshold.
    package var duration: AccessDuration?
    package var resources: [ResourceRef]
    package var role: String?
    package var actions: [String]
    package var location: SourceLocation

    package init(validFrom: Timestamp, validTo: Timestamp? = nil, resources: [ResourceRef], role: String? = nil, actions: [String], location: SourceLocation) {
        self.validFrom = validFrom
        self.validTo = validTo
        self.resources = resources
        self.role = role
        self.actions = actions
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
