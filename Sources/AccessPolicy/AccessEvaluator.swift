import AccessFormats
import AccessModel

/// Answers "may PRINCIPAL do ACTION on RESOURCE at T, and why" (DESIGN.md section 9).
/// Nothing is allowed unless a rule allows it; permissions from every source are united.
package struct AccessEvaluator: Sendable {
    package let directory: Directory
    /// The grants `AccessEngine` computed, by principal, whenever in force.
    private let byPrincipal: [String: [Grant]]

    /// An evaluator over grants from `AccessEngine` (use `AccessEngine.evaluator`).
    package init(directory: Directory, grants: [Grant]) {
        self.directory = directory
        var byPrincipal: [String: [Grant]] = [:]
        for grant in grants { byPrincipal[grant.principal, default: []].append(grant) }
        self.byPrincipal = byPrincipal
    }

    /// One reason an action is allowed: the grant, and what in it matched.
    package struct Path: Sendable, Equatable {
        package var grant: String
        package var rule: String
        /// Set when the grant reaches the resource through a parent.
        package var through: ResourceRef?
        package var until: Timestamp?
        /// The rule's condition, with the values it read, when the rule has one.
        package var condition: String? = nil

        package var description: String {
            var text = "\(grant) -> \(rule)"
            if let condition { text += ", \(condition)" }
            if let through { text += ", covering it through parent \(through)" }
            if let until { text += ", until \(until)" }
            return text
        }
    }

    /// Every grant the principal holds at `time`.
    package func grants(of principalID: String, at time: Timestamp) -> [Grant] {
        (byPrincipal[principalID] ?? []).filter { $0.isActive(at: time) }
    }

    /// The resource and its ancestors, nearest first.
    package func chain(_ ref: ResourceRef) -> [ResourceRef] {
        var out: [ResourceRef] = []
        var current: ResourceRef? = ref
        while let r = current, !out.contains(r) {
            out.append(r)
            current = directory.resource(r)?.parent?.value
        }
        return out
    }

    /// Every path that allows `action` on `resource` at `time`; empty means denied. Honours the
    /// type's dependent permissions: an implying action grants this one, and an action whose
    /// required actions are not all allowed is denied.
    package func paths(_ principalID: String, _ action: String, _ resource: ResourceRef, at time: Timestamp) -> [Path] {
        explain(principalID, action, resource, at: time).paths
    }

    /// The paths, and for a denial caused by a missing required action, which one.
    package func explain(_ principalID: String, _ action: String, _ resource: ResourceRef, at time: Timestamp) -> (paths: [Path], missingRequirement: String?) {
        explain(grants: grants(of: principalID, at: time), action, resource, at: time)
    }

    /// Rules that would allow `action` on `resource` at `time` but whose condition did not
    /// hold, each with the values it read: what `check` shows for such a denial.
    package func failedConditions(_ principalID: String, _ action: String, _ resource: ResourceRef, at time: Timestamp) -> [String] {
        let chain = chain(resource)
        var out: [String] = []
        for grant in grants(of: principalID, at: time) {
            for reached in ruleReach(grant, chain, at: time) where !reached.held && (reached.actions.contains(action) || reached.actions.contains("*")) {
                out.append("\(grant.path) -> \(reached.rule ?? ""): \(reached.condition ?? "")")
            }
        }
        return out
    }

    /// The same for grants already worked out, all in force at the time asked about; listings
    /// work them out once per principal rather than once per question.
    package func explain(grants: [Grant], _ action: String, _ resource: ResourceRef, at time: Timestamp, requiredBy: Set<String> = []) -> (paths: [Path], missingRequirement: String?) {
        let type = directory.tree.settings?.resourceType(resource.type)
        // Actions that grant this one: itself, and every action that implies it (transitively).
        var granting = [action]
        var index = 0
        while index < granting.count {
            let current = granting[index]
            for (implying, implied) in (type?.implies ?? [:]).sorted(by: { $0.key < $1.key }) where implied.contains(current) && !granting.contains(implying) {
                granting.append(implying)
            }
            index += 1
        }
        let chain = chain(resource)
        var paths: [Path] = []
        for granted in granting {
            paths += directPaths(grants, granted, chain, at: time).map { path in
                var p = path
                if granted != action { p.rule += " (\(granted) implies \(action))" }
                return p
            }
        }
        guard !paths.isEmpty else { return ([], nil) }
        // requiredBy stops a cycle of requirements (a requires b requires a) from recursing forever.
        for required in type?.requires[action] ?? [] where required != action && !requiredBy.contains(required) {
            if explain(grants: grants, required, resource, at: time, requiredBy: requiredBy.union([action])).paths.isEmpty { return ([], required) }
        }
        return (paths, nil)
    }

    private func directPaths(_ grants: [Grant], _ action: String, _ chain: [ResourceRef], at time: Timestamp) -> [Path] {
        var out: [Path] = []
        for grant in grants {
            for reached in reach(grant, chain, at: time) where reached.actions.contains(action) || reached.actions.contains("*") {
                out.append(Path(grant: grant.path, rule: reached.rule ?? "action \(action)", through: reached.through, until: grant.validTo, condition: reached.condition))
            }
        }
        return out
    }

    /// Every action the principal may do at `time` with its paths, resources in tree order and
    /// actions in their type's order. Only resources that some grant's patterns name, and their
    /// descendants, are asked about; no other resource can be reached.
    package func access(of principalID: String, at time: Timestamp) -> [(action: String, resource: ResourceRef, paths: [Path])] {
        let grants = grants(of: principalID, at: time)
        var reachable = Set<ResourceRef>()
        for grant in grants {
            for pattern in Set(reachPatterns(grant)) {
                for ref in directory.resources(matching: pattern) where reachable.insert(ref).inserted {
                    reachable.formUnion(directory.descendants(of: ref))
                }
            }
        }
        var out: [(action: String, resource: ResourceRef, paths: [Path])] = []
        for resource in directory.tree.resources where reachable.contains(resource.ref) {
            for action in directory.tree.settings?.resourceType(resource.type.value)?.actions ?? [] {
                let paths = explain(grants: grants, action, resource.ref, at: time).paths
                if !paths.isEmpty { out.append((action, resource.ref, paths)) }
            }
        }
        return out
    }

    /// The patterns that bound where a grant can reach (each covering children too): a scoped
    /// grant reaches no further than its scope; otherwise its role's rules say where.
    package func reachPatterns(_ grant: Grant) -> [ResourcePattern] {
        grant.scope ?? grant.role.flatMap { directory.role($0) }.map { $0.rules.flatMap { $0.resources.map(\.value) } } ?? []
    }

    /// What a grant allows on a resource at `time`, given as its chain (the resource, then its
    /// ancestors): the grant's own actions (rule nil) and each matching rule of its role whose
    /// condition holds, with the ancestor it reaches the resource through. Access to a parent
    /// covers its children, so the grant's scope and the rule must each cover the resource or
    /// an ancestor.
    package func reach(_ grant: Grant, _ chain: [ResourceRef], at time: Timestamp) -> [(rule: String?, actions: [String], through: ResourceRef?, condition: String?)] {
        ruleReach(grant, chain, at: time).filter(\.held).map { ($0.rule, $0.actions, $0.through, $0.condition) }
    }

    /// `reach`, with the rules whose condition failed (`held` false).
    func ruleReach(_ grant: Grant, _ chain: [ResourceRef], at time: Timestamp) -> [(rule: String?, actions: [String], through: ResourceRef?, condition: String?, held: Bool)] {
        guard let resource = chain.first, !grant.leftOut.contains(resource) else { return [] }
        let reached = grant.scope.map { patterns in chain.first { r in patterns.contains { $0.matches(r) } } } ?? resource
        guard let reached else { return [] }
        var out: [(rule: String?, actions: [String], through: ResourceRef?, condition: String?, held: Bool)] = []
        if !grant.actions.isEmpty { out.append((nil, grant.actions, reached == resource ? nil : reached, nil, true)) }
        guard let roleID = grant.role, let role = directory.role(roleID) else { return out }
        // What conditions read, worked out once for all of the role's conditional rules.
        var context: ConditionContext??
        for (index, rule) in role.rules.enumerated() {
            guard let matched = chain.first(where: { r in rule.resources.contains { $0.value.matches(r) } }) else { continue }
            let actions = rule.actions.map(\.value)
            let text = "rule \(index + 1) (\(rule.resources.map(\.value.text).joined(separator: ", ")): \(actions.joined(separator: ", ")))"
            // A grant made on the resource itself reaches it directly, whichever rule applies;
            // only a grant without a scope (a role held outright) reaches through its rule's match.
            let through = grant.scope != nil ? (reached != resource ? reached : nil) : (matched != resource ? matched : nil)
            if let when = rule.when {
                if context == nil { context = .some(conditionContext(grant, chain, at: time)) }
                guard let facts = context ?? nil else { continue }
                let result = when.evaluate(facts)
                out.append((text, actions, through, result.explanation(when), result.holds))
            } else {
                out.append((text, actions, through, nil, true))
            }
        }
        return out
    }

    /// What a rule's condition reads for `grant` on the first resource of `chain` at `time`:
    /// the principal, the resource with the attributes it inherits from its ancestors (its
    /// own win), and the request the grant came from, with the window it was granted.
    package func conditionContext(_ grant: Grant, _ chain: [ResourceRef], at time: Timestamp) -> ConditionContext? {
        guard let resource = chain.first else { return nil }
        var facts: ConditionContext.RequestFacts?
        if case .request(let id, _) = grant.source, let request = directory.request(id) {
            let length = grant.validTo.map { $0.seconds - (grant.validFrom ?? $0).seconds }
            facts = ConditionContext.RequestFacts(name: id, reason: request.spec.reason.value, duration: length)
        }
        return directory.conditionContext(grant.principal, resource, request: facts, time: time)
    }

    /// Whether a policy's condition can hold for a request by the principal on the resource:
    /// it holds, or fails only for want of the request that has not been written yet.
    func policyMayApply(_ policy: Policy, _ principalID: String, _ resource: ResourceRef) -> Bool {
        guard let when = policy.when else { return true }
        guard let context = directory.conditionContext(principalID, resource, request: nil, time: nil) else { return false }
        let result = when.evaluate(context)
        return result.holds || result.needsRequest
    }

    /// For a denial: roles that would allow it, and policies that would let the principal request it.
    package func closest(_ principalID: String, _ action: String, _ resource: ResourceRef) -> (roles: [String], policies: [String]) {
        let chain = chain(resource)
        func allows(_ role: Role) -> Bool {
            role.rules.contains { rule in
                rule.actions.contains { $0.value == action || $0.value == "*" } && chain.contains { r in rule.resources.contains { $0.value.matches(r) } }
            }
        }
        let allowing = directory.tree.roles.filter(allows).map(\.id)
        let policies = directory.tree.policies.filter { policy in
            directory.contains(policy.requesters, principalID) && policy.resources.contains { $0.value.matches(resource) }
                && (policy.actions.contains { $0.value == action } || policy.roles.contains { allowing.contains($0.value) })
                && policyMayApply(policy, principalID, resource)
        }.map(\.id)
        return (allowing, policies)
    }
}
