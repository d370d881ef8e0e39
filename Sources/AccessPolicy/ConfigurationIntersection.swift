import AccessFormats
import AccessModel

/// While a configuration change waits for signatures, access is computed from the part both
/// configurations agree on: anything added waits, anything taken away counts at once. Each
/// manifest kept is the narrower reading of its two versions; the requests are the tree's.
package enum ConfigurationIntersection {
    /// The tree of `current`'s requests over the intersection of the two configurations.
    /// Settings stay the trusted ones (the namespace and organization signatures are checked in).
    package static func intersect(trusted: AccessTree, current: AccessTree) -> AccessTree {
        var out = current
        out.settings = trusted.settings
        out.configuration = trusted.configuration
        // The report keeps its trusted look until a restyle is signed.
        out.templates = trusted.templates
        func both<T>(_ old: [T], _ new: [T], _ id: (T) -> String, _ merge: (T, T) -> T?) -> [T] {
            let byID = Dictionary(old.map { (id($0), $0) }, uniquingKeysWith: { a, _ in a })
            return new.compactMap { item in byID[id(item)].flatMap { merge($0, item) } }
        }
        out.principals = both(trusted.principals, current.principals, \.id) { old, new in
            var p = new
            p.sshKeys = common(old.sshKeys, new.sshKeys)
            p.roles = common(old.roles, new.roles)
            p.teams = common(old.teams, new.teams)
            p.external = old.external || new.external
            // Conditions read the signed attributes: a change to them (either way, since
            // `!has(...)` can turn true when one is removed) waits for signatures.
            p.attributes = old.attributes
            if old.owner?.value != new.owner?.value { p.owner = nil }
            p.review = ReviewPolicy.stricter(old.review, new.review)
            return p
        }
        out.teams = both(trusted.teams, current.teams, \.id) { old, new in
            var t = new
            t.roles = common(old.roles, new.roles)
            if old.parent?.value != new.parent?.value { t.parent = nil }
            t.review = ReviewPolicy.stricter(old.review, new.review)
            return t
        }
        out.roles = both(trusted.roles, current.roles, \.id) { old, new in
            var r = new
            r.administrator = old.administrator && new.administrator
            r.rules = new.rules.compactMap { rule in
                // A rule counts where the trusted role has one over the same patterns, with the actions both allow.
                let patterns = Set(rule.resources.map(\.value.text))
                guard let before = old.rules.first(where: { Set($0.resources.map(\.value.text)) == patterns }) else { return nil }
                let was = before.actions.map(\.value)
                var narrowed = rule
                narrowed.when = Condition.both(before.when, rule.when)
                if !was.contains("*") {
                    narrowed.actions = rule.actions.contains { $0.value == "*" } ? before.actions : rule.actions.filter { was.contains($0.value) }
                }
                return narrowed.actions.isEmpty ? nil : narrowed
            }
            return r
        }
        out.resources = both(trusted.resources, current.resources, \.ref.description) { old, new in
            guard old.type.value == new.type.value else { return nil }
            var r = new
            // A changed owner owns nothing until signed: no team approves as owner.
            if old.owner.value != new.owner.value { r.owner = Located("", at: new.owner.location) }
            if old.parent?.value != new.parent?.value { r.parent = nil }
            r.attributes = old.attributes
            return r
        }
        out.policies = both(trusted.policies, current.policies, \.id) { old, new in
            var p = new
            p.requesters = common(old.requesters, new.requesters)
            p.resources = common(old.resources, new.resources)
            p.roles = common(old.roles, new.roles)
            p.actions = common(old.actions, new.actions)
            p.approvers = ApproverSet(
                subjects: common(old.approvers.subjects, new.approvers.subjects), owner: old.approvers.owner && new.approvers.owner,
                impersonated: old.approvers.impersonated && new.approvers.impersonated)
            p.threshold.value = max(old.threshold.value, new.threshold.value)
            p.denyThreshold = min(old.denyThreshold, new.denyThreshold)
            p.allowSelfApproval = old.allowSelfApproval && new.allowSelfApproval
            p.maxDuration.value = shorter(old.maxDuration.value, new.maxDuration.value)
            p.requestTTL = shorter(old.requestTTL, new.requestTTL)
            p.when = Condition.both(old.when, new.when)
            p.breakGlass = old.breakGlass && new.breakGlass
            p.reviewWithin = shorter(old.reviewWithin, new.reviewWithin)
            return p.roles.isEmpty && p.actions.isEmpty ? nil : p
        }
        out.bindings = both(trusted.bindings, current.bindings, \.id) { old, new in
            guard old.role.value == new.role.value else { return nil }
            var b = new
            b.review = ReviewPolicy.stricter(old.review, new.review)
            b.subjects = common(old.subjects, new.subjects)
            b.resources = common(old.resources, new.resources)
            if let from = old.validFrom, from.value > (b.validFrom?.value ?? from.value) || b.validFrom == nil { b.validFrom = from }
            if let to = old.validTo, to.value < (b.validTo?.value ?? to.value) || b.validTo == nil { b.validTo = to }
            return b.resources.isEmpty ? nil : b
        }
        return out
    }

    /// The items of `new` that `old` has too (by value).
    static func common<T: Hashable>(_ old: [Located<T>], _ new: [Located<T>]) -> [Located<T>] {
        let kept = Set(old.map(\.value))
        return new.filter { kept.contains($0.value) }
    }

    static func common(_ old: SubjectSet, _ new: SubjectSet) -> SubjectSet {
        SubjectSet(principals: common(old.principals, new.principals), teams: common(old.teams, new.teams), roles: common(old.roles, new.roles))
    }

    static func shorter(_ a: AccessDuration, _ b: AccessDuration) -> AccessDuration {
        switch (a.seconds, b.seconds) {
        case (nil, _): b
        case (_, nil): a
        case (let x?, let y?): x <= y ? a : b
        }
    }
}
