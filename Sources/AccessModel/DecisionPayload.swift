import AccessFormats

/// The exact bytes an approver signs for one decision (DESIGN.md section 4).
package enum DecisionPayload {
    /// The `type` that names this payload format.
    package static let type = "accessctl.decision/v1"

    /// The payload as JSON; its RFC 8785 form is what is signed.
    package static func json(organization: String, request: String, specDigest: String, decision: Decision.Kind, by: String, at: Timestamp, terms: Terms?, reason: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", .string(type)), ("organization", .string(organization)), ("request", .string(request)),
            ("specDigest", .string(specDigest)), ("decision", .string(decision.rawValue)), ("by", .string(by)),
            ("at", .string(at.description)),
        ]
        if decision == .approve, let terms { members.append(("terms", termsJSON(terms))) }
        // An approval carries a reason only for break-glass (its justification), a review optionally.
        if let reason, decision != .relinquish { members.append(("reason", .string(reason))) }
        return .object(members)
    }

    /// The bytes a decision written in a request was signed over (with the digest it records).
    package static func bytes(organization: String, request: AccessRequest, decision: Decision) -> [UInt8] {
        let value = json(
            organization: organization, request: request.id, specDigest: decision.specDigest.value, decision: decision.kind.value,
            by: decision.by.value, at: decision.at.value, terms: decision.terms, reason: decision.reason)
        return CanonicalJSON.encodeBytes(value)
    }

    /// Terms as they appear in payloads and manifests.
    package static func termsJSON(_ terms: Terms) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let duration = terms.duration {
            members.append(("duration", .string(duration.text)))
        } else {
            members.append(("validFrom", .string(terms.validFrom.description)))
            if let to = terms.validTo { members.append(("validTo", .string(to.description))) }
        }
        members.append(("resources", .array(terms.resources.map { .string($0.description) })))
        if let role = terms.role { members.append(("role", .string(role))) }
        if !terms.actions.isEmpty { members.append(("actions", .array(terms.actions.map { .string($0) }))) }
        return .object(members)
    }

    /// `CanonicalJSON.encodeBytes` of `termsJSON(terms)`, with the window too when `window`
    /// and the terms are a duration (`validFrom`, and `validTo` or null: the form the audit
    /// log gives approved duration terms), written straight from the fields: every run asks
    /// it of every approved request, to know whether its approval was logged. RFC 8785
    /// orders members by their names' UTF-16 code units; these names are ASCII, so the order
    /// below is that order (a property test compares the two on random terms).
    package static func termsCanonicalJSON(_ terms: Terms, window: Bool) -> [UInt8] {
        var out = CanonicalObjectWriter(capacity: 96 + terms.resources.count * 32)
        if !terms.actions.isEmpty { out.strings("actions", terms.actions) }
        if let duration = terms.duration { out.string("duration", duration.text) }
        out.strings("resources", terms.resources.map(\.description))
        if let role = terms.role { out.string("role", role) }
        if terms.duration == nil || window {
            out.string("validFrom", terms.validFrom.description)
            if let to = terms.validTo {
                out.string("validTo", to.description)
            } else if terms.duration != nil {
                out.null("validTo")
            }
        }
        return out.finish()
    }
}
