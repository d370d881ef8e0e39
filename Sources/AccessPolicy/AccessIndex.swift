import AccessFormats
import AccessModel

/// Who holds what on each resource at one time: every principal's grants, indexed by the
/// resources their patterns name, so a resource's holders are found without asking about
/// every principal (the report lists them for every resource).
package struct AccessIndex: Sendable {
    /// One principal's access to one resource through one grant.
    package struct Holding: Sendable {
        package var grant: Grant
        /// The actions allowed, `*` expanded to the type's actions and implied actions added; sorted.
        package var actions: [String]
        /// Set when the grant reaches the resource through a parent.
        package var through: ResourceRef?
        /// The conditions of the rules that allow it, as they held at the index's time.
        package var conditions: [String] = []
    }

    package let evaluator: AccessEvaluator
    package let time: Timestamp
    /// Every grant in force at `time`, principals in id order.
    package let grants: [Grant]
    private let exact: [ResourceRef: [Int]]
    private let wildcards: [(pattern: ResourcePattern, grants: [Int])]

    package init(_ evaluator: AccessEvaluator, at time: Timestamp) {
        self.evaluator = evaluator
        self.time = time
        var grants: [Grant] = []
        for principal in evaluator.directory.tree.principals { grants += evaluator.grants(of: principal.id, at: time) }
        var exact: [ResourceRef: [Int]] = [:]
        var wildcards: [String: (pattern: ResourcePattern, grants: [Int])] = [:]
        for (index, grant) in grants.enumerated() {
            for pattern in Set(evaluator.reachPatterns(grant).map(\.text)).sorted() {
                guard let parsed = ResourcePattern(pattern) else { continue }
                if !pattern.contains(ascii: "*"), let ref = ResourceRef(pattern) {
                    exact[ref, default: []].append(index)
                } else {
                    wildcards[pattern, default: (parsed, [])].grants.append(index)
                }
            }
        }
        self.grants = grants
        self.exact = exact
        self.wildcards = wildcards.keys.sorted().map { wildcards[$0]! }
    }

    /// Everyone with access to `resource`, by principal id and then by grant.
    package func holdings(_ resource: ResourceRef) -> [Holding] {
        let chain = evaluator.chain(resource)
        var candidates = Set<Int>()
        for ref in chain { candidates.formUnion(exact[ref] ?? []) }
        for wildcard in wildcards where chain.contains(where: wildcard.pattern.matches) { candidates.formUnion(wildcard.grants) }
        let type = evaluator.directory.tree.settings?.resourceType(resource.type)
        var out: [Holding] = []
        for index in candidates.sorted() {
            let grant = grants[index]
            let reached = evaluator.reach(grant, chain, at: time)
            guard !reached.isEmpty else { continue }
            var actions = Set<String>()
            for r in reached { actions.formUnion(r.actions.contains("*") ? type?.actions ?? ["*"] : r.actions) }
            // Implied actions, transitively: holding admin may imply read.
            var queue = Array(actions)
            while let action = queue.popLast() {
                for implied in type?.implies[action] ?? [] where actions.insert(implied).inserted { queue.append(implied) }
            }
            // A rule over a parent's type may name actions this type does not have ("billing" on a site).
            if let type { actions.formIntersection(type.actions) }
            guard !actions.isEmpty else { continue }
            // Direct when any part of the grant reaches the resource itself.
            let through = reached.contains { $0.through == nil } ? nil : reached.compactMap(\.through).first
            out.append(Holding(grant: grant, actions: actions.sorted(), through: through, conditions: reached.compactMap(\.condition)))
        }
        return out
    }

    /// Everyone who may do `action` on `resource`, by principal id, with the paths. Only the
    /// principals who hold something there are asked about.
    package func whoCan(_ action: String, _ resource: ResourceRef) -> [(principal: String, paths: [AccessEvaluator.Path])] {
        let holders = Set(holdings(resource).map(\.grant.principal))
        var byPrincipal: [String: [Grant]] = [:]
        for grant in grants where holders.contains(grant.principal) { byPrincipal[grant.principal, default: []].append(grant) }
        return holders.sorted().compactMap { principal in
            let paths = evaluator.explain(grants: byPrincipal[principal]!, action, resource, at: time).paths
            return paths.isEmpty ? nil : (principal, paths)
        }
    }
}
