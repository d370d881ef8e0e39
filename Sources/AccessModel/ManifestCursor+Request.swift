import AccessFormats

extension ManifestCursor {
    /// The decisions below `status:` (a key at the top level).
    mutating func status() -> [Decision]? {
        var read: [Decision]?
        guard mappingBelow(0, { s, key, _, value, indent in
            guard s.equals(key, "decisions"), case .below = value else { return false }
            var list: [Decision] = []
            guard s.listBelow(indent, { s, line, start, column in
                guard let decision = s.decision(line, start: start, indent: column) else { return false }
                list.append(decision)
                return true
            }) else { return false }
            read = list
            return true
        }) != nil else { return nil }
        return read
    }

    /// The spec below `spec:`, with the checks `ManifestDecoder.decodeRequest` makes.
    mutating func spec() -> RequestSpec? {
        var requester: Located<String>?, renews: Located<String>?, reason: Located<String>?, requestedAt: Located<Timestamp>?
        var asked = Grantable()
        let found = mappingBelow(0) { s, key, _, value, _ in
            if let kept = asked.read(s, key, value) { return kept }
            if s.equals(key, "requester") {
                requester = Self.id(value)
                return requester != nil
            } else if s.equals(key, "requestedAt") {
                requestedAt = Self.timestamp(value)
                return requestedAt != nil
            } else if s.equals(key, "reason") {
                reason = Self.text(value)
                return reason != nil
            } else if s.equals(key, "renews") {
                renews = Self.id(value)
                return renews != nil
            }
            return false
        }
        guard found != nil, let requester, let requestedAt, let resources = asked.resources, let reason, asked.grantsSomething else { return nil }
        // Either a duration or a whole window, which must not end before it starts.
        if asked.duration == nil {
            guard let from = asked.from, let to = asked.to, to.value > from.value else { return nil }
        } else if asked.from != nil || asked.to != nil {
            return nil
        }
        return RequestSpec(
            requester: requester, requestedAt: requestedAt, resources: resources, role: asked.role, actions: asked.actions, reason: reason,
            duration: asked.duration, validFrom: asked.from, validTo: asked.to, renews: renews)
    }

    /// The fields a spec and an approval's terms share: what is granted, and for how long.
    struct Grantable {
        var resources: [Located<ResourceRef>]?
        var role: Located<String>?
        var actions: [Located<String>] = []
        var duration: Located<AccessDuration>?
        var from: Located<Timestamp>?
        var to: Located<Timestamp>?

        /// A role or actions (the decoder refuses a spec or terms with neither).
        var grantsSomething: Bool { role != nil || !actions.isEmpty }

        /// Reads `key` if it is one of these fields: whether its value is kept; nil for any other key.
        mutating func read(_ s: ManifestCursor, _ key: Range<Int>, _ value: Value) -> Bool? {
            if s.equals(key, "resources") {
                resources = ManifestCursor.resources(value)
                return resources != nil
            } else if s.equals(key, "role") {
                role = ManifestCursor.id(value)
                return role != nil
            } else if s.equals(key, "actions") {
                guard let ids = ManifestCursor.ids(value) else { return false }
                actions = ids
                return true
            } else if s.equals(key, "duration") {
                duration = ManifestCursor.duration(value)
                return duration != nil
            } else if s.equals(key, "validFrom") {
                from = ManifestCursor.timestamp(value)
                return from != nil
            } else if s.equals(key, "validTo") {
                to = ManifestCursor.timestamp(value)
                return to != nil
            }
            return nil
        }
    }

    /// One decision, a list item's mapping from `start`, with `ManifestDecoder.decodeDecision`'s checks.
    mutating func decision(_ line: Line, start: Int, indent: Int) -> Decision? {
        let location = location(line, start)
        var kind: Located<Decision.Kind>?, by: Located<String>?, at: Located<Timestamp>?
        var reason: String?, specDigest: Located<String>?, signature: Located<String>?
        var terms: TermsFields?
        let found = mapping(line, start: start, indent: indent) { s, key, _, value, indent in
            if s.equals(key, "decision") {
                guard case .scalar(let text, let where_) = value, let parsed = Decision.Kind(rawValue: text) else { return false }
                kind = Located(parsed, at: where_)
            } else if s.equals(key, "by") {
                by = Self.id(value)
                return by != nil
            } else if s.equals(key, "at") {
                at = Self.timestamp(value)
                return at != nil
            } else if s.equals(key, "reason") {
                guard case .scalar(let text, _) = value else { return false }
                reason = text
            } else if s.equals(key, "specDigest") {
                guard case .scalar(let text, let where_) = value, text.hasPrefix("sha256:"), text.utf8.count == 71 else { return false }
                specDigest = Located(text, at: where_)
            } else if s.equals(key, "signature") {
                guard case .block(let text, let where_) = value,
                    text.containsBytes("-----BEGIN SSH SIGNATURE-----"), text.containsBytes("-----END SSH SIGNATURE-----")
                else { return false }
                signature = Located(text, at: where_)
            } else if s.equals(key, "terms") {
                guard case .below = value, let read = s.terms(below: indent) else { return false }
                terms = read
            } else {
                return false
            }
            return true
        }
        guard found, let kind, let by, let at, let specDigest, let signature else { return nil }
        guard (kind.value == .approve) == (terms != nil), kind.value != .revoke || reason != nil else { return nil }
        var granted: Terms?
        if let t = terms {
            if let duration = t.duration {
                granted = Terms(duration: duration, earliest: at.value, resources: t.resources, role: t.role, actions: t.actions, location: t.location)
            } else if let from = t.from {
                granted = Terms(validFrom: from, validTo: t.to, resources: t.resources, role: t.role, actions: t.actions, location: t.location)
            }
        }
        return Decision(kind: kind, by: by, at: at, terms: granted, reason: reason, specDigest: specDigest, signature: signature, location: location)
    }

    /// An approval's terms as written.
    struct TermsFields {
        var duration: AccessDuration?
        var from: Timestamp?
        var to: Timestamp?
        var resources: [ResourceRef]
        var role: String?
        var actions: [String]
        var location: SourceLocation
    }

    /// The terms below `terms:` (a key at `indent`), with the decoder's checks.
    mutating func terms(below indent: Int) -> TermsFields? {
        var granted = Grantable()
        let location = mappingBelow(indent) { s, key, _, value, _ in granted.read(s, key, value) ?? false }
        guard let location, let resources = granted.resources, granted.grantsSomething else { return nil }
        if granted.duration == nil {
            guard let from = granted.from else { return nil }
            if let to = granted.to, to.value <= from.value { return nil }
        } else if granted.from != nil || granted.to != nil {
            return nil
        }
        return TermsFields(
            duration: granted.duration?.value, from: granted.from?.value, to: granted.to?.value, resources: resources.map(\.value),
            role: granted.role?.value, actions: granted.actions.map(\.value), location: location)
    }
}
