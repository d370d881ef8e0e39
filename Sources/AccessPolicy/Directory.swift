import AccessFormats
import AccessModel

/// Lookups over a tree: who is in which team, who holds which role, who owns what.
package struct Directory: Sendable {
    package let tree: AccessTree
    // Positions in the tree's arrays, not copies: a manifest is copied only when asked for.
    private let principals: [String: Int]
    private let teams: [String: Int]
    private let roles: [String: Int]
    private let resources: [ResourceRef: Int]
    private let requests: [String: Int]
    /// Positions in `tree.bindings` of the bindings naming each principal, and each team.
    private let bindingsByPrincipal: [String: [Int]]
    private let bindingsByTeam: [String: [Int]]
    /// Each resource's children, in tree order.
    private let children: [ResourceRef: [ResourceRef]]
    /// Resources by type, in tree order, for patterns such as `site:*`.
    private let resourcesByType: [String: [ResourceRef]]
    /// Each principal's teams (with their ancestors) and roles (with its teams'), worked out
    /// on first ask and kept: request states ask for them several times per request, 100,000
    /// times a run, while `check` asks about one principal of 10,000.
    private let memberships = LockedMemo<Membership>()
    /// Every principal's membership, worked out up front when asked for (see `init`): read
    /// without the memo's lock, which two workers asking for 100,000 request states took
    /// about five times per request and contended for.
    private var known: [String: Membership] = [:]

    private struct Membership: Sendable {
        var teams: Set<String>
        var roles: Set<String>
    }

    /// Lookups over `tree`; with `membershipsUpFront`, every principal's teams and roles are
    /// worked out at once, on `parallel` workers, for a caller that asks about most of them.
    package init(_ tree: AccessTree, membershipsUpFront: Bool = false, parallel: Int = 1) {
        self.tree = tree
        // Indices, not elements: iterating the elements would copy every manifest once.
        principals = Dictionary(tree.principals.indices.map { (tree.principals[$0].header.name.value, $0) }, uniquingKeysWith: { a, _ in a })
        teams = Dictionary(tree.teams.indices.map { (tree.teams[$0].header.name.value, $0) }, uniquingKeysWith: { a, _ in a })
        roles = Dictionary(tree.roles.indices.map { (tree.roles[$0].header.name.value, $0) }, uniquingKeysWith: { a, _ in a })
        resources = Dictionary(tree.resources.indices.map { (tree.resources[$0].ref, $0) }, uniquingKeysWith: { a, _ in a })
        // Only conditions read a grant's request: a tree without them does not index 100k requests.
        let conditional = tree.roles.contains { $0.rules.contains { $0.when != nil } }
        requests = conditional ? Dictionary(tree.requests.indices.map { (tree.requests[$0].header.name.value, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
        var byPrincipal: [String: [Int]] = [:], byTeam: [String: [Int]] = [:]
        for (index, binding) in tree.bindings.enumerated() {
            for id in Set(binding.subjects.principals.map(\.value)) { byPrincipal[id, default: []].append(index) }
            for id in Set(binding.subjects.teams.map(\.value)) { byTeam[id, default: []].append(index) }
        }
        bindingsByPrincipal = byPrincipal
        bindingsByTeam = byTeam
        var children: [ResourceRef: [ResourceRef]] = [:], byType: [String: [ResourceRef]] = [:]
        for i in tree.resources.indices {
            let ref = tree.resources[i].ref
            if let parent = tree.resources[i].parent?.value { children[parent, default: []].append(ref) }
            byType[ref.type, default: []].append(ref)
        }
        self.children = children
        resourcesByType = byType
        if membershipsUpFront {
            let ids = Array(principals.keys)
            let lookups = self
            let found = Parallel.map(ids, workers: Parallel.workers(for: ids.count, from: 1024, upTo: parallel)) { lookups.computeMembership(lookups.principals[$0]!) }
            known = Dictionary(uniqueKeysWithValues: zip(ids, found))
        }
    }

    private func membership(_ id: String) -> Membership? {
        // Worked out up front: a principal missing here is not in the tree.
        if !known.isEmpty { return known[id] }
        return memberships.value(id) { principals[id].map(computeMembership) }
    }

    private func computeMembership(_ index: Int) -> Membership {
        let principal = tree.principals[index]
        let member = Set(principal.teams.flatMap { ancestors(ofTeam: $0.value) })
        var roles = Set(principal.roles.map(\.value))
        for team in member { roles.formUnion(teams[team].map { tree.teams[$0].roles.map(\.value) } ?? []) }
        return Membership(teams: member, roles: roles)
    }

    package func principal(_ id: String) -> Principal? { principals[id].map { tree.principals[$0] } }
    /// Whether the tree has the principal, without copying it.
    package func hasPrincipal(_ id: String) -> Bool { principals[id] != nil }
    package func resource(_ ref: ResourceRef) -> Resource? { resources[ref].map { tree.resources[$0] } }
    package func team(_ id: String) -> Team? { teams[id].map { tree.teams[$0] } }
    package func role(_ id: String) -> Role? { roles[id].map { tree.roles[$0] } }
    /// A request by id; indexed only when some role rule has a condition (the only reader).
    package func request(_ id: String) -> AccessRequest? { requests[id].map { tree.requests[$0] } }

    /// Bindings that name the principal, directly or through one of its teams.
    package func bindings(naming principalID: String) -> [Binding] {
        var positions = Set(bindingsByPrincipal[principalID] ?? [])
        for team in teams(of: principalID) { positions.formUnion(bindingsByTeam[team] ?? []) }
        return positions.sorted().map { tree.bindings[$0] }
    }

    /// The resources a pattern names, in tree order.
    package func resources(matching pattern: ResourcePattern) -> [ResourceRef] {
        guard let type = pattern.type else { return tree.resources.map(\.ref).filter(pattern.matches) }
        if !pattern.text.contains(ascii: "*") { return ResourceRef(pattern.text).flatMap { resources[$0] != nil ? [$0] : nil } ?? [] }
        return (resourcesByType[type] ?? []).filter(pattern.matches)
    }

    /// The resources below `ref` through `parent`, not `ref` itself; stops at a cycle.
    package func descendants(of ref: ResourceRef) -> [ResourceRef] {
        var out: [ResourceRef] = []
        var seen: Set<ResourceRef> = [ref]
        var queue = [ref]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where seen.insert(child).inserted {
                out.append(child)
                queue.append(child)
            }
        }
        return out
    }

    /// A team and its ancestors, nearest first; stops at a cycle (which validation reports).
    package func ancestors(ofTeam id: String) -> [String] {
        var chain: [String] = []
        var current: String? = id
        while let team = current, let index = teams[team], !chain.contains(team) {
            chain.append(team)
            current = tree.teams[index].parent?.value
        }
        return chain
    }

    /// The teams a principal belongs to: those it names and all their ancestors, since a
    /// member of `support-eu` is also a member of its parent `support`.
    package func teams(of principalID: String) -> Set<String> {
        membership(principalID)?.teams ?? []
    }

    /// Roles a principal holds everywhere: its own, and those of its teams and their ancestors.
    package func roles(of principalID: String) -> Set<String> {
        membership(principalID)?.roles ?? []
    }

    /// Whether the principal is named by a subject set directly, by team, or by role.
    package func contains(_ subjects: SubjectSet, _ principalID: String) -> Bool {
        if subjects.principals.contains(where: { $0.value == principalID }) { return true }
        guard let membership = membership(principalID) else { return false }
        if subjects.teams.contains(where: { membership.teams.contains($0.value) }) { return true }
        return subjects.roles.contains { membership.roles.contains($0.value) }
    }

    /// What a condition reads about `principalID` and `resource`: the resource's attributes
    /// are its own, then its ancestors' for keys it does not set (nearest first).
    package func conditionContext(_ principalID: String, _ resource: ResourceRef, request: ConditionContext.RequestFacts?, time: Timestamp?) -> ConditionContext? {
        guard let principal = principal(principalID), let owner = self.resource(resource)?.owner.value else { return nil }
        var attributes: [String: String] = [:]
        var current: ResourceRef? = resource
        var seen = Set<ResourceRef>()
        while let ref = current, seen.insert(ref).inserted, let found = self.resource(ref) {
            for (key, value) in found.attributes where attributes[key] == nil { attributes[key] = value }
            current = found.parent?.value
        }
        return ConditionContext(
            principal: principal, teams: teams(of: principalID).sorted(), roles: roles(of: principalID).sorted(), resource: resource,
            owner: owner, attributes: attributes, request: request, time: time)
    }

    /// Whether the principal is a member of the owner team of every resource in `refs`.
    package func ownsAll(_ refs: [ResourceRef], _ principalID: String) -> Bool {
        let teams = teams(of: principalID)
        return !refs.isEmpty && refs.allSatisfy { ref in resources[ref].map { teams.contains(tree.resources[$0].owner.value) } ?? false }
    }
}
