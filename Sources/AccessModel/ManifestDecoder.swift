import AccessFormats

/// Turns parsed manifests into model values, strictly: every problem is logged at its field.
package enum ManifestDecoder {
    /// The one `apiVersion` this release reads.
    static let apiVersion = "accessctl/v1"
    /// The name of the settings file at the root of the tree.
    package static let settingsFileName = "accessctl.yaml"

    /// Decodes one manifest and adds it to `tree`.
    /// `baseName` is the file name without extension; `atRoot` says the file is directly in the root.
    package static func decode(_ node: Node, file: String, relative: String, baseName: String, fileName: String, atRoot: Bool, into tree: inout AccessTree, log: DiagnosticCollector) {
        guard let top = ObjectReader(node, file: file, path: "", log: log) else { return }
        if top.entries.isEmpty {
            log.add(file, node.location, "empty manifest: expected apiVersion, kind, metadata and spec")
            return
        }
        if let version = top.string("apiVersion", required: true), version.value != apiVersion {
            log.add(file, version.location, "unsupported apiVersion '\(version.value)'; expected '\(apiVersion)'")
        }
        guard let kindText = top.string("kind", required: true) else { return }
        guard let kind = ManifestKind(rawValue: kindText.value) else {
            let kinds = ManifestKind.allCases.map(\.rawValue)
            var message = "unknown kind '\(kindText.value)'"
            if let guess = closestMatch(to: kindText.value, in: kinds) {
                message += "; did you mean '\(guess)'?"
            } else {
                message += "; expected one of: " + kinds.joined(separator: ", ")
            }
            log.add(file, kindText.location, message)
            return
        }
        top.allow(kind == .accessRequest ? ["apiVersion", "kind", "metadata", "spec", "status"] : ["apiVersion", "kind", "metadata", "spec"])
        guard let metadata = top.object("metadata", required: true) else { return }
        metadata.allow(["name"])
        guard let name = metadata.id("name", required: true) else { return }
        if kind == .settings {
            if !(atRoot && fileName == settingsFileName) {
                log.add(file, kindText.location, "Settings must be in '\(settingsFileName)' at the root of the tree")
                return
            }
        } else if name.value != baseName {
            log.add(file, name.location, "metadata.name '\(name.value)' must equal the file name '\(baseName)'")
        }
        let header = ManifestHeader(file: file, kind: kind, name: name)
        guard let spec = top.object("spec", required: true) else { return }
        if kind != .accessRequest, let specNode = node["spec"] {
            tree.configuration.append(ConfigurationEntry(kind: kind.rawValue, name: name.value, path: relative, spec: specNode))
        }
        switch kind {
        case .settings:
            if let settings = decodeSettings(header, spec) {
                if tree.settings != nil {
                    log.add(file, kindText.location, "there is more than one Settings manifest")
                } else {
                    tree.settings = settings
                }
            }
        case .principal: if let v = decodePrincipal(header, spec) { tree.principals.append(v) }
        case .team: tree.teams.append(decodeTeam(header, spec))
        case .role: tree.roles.append(decodeRole(header, spec))
        case .resource: if let v = decodeResource(header, spec) { tree.resources.append(v) }
        case .policy: if let v = decodePolicy(header, spec) { tree.policies.append(v) }
        case .binding: if let v = decodeBinding(header, spec) { tree.bindings.append(v) }
        case .accessRequest:
            if let v = decodeRequest(header, spec, status: top.object("status"), statusKey: top.keyLocation("status")) {
                tree.requests.append(v)
            }
        }
    }

    static func decodeSettings(_ header: ManifestHeader, _ spec: ObjectReader) -> Settings? {
        spec.allow(["organization", "displayName", "signatureNamespace", "reportTitle", "resourceTypes", "durationPresets", "trust", "notifications", "attributes", "reviews"])
        let organization = spec.id("organization", required: true)
        let displayName = spec.text("displayName", required: true)
        let namespace = spec.string("signatureNamespace")
        if let namespace, namespace.value.isEmpty || !namespace.value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) }) {
            spec.log.add(spec.file, namespace.location, "signatureNamespace may contain only letters, digits, '.', '_', '@' and '-'")
        }
        var types: [ResourceType] = []
        if let typesReader = spec.object("resourceTypes", required: true) {
            if typesReader.entries.isEmpty {
                spec.log.add(spec.file, typesReader.location, "spec.resourceTypes must declare at least one type")
            }
            for entry in typesReader.entries {
                if let problem = Identifier.problem(entry.key) {
                    spec.log.add(spec.file, entry.keyLocation, "invalid resource type name '\(entry.key)': \(problem)")
                    continue
                }
                guard let typeReader = ObjectReader(entry.value, file: spec.file, path: "spec.resourceTypes.\(entry.key)", log: spec.log) else { continue }
                typeReader.allow(["description", "actions", "implies", "requires"])
                let actions = typeReader.ids("actions", required: true)
                var seen = Set<String>()
                for action in actions where !seen.insert(action.value).inserted {
                    spec.log.add(spec.file, action.location, "action '\(action.value)' is listed twice")
                }
                types.append(ResourceType(
                    name: entry.key, location: entry.keyLocation, description: typeReader.string("description")?.value, actions: actions.map(\.value),
                    implies: dependencies("implies", of: entry.key, typeReader, actions: seen),
                    requires: dependencies("requires", of: entry.key, typeReader, actions: seen)))
            }
        }
        var presets: [(name: String, duration: AccessDuration)] = []
        if let presetsReader = spec.object("durationPresets") {
            for entry in presetsReader.entries {
                let field = "spec.durationPresets.\(entry.key)"
                guard let text = presetsReader.scalarString(entry.value, field),
                    let duration = presetsReader.convert(text, "duration", in: field, hint: ObjectReader.durationHint, AccessDuration.init)
                else { continue }
                presets.append((entry.key, duration.value))
            }
        }
        var trustThreshold = 2
        if let trust = spec.object("trust") {
            trust.allow(["threshold"])
            trustThreshold = trust.int("threshold", range: 1...100)?.value ?? 2
        }
        let notifications = spec.object("notifications").map(decodeNotifications) ?? NotificationSettings()
        guard let organization, let displayName else { return nil }
        var settings = Settings(
            header: header, organization: organization, displayName: displayName.value,
            signatureNamespace: namespace?.value ?? "accessctl", reportTitle: spec.string("reportTitle")?.value,
            resourceTypes: types, durationPresets: presets)
        settings.trustThreshold = trustThreshold
        settings.notifications = notifications
        if let reviews = spec.object("reviews") {
            reviews.allow(["grace", "overdue"])
            if let grace = reviews.duration("grace") {
                if grace.value.isPermanent { reviews.log.add(reviews.file, grace.location, "reviews.grace must be a length, not permanent") } else { settings.reviews.grace = grace.value }
            }
            if let overdue = reviews.string("overdue") {
                if let value = ReviewSettings.Overdue(rawValue: overdue.value) { settings.reviews.overdue = value } else {
                    reviews.log.add(reviews.file, overdue.location, "reviews.overdue must be 'remove' or 'flag', found '\(overdue.value)'")
                }
            }
        }
        if let attributes = spec.object("attributes") {
            attributes.allow(["principal", "resource"])
            settings.principalAttributes = attributeNames(attributes, "principal")
            settings.resourceAttributes = attributeNames(attributes, "resource")
        }
        return settings
    }

    /// The settings' `notifications` block.
    static func decodeNotifications(_ n: ObjectReader) -> NotificationSettings {
        n.allow(["defaultChannels", "expiringSoon", "reportURL", "maxAttempts", "webhook", "email"])
        var out = NotificationSettings()
        if n.has("defaultChannels") { out.defaultChannels = channels(n, "defaultChannels") }
        if let soon = n.duration("expiringSoon") {
            if soon.value.isPermanent { n.log.add(n.file, soon.location, "expiringSoon must be a length, not permanent") } else { out.expiringSoon = soon.value }
        }
        if let url = n.string("reportURL") {
            if url.value.hasPrefix("https://") || url.value.hasPrefix("http://") { out.reportURL = url.value } else {
                n.log.add(n.file, url.location, "reportURL must start with https:// (or http://)")
            }
        }
        if let tries = n.int("maxAttempts", range: 1...100) { out.maxAttempts = tries.value }
        if let webhook = n.object("webhook") {
            webhook.allow(["urlEnv", "timeoutSeconds"])
            if let env = webhook.string("urlEnv") {
                // A variable name only: the URL itself is a secret kept out of the repository.
                if env.value.isEmpty || !env.value.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) {
                    n.log.add(n.file, env.location, "webhook.urlEnv names an environment variable (A-Z, 0-9, _), not a URL")
                } else {
                    out.webhookURLEnv = env.value
                }
            }
            if let timeout = webhook.int("timeoutSeconds", range: 1...300) { out.webhookTimeout = timeout.value }
        }
        if let email = n.object("email") {
            email.allow(["from", "sendmail"])
            if let from = email.string("from") {
                if from.value.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } ?? false }) {
                    n.log.add(n.file, from.location, "email.from must be one line")
                } else {
                    out.emailFrom = from.value
                }
            }
            if let sendmail = email.string("sendmail") {
                let words = sendmail.value.split(separator: " ").map(String.init)
                if let program = words.first, program.hasPrefix("/") { out.sendmail = words } else {
                    n.log.add(n.file, sendmail.location, "email.sendmail must start with an absolute path (it is run without a shell), like /usr/sbin/sendmail -t -i")
                }
            }
        }
        return out
    }

    /// Declared attribute names: letters, digits and `_`, starting with a letter (a condition
    /// reads them as `principal.attributes.NAME`).
    static func attributeNames(_ reader: ObjectReader, _ key: String) -> [Located<String>] {
        var seen = Set<String>()
        return reader.strings(key).filter { name in
            guard isAttributeName(name.value) else {
                reader.log.add(reader.file, name.location, "invalid attribute name '\(name.value)': use letters, digits and '_', starting with a letter")
                return false
            }
            guard seen.insert(name.value).inserted else {
                reader.log.add(reader.file, name.location, "attribute '\(name.value)' is listed twice")
                return false
            }
            return true
        }
    }

    static func isAttributeName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, CharacterSetLike.letter(first) else { return false }
        return s.unicodeScalars.allSatisfy { CharacterSetLike.letter($0) || CharacterSetLike.digit($0) || $0 == "_" }
    }

    /// A `when:` condition, parsed; a syntax error is logged where it is in the file.
    static func condition(_ reader: ObjectReader) -> Condition? {
        guard let node = reader.node("when") else { return nil }
        do throws(ConditionError) {
            return try ConditionParser.condition(node)
        } catch {
            let at = Condition.location(ofOffset: error.offset, in: node)
            reader.log.add(reader.file, at, "in \(reader.path.isEmpty ? "" : reader.path + ".")when: \(error.message)")
            return nil
        }
    }

    /// `review: {every: 90d, by: TEAM}` on standing access.
    static func review(_ reader: ObjectReader) -> ReviewPolicy? {
        guard let r = reader.object("review") else { return nil }
        r.allow(["every", "by"])
        let every = r.duration("every", required: true), by = r.id("by", required: true)
        if let every, every.value.isPermanent {
            r.log.add(r.file, every.location, "review.every must be a length such as 90d, not permanent")
            return nil
        }
        guard let every, let by else { return nil }
        return ReviewPolicy(every: every.value, by: by, location: r.location)
    }

    /// A list of channel names, each checked.
    static func channels(_ reader: ObjectReader, _ key: String) -> [NotificationChannel] {
        reader.strings(key).compactMap { name in
            guard let channel = NotificationChannel(rawValue: name.value) else {
                reader.log.add(reader.file, name.location, "unknown notification channel '\(name.value)'; channels: email, webhook, inbox")
                return nil
            }
            return channel
        }
    }

    /// `implies` or `requires` of a resource type: each maps one of its actions to others of them.
    static func dependencies(_ key: String, of type: String, _ typeReader: ObjectReader, actions: Set<String>) -> [String: [String]] {
        guard let reader = typeReader.object(key) else { return [:] }
        var out: [String: [String]] = [:]
        for dependency in reader.entries {
            if !actions.contains(dependency.key) {
                reader.log.add(reader.file, dependency.keyLocation, "'\(dependency.key)' in \(reader.path) is not an action of type '\(type)'")
            }
            let listed = reader.ids(dependency.key)
            for action in listed where !actions.contains(action.value) {
                reader.log.add(reader.file, action.location, "'\(action.value)' in \(reader.path).\(dependency.key) is not an action of type '\(type)'")
            }
            out[dependency.key] = listed.map(\.value)
        }
        return out
    }

    /// `ManifestScanner` reads principals, teams and resources too (`ManifestCursor+Configuration`):
    /// a field or check added to these three goes there as well, or the scanner gives up on it.
    static func decodePrincipal(_ header: ManifestHeader, _ spec: ObjectReader) -> Principal? {
        spec.allow(["displayName", "email", "kind", "external", "roles", "assignedBy", "teams", "sshKeys", "notify", "attributes", "owner", "review"])
        let displayName = spec.text("displayName", required: true)
        let email = spec.string("email")
        if let email, !isPlausibleEmail(email.value) {
            spec.log.add(spec.file, email.location, "invalid email '\(email.value)'")
        }
        var kind = Principal.Kind.person
        if let k = spec.string("kind") {
            if let parsed = Principal.Kind(rawValue: k.value) {
                kind = parsed
            } else {
                spec.log.add(spec.file, k.location, "spec.kind must be 'person' or 'service', found '\(k.value)'")
            }
        }
        let keys = spec.strings("sshKeys")
        for key in keys {
            if let problem = SSHPublicKey.problem(key.value) {
                spec.log.add(spec.file, key.location, "invalid SSH public key: \(problem)")
            }
        }
        let notify = spec.has("notify") ? channels(spec, "notify") : nil
        if notify?.contains(.email) == true, email == nil {
            spec.log.add(spec.file, spec.keyLocation("notify"), "notify names email, but the principal has no email")
        }
        guard let displayName else { return nil }
        var principal = Principal(
            header: header, displayName: displayName.value, email: email?.value, kind: kind,
            external: spec.bool("external") ?? false, roles: spec.ids("roles"), assignedBy: spec.id("assignedBy"), teams: spec.ids("teams"), sshKeys: keys)
        principal.notify = notify
        principal.attributes = spec.stringMap("attributes")
        principal.owner = spec.id("owner")
        principal.review = review(spec)
        return principal
    }

    static func isPlausibleEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(where: \.isWhitespace)
    }

    static func decodeTeam(_ header: ManifestHeader, _ spec: ObjectReader) -> Team {
        spec.allow(["displayName", "description", "parent", "roles", "assignedBy", "review"])
        var team = Team(
            header: header, displayName: spec.string("displayName")?.value, description: spec.string("description")?.value,
            parent: spec.id("parent"), roles: spec.ids("roles"), assignedBy: spec.id("assignedBy"))
        team.review = review(spec)
        return team
    }

    static func decodeRole(_ header: ManifestHeader, _ spec: ObjectReader) -> Role {
        spec.allow(["description", "administrator", "assignableBy", "rules"])
        var rules: [RoleRule] = []
        for (i, ruleNode) in spec.list("rules").enumerated() {
            guard let rule = ObjectReader(ruleNode, file: spec.file, path: "spec.rules[\(i)]", log: spec.log) else { continue }
            rule.allow(["resources", "actions", "when"])
            let actions = rule.strings("actions", required: true).compactMap { a -> Located<String>? in
                a.value == "*" ? a : rule.checkedID(a, "action")
            }
            var decoded = RoleRule(resources: rule.patterns("resources", required: true), actions: actions, location: ruleNode.location)
            decoded.when = condition(rule)
            rules.append(decoded)
        }
        return Role(
            header: header, description: spec.string("description")?.value, administrator: spec.bool("administrator") ?? false,
            assignableBy: spec.ids("assignableBy"), rules: rules)
    }

    static func decodeResource(_ header: ManifestHeader, _ spec: ObjectReader) -> Resource? {
        spec.allow(["type", "displayName", "owner", "parent", "attributes"])
        let type = spec.id("type", required: true)
        let owner = spec.id("owner", required: true)
        let parent = spec.resourceRef("parent")
        let attributes = spec.stringMap("attributes")
        guard let type, let owner else { return nil }
        return Resource(header: header, type: type, displayName: spec.string("displayName")?.value, owner: owner, parent: parent, attributes: attributes)
    }

    static func subjects(_ reader: ObjectReader?, allowRoles: Bool, alsoAllowed: [String] = []) -> SubjectSet {
        guard let reader else { return SubjectSet() }
        reader.allow((allowRoles ? ["principals", "teams", "roles"] : ["principals", "teams"]) + alsoAllowed)
        return SubjectSet(principals: reader.ids("principals"), teams: reader.ids("teams"), roles: allowRoles ? reader.ids("roles") : [])
    }

    static func decodePolicy(_ header: ManifestHeader, _ spec: ObjectReader) -> Policy? {
        spec.allow(["description", "requesters", "resources", "roles", "actions", "maxDuration", "requestTTL", "approvers", "threshold", "denyThreshold", "allowSelfApproval", "when", "breakGlass", "reviewWithin"])
        let requestersReader = spec.object("requesters", required: true)
        let requesters = subjects(requestersReader, allowRoles: true)
        if let requestersReader, requesters.isEmpty {
            spec.log.add(spec.file, requestersReader.location, "spec.requesters must name at least one principal, team or role")
        }
        let resources = spec.patterns("resources", required: true)
        let roles = spec.ids("roles")
        let actions = spec.ids("actions")
        if roles.isEmpty, actions.isEmpty {
            spec.log.add(spec.file, spec.anchor, "a policy must allow at least one role (spec.roles) or action (spec.actions)")
        }
        let maxDuration = spec.duration("maxDuration", required: true)
        let ttl = spec.duration("requestTTL")
        if let ttl, ttl.value.isPermanent {
            spec.log.add(spec.file, ttl.location, "spec.requestTTL cannot be permanent")
        }
        var approvers = ApproverSet(subjects: SubjectSet(), owner: false)
        // Acting as someone: by default the person to be impersonated or their owner team approves.
        let impersonation = !resources.isEmpty && resources.allSatisfy { $0.value.type == ResourcePattern.principalType }
        if impersonation, !spec.has("approvers") {
            approvers = ApproverSet(subjects: SubjectSet(), owner: true, impersonated: true)
        } else if let approversReader = spec.object("approvers", required: true) {
            approvers = ApproverSet(
                subjects: subjects(approversReader, allowRoles: true, alsoAllowed: ["owner", "impersonated"]), owner: approversReader.bool("owner") ?? false,
                impersonated: approversReader.bool("impersonated") ?? false)
            if approvers.subjects.isEmpty, !approvers.owner, !approvers.impersonated {
                spec.log.add(spec.file, approversReader.location, "spec.approvers must name principals, teams or roles, or set owner: true or impersonated: true")
            }
        }
        let threshold = spec.int("threshold", range: 1...100)
        let denyThreshold = spec.int("denyThreshold", range: 1...100)
        guard let maxDuration else { return nil }
        var policy = Policy(
            header: header, description: spec.string("description")?.value, requesters: requesters, resources: resources,
            roles: roles, actions: actions, maxDuration: maxDuration, requestTTL: ttl?.value ?? Policy.defaultRequestTTL,
            approvers: approvers, threshold: threshold ?? Located(1, at: spec.location),
            allowSelfApproval: spec.bool("allowSelfApproval") ?? false)
        policy.denyThreshold = denyThreshold?.value ?? 1
        policy.when = condition(spec)
        policy.breakGlass = spec.bool("breakGlass") ?? false
        if let within = spec.duration("reviewWithin") {
            if !policy.breakGlass {
                spec.log.add(spec.file, within.location, "spec.reviewWithin applies only to a break-glass policy (breakGlass: true)")
            } else if within.value.isPermanent {
                spec.log.add(spec.file, within.location, "spec.reviewWithin cannot be permanent: a break-glass grant must be reviewed")
            } else {
                policy.reviewWithin = within.value
            }
        }
        if policy.breakGlass, (maxDuration.value.seconds ?? .max) > Policy.breakGlassLimit {
            spec.log.add(spec.file, maxDuration.location, "a break-glass policy's maxDuration must be at most 1d (emergency access is short), found \(maxDuration.value)")
        }
        return policy
    }

    static func decodeBinding(_ header: ManifestHeader, _ spec: ObjectReader) -> Binding? {
        spec.allow(["description", "subjects", "role", "assignedBy", "resources", "validFrom", "validTo", "review"])
        let subjectsReader = spec.object("subjects", required: true)
        let subjectSet = subjects(subjectsReader, allowRoles: false)
        if let subjectsReader, subjectSet.isEmpty {
            spec.log.add(spec.file, subjectsReader.location, "spec.subjects must name at least one principal or team")
        }
        let role = spec.id("role", required: true)
        let resources = spec.patterns("resources", required: true)
        let from = spec.timestamp("validFrom"), to = spec.timestamp("validTo")
        if let from, let to, to.value <= from.value {
            spec.log.add(spec.file, to.location, "spec.validTo must be later than spec.validFrom")
        }
        guard let role else { return nil }
        var binding = Binding(header: header, description: spec.string("description")?.value, subjects: subjectSet, role: role, assignedBy: spec.id("assignedBy"), resources: resources, validFrom: from, validTo: to)
        binding.review = review(spec)
        return binding
    }

    /// `ManifestScanner` makes the same checks on the requests it reads from their bytes: a
    /// check added here (or in `decodeDecision`) goes there too, or the scanner gives up on
    /// the field it concerns; its differential test compares the two.
    static func decodeRequest(_ header: ManifestHeader, _ spec: ObjectReader, status: ObjectReader?, statusKey: SourceLocation) -> AccessRequest? {
        spec.allow(["requester", "requestedAt", "resources", "role", "actions", "reason", "duration", "validFrom", "validTo", "renews"])
        let requester = spec.id("requester", required: true)
        let requestedAt = spec.timestamp("requestedAt", required: true)
        let resources = spec.resourceRefs("resources", required: true)
        let role = spec.id("role")
        let actions = spec.ids("actions")
        let reason = spec.text("reason", required: true)
        if role == nil, actions.isEmpty, !spec.has("role") {
            spec.log.add(spec.file, spec.anchor, "a request must ask for a role (spec.role) or actions (spec.actions)")
        }
        let duration = spec.duration("duration")
        let from = spec.timestamp("validFrom"), to = spec.timestamp("validTo")
        let hasWindow = spec.has("validFrom") || spec.has("validTo")
        if spec.has("duration"), hasWindow {
            spec.log.add(spec.file, spec.keyLocation("duration"), "give either spec.duration or spec.validFrom and spec.validTo, not both")
        } else if !spec.has("duration"), !hasWindow {
            spec.log.add(spec.file, spec.anchor, "a request needs spec.duration, or spec.validFrom and spec.validTo")
        } else if hasWindow, !spec.has("validFrom") || !spec.has("validTo") {
            spec.log.add(spec.file, spec.keyLocation(spec.has("validFrom") ? "validFrom" : "validTo"), "spec.validFrom and spec.validTo go together; give both")
        }
        if let from, let to, to.value <= from.value {
            spec.log.add(spec.file, to.location, "spec.validTo must be later than spec.validFrom")
        }
        let renews = spec.id("renews")
        var decisions: [Decision] = []
        if let status {
            status.allow(["decisions"])
            for (i, node) in status.list("decisions").enumerated() {
                if let decision = decodeDecision(node, index: i, file: spec.file, log: spec.log) { decisions.append(decision) }
            }
        }
        guard let requester, let requestedAt, let reason else { return nil }
        let requestSpec = RequestSpec(
            requester: requester, requestedAt: requestedAt, resources: resources, role: role, actions: actions, reason: reason,
            duration: duration, validFrom: from, validTo: to, renews: renews)
        return AccessRequest(header: header, spec: requestSpec, decisions: decisions, statusLocation: status == nil ? nil : statusKey)
    }

    static func decodeDecision(_ node: Node, index: Int, file: String, log: DiagnosticCollector) -> Decision? {
        guard let d = ObjectReader(node, file: file, path: "status.decisions[\(index)]", log: log) else { return nil }
        d.allow(["decision", "by", "at", "terms", "reason", "specDigest", "signature"])
        var kind: Located<Decision.Kind>?
        if let k = d.string("decision", required: true) {
            if let parsed = Decision.Kind(rawValue: k.value) {
                kind = Located(parsed, at: k.location)
            } else {
                log.add(file, k.location, "decision must be approve, deny, revoke, relinquish or review, found '\(k.value)'")
            }
        }
        let by = d.id("by", required: true)
        let at = d.timestamp("at", required: true)
        let reason = d.string("reason")
        let specDigest = d.string("specDigest", required: true)
        if let specDigest, !(specDigest.value.hasPrefix("sha256:") && specDigest.value.utf8.count == 71) {
            log.add(file, specDigest.location, "specDigest must be 'sha256:' and 64 hexadecimal digits")
        }
        let signature = d.string("signature", required: true)
        if let signature, !signature.value.containsBytes("-----BEGIN SSH SIGNATURE-----") || !signature.value.containsBytes("-----END SSH SIGNATURE-----") {
            log.add(file, signature.location, "signature must be an SSH signature armor (-----BEGIN SSH SIGNATURE----- ... -----END SSH SIGNATURE-----)")
        }
        var terms: Terms?
        if let kind {
            if kind.value == .approve {
                if let t = d.object("terms", required: true) {
                    t.allow(["validFrom", "validTo", "duration", "resources", "role", "actions"])
                    let duration = t.duration("duration")
                    if duration != nil, let key = ["validFrom", "validTo"].first(where: { t.has($0) }) {
                        log.add(file, t.keyLocation(key), "terms carry either a duration (the window starts when the threshold is reached) or validFrom and validTo, not both")
                    }
                    let from = duration == nil ? t.timestamp("validFrom", required: true) : nil
                    let to = duration == nil ? t.timestamp("validTo") : nil
                    if let from, let to, to.value <= from.value {
                        log.add(file, to.location, "terms.validTo must be later than terms.validFrom")
                    }
                    let resources = t.resourceRefs("resources", required: true)
                    let role = t.id("role"), actions = t.ids("actions")
                    if role == nil, actions.isEmpty {
                        log.add(file, t.location, "terms must grant a role or actions")
                    }
                    if let duration, let at {
                        terms = Terms(
                            duration: duration.value, earliest: at.value, resources: resources.map(\.value), role: role?.value,
                            actions: actions.map(\.value), location: t.location)
                    } else if let from {
                        terms = Terms(
                            validFrom: from.value, validTo: to?.value, resources: resources.map(\.value), role: role?.value,
                            actions: actions.map(\.value), location: t.location)
                    }
                }
            } else if d.has("terms") {
                log.add(file, d.keyLocation("terms"), "only an approve decision has terms")
            }
            if kind.value == .revoke, reason == nil {
                log.add(file, d.location, "a revoke decision needs a reason")
            }
        }
        guard let kind, let by, let at, let signature, let specDigest else { return nil }
        if kind.value == .approve, terms == nil { return nil }
        return Decision(kind: kind, by: by, at: at, terms: terms, reason: reason?.value, specDigest: specDigest, signature: signature, location: node.location)
    }
}
