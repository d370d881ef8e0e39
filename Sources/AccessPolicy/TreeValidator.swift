import AccessFormats
import AccessModel

/// Checks a decoded tree as a whole: unique ids, references that resolve, no cycles.
package enum TreeValidator {
    /// Checks `tree`, logging every problem and leaving out the configuration manifests with
    /// errors. Trees of `parallelFrom` requests, principals and resources or more are checked
    /// on every core (a test compares both ways).
    package static func validate(_ tree: inout AccessTree, log: DiagnosticCollector, parallelFrom: Int = 1024) {
        tree.principals = unique(tree.principals, \.header, "principal", log)
        tree.teams = unique(tree.teams, \.header, "team", log)
        tree.roles = unique(tree.roles, \.header, "role", log)
        tree.policies = unique(tree.policies, \.header, "policy", log)
        tree.bindings = unique(tree.bindings, \.header, "binding", log)
        tree.requests = unique(tree.requests, \.header, "request", log)
        let derived = principalResources(tree, log)
        // A written `principal` resource is an error (logged above) and never shadows the principal.
        if tree.settings?.resourceType(principalType) != nil { tree.resources.removeAll { $0.type.value == principalType } }
        tree.resources = uniqueResources(tree.resources + derived, log)

        let refs = References(tree)
        // The checks below read the tree and write only their own messages: they run side by
        // side (the manifests' references, the requests in runs of neighbours, the cycles,
        // who holds which role), and their messages are gathered in the order one check after
        // another wrote them.
        let checked = tree
        let runs = stride(from: 0, to: checked.requests.count, by: 1024).map { $0..<min($0 + 1024, checked.requests.count) }
        let parts: [ValidationPart] = [.references] + runs.map { .requests($0) } + [.cycles, .roleHolders]
        let size = checked.requests.count + checked.principals.count + checked.resources.count
        let problems = Parallel.map(parts, workers: Parallel.workers(for: size, from: parallelFrom)) { part -> [Diagnostic] in
            let out = DiagnosticCollector()
            switch part {
            case .references: checkReferences(checked, refs, out)
            case .requests(let range): for request in checked.requests[range] { refs.checkRequest(request, out) }
            case .cycles:
                checkTeamCycles(checked.teams, out)
                checkResourceCycles(checked.resources, out)
            case .roleHolders:
                // One set of lookups for both checks of who holds which role.
                let directory = Directory(checked)
                checkAdministrators(directory, out)
                checkAssignments(directory, out)
            }
            return out.diagnostics
        }
        for part in problems { part.forEach(log.add) }
        failClosed(&tree, log)
    }

    /// The parts of `validate` that run side by side.
    enum ValidationPart: Sendable {
        case references
        case requests(Range<Int>)
        case cycles
        case roleHolders
    }

    /// What each configuration manifest names exists: roles, teams, principals, resources,
    /// actions, and conditions' attributes.
    static func checkReferences(_ tree: AccessTree, _ refs: References, _ log: DiagnosticCollector) {
        let principals = refs.principals, teamIDs = refs.teams, roles = refs.roles
        let settings = tree.settings
        func check(_ ref: Located<String>, in set: Set<String>, _ what: String, _ file: String) { refs.check(ref, in: set, what, file, log) }
        func checkPattern(_ p: Located<ResourcePattern>, _ file: String) { refs.checkPattern(p, file, log) }
        func checkResource(_ r: Located<ResourceRef>, _ file: String) { refs.checkResource(r, file, log) }
        func checkAction(_ a: Located<String>, _ file: String) { refs.checkAction(a, file, log) }
        func checkSubjects(_ s: SubjectSet, _ file: String) {
            s.principals.forEach { check($0, in: principals, "principal", file) }
            s.teams.forEach { check($0, in: teamIDs, "team", file) }
            s.roles.forEach { check($0, in: roles, "role", file) }
        }

        for p in tree.principals {
            p.roles.forEach { check($0, in: roles, "role", p.header.file) }
            p.teams.forEach { check($0, in: teamIDs, "team", p.header.file) }
            if let by = p.assignedBy { check(by, in: principals, "principal", p.header.file) }
            if let owner = p.owner { check(owner, in: teamIDs, "owner team", p.header.file) }
            if let review = p.review { check(review.by, in: teamIDs, "reviewing team", p.header.file) }
        }
        for t in tree.teams {
            if let parent = t.parent { check(parent, in: teamIDs, "parent team", t.header.file) }
            t.roles.forEach { check($0, in: roles, "role", t.header.file) }
            if let by = t.assignedBy { check(by, in: principals, "principal", t.header.file) }
            if let review = t.review { check(review.by, in: teamIDs, "reviewing team", t.header.file) }
        }
        /// A condition's types, against the attributes the settings declare.
        func checkCondition(_ when: Condition?, _ place: ConditionScope.Place, _ field: String, _ file: String) {
            guard let when, let settings else { return }
            do throws(ConditionError) {
                try when.check(in: settings.conditionScope(place))
            } catch {
                log.add(file, when.location(ofOffset: error.offset), "in \(field): \(error.message)")
            }
        }
        for r in tree.roles {
            r.assignableBy.forEach { check($0, in: roles, "role", r.header.file) }
            for (i, rule) in r.rules.enumerated() {
                rule.resources.forEach { checkPattern($0, r.header.file) }
                rule.actions.forEach { checkAction($0, r.header.file) }
                checkCondition(rule.when, .rule, "spec.rules[\(i)].when", r.header.file)
            }
        }
        for r in tree.resources {
            if settings != nil, !refs.types.contains(r.type.value) {
                log.add(r.header.file, r.type.location, "unknown resource type '\(r.type.value)'; declared types: " + refs.types.sorted().joined(separator: ", "))
            }
            if !r.derived { check(r.owner, in: teamIDs, "owner team", r.header.file) }
            if let parent = r.parent { checkResource(parent, r.header.file) }
        }
        for p in tree.policies {
            checkSubjects(p.requesters, p.header.file)
            checkSubjects(p.approvers.subjects, p.header.file)
            p.resources.forEach { checkPattern($0, p.header.file) }
            p.roles.forEach { check($0, in: roles, "role", p.header.file) }
            p.actions.forEach { checkAction($0, p.header.file) }
            checkCondition(p.when, .policy, "spec.when", p.header.file)
        }
        for b in tree.bindings {
            checkSubjects(b.subjects, b.header.file)
            check(b.role, in: roles, "role", b.header.file)
            if let by = b.assignedBy { check(by, in: principals, "principal", b.header.file) }
            b.resources.forEach { checkPattern($0, b.header.file) }
            if let review = b.review { check(review.by, in: teamIDs, "reviewing team", b.header.file) }
        }
    }

    /// One rule set: a configuration manifest that validate calls wrong grants nothing in
    /// reconcile, check or the report. It leaves the tree (its id is kept as unreadable, so
    /// removals name it as invalid), with the error validate printed.
    static func failClosed(_ tree: inout AccessTree, _ log: DiagnosticCollector) {
        let broken = Set(log.diagnostics.filter { $0.severity == .error }.map(\.file))
        guard !broken.isEmpty else { return }
        var dropped = Set<String>()
        func keep<T>(_ items: [T], _ header: KeyPath<T, ManifestHeader>) -> [T] {
            items.filter { item in
                let h = item[keyPath: header]
                guard broken.contains(h.file) else { return true }
                dropped.insert(h.id)
                return false
            }
        }
        tree.principals = keep(tree.principals, \.header)
        tree.teams = keep(tree.teams, \.header)
        tree.roles = keep(tree.roles, \.header)
        tree.policies = keep(tree.policies, \.header)
        tree.bindings = keep(tree.bindings, \.header)
        tree.resources = keep(tree.resources, \.header)
        tree.unreadableIDs.formUnion(dropped)
    }

    /// A role with `assignableBy` may be given (by a principal's or a team's roles, or by a
    /// binding) only by a principal named in `assignedBy` who holds one of those roles through
    /// its own roles or its teams. Bindings and requests give no authority to assign: they are
    /// scoped to resources and times. A manifest cannot be the source of the authority it uses,
    /// so the roles it gives do not count for its own assigner.
    static func checkAssignments(_ directory: Directory, _ log: DiagnosticCollector) {
        let tree = directory.tree
        let restricted = Dictionary(tree.roles.filter { !$0.assignableBy.isEmpty }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        guard !restricted.isEmpty else { return }
        let known = Set(tree.principals.map(\.id))
        var holders: [String: [String]] = [:]  // role id -> principals who may assign it, worked out on the first error

        /// `Directory.roles(of:)` without the roles the manifest being checked gives.
        func authority(_ principal: String, exceptPrincipal: String?, exceptTeam: String?) -> Set<String> {
            var held = Set<String>()
            if principal != exceptPrincipal { held.formUnion(directory.principal(principal)?.roles.map(\.value) ?? []) }
            for team in directory.teams(of: principal) where team != exceptTeam { held.formUnion(directory.team(team)?.roles.map(\.value) ?? []) }
            return held
        }
        func whoMay(_ role: Role) -> String {
            let allowed = Set(role.assignableBy.map(\.value))
            if holders[role.id] == nil {
                holders[role.id] = tree.principals.filter { !directory.roles(of: $0.id).isDisjoint(with: allowed) }.map(\.id)
            }
            let names = holders[role.id]!
            let listed = names.isEmpty ? "nobody holds them" : names.prefix(10).joined(separator: ", ") + (names.count > 10 ? " and \(names.count - 10) more" : "")
            return "only holders of \(role.assignableBy.map(\.value).joined(separator: ", ")) may (\(listed))"
        }
        func check(_ given: Located<String>, _ assignedBy: Located<String>?, _ file: String, exceptPrincipal: String?, exceptTeam: String?) {
            guard let role = restricted[given.value] else { return }
            guard let assignedBy else {
                log.add(file, given.location, "role '\(role.id)' needs spec.assignedBy naming who gave it: \(whoMay(role))")
                return
            }
            guard known.contains(assignedBy.value) else { return }  // reported as an unknown principal
            let allowed = Set(role.assignableBy.map(\.value))
            guard authority(assignedBy.value, exceptPrincipal: exceptPrincipal, exceptTeam: exceptTeam).isDisjoint(with: allowed) else { return }
            var message = "'\(assignedBy.value)' may not assign role '\(role.id)': \(whoMay(role))"
            if !directory.roles(of: assignedBy.value).isDisjoint(with: allowed) {
                message += "; the roles this manifest gives do not count toward its own assignment"
            }
            log.add(file, assignedBy.location, message)
        }
        for p in tree.principals { p.roles.forEach { check($0, p.assignedBy, p.header.file, exceptPrincipal: p.id, exceptTeam: nil) } }
        for t in tree.teams { t.roles.forEach { check($0, t.assignedBy, t.header.file, exceptPrincipal: nil, exceptTeam: t.id) } }
        for b in tree.bindings { check(b.role, b.assignedBy, b.header.file, exceptPrincipal: nil, exceptTeam: nil) }
    }

    /// Administrators are named in every customer report: each must be a person with a name
    /// and an email, and never an external principal.
    static func checkAdministrators(_ directory: Directory, _ log: DiagnosticCollector) {
        let tree = directory.tree
        let adminRoles = Set(tree.roles.filter(\.administrator).map(\.id))
        guard !adminRoles.isEmpty else { return }
        for principal in tree.principals {
            let held = directory.roles(of: principal.id).union(directory.bindings(naming: principal.id).map(\.role.value)).intersection(adminRoles)
            guard let role = held.sorted().first else { continue }
            var problems: [String] = []
            if principal.kind == .service { problems.append("is a service account") }
            if principal.external { problems.append("is external") }
            if principal.email == nil { problems.append("has no email") }
            if !problems.isEmpty {
                log.add(principal.header.file, principal.header.name.location,
                        "'\(principal.id)' holds the administrator role '\(role)' but \(problems.joined(separator: " and ")); administrators must be named people with an email, never external")
            }
        }
    }

    /// Keeps the first manifest of each id (in path order) and reports the others.
    static func unique<T>(_ items: [T], _ header: KeyPath<T, ManifestHeader>, _ what: String, _ log: DiagnosticCollector) -> [T] {
        // Positions, not headers: a header kept per id was copied 100,000 times.
        var seen: [String: Int] = [:]
        seen.reserveCapacity(items.count)
        var kept: [(id: String, index: Int)] = []
        kept.reserveCapacity(items.count)
        for index in items.indices {
            let h = items[index][keyPath: header]
            if let firstIndex = seen[h.id] {
                let first = items[firstIndex][keyPath: header]
                log.add(Diagnostic(
                    file: h.file, location: h.name.location, message: "duplicate \(what) id '\(h.id)' (also defined in \(first.file))",
                    notes: [Diagnostic.Note(file: first.file, location: first.name.location, message: "the first \(what) '\(h.id)' is here")]))
                continue
            }
            seen[h.id] = index
            kept.append((h.id, index))
        }
        // Sorted as (id, index) pairs, then gathered: moving whole requests while sorting
        // copied 100,000 large values many times over.
        return kept.sorted { $0.id < $1.id }.map { items[$0.index] }
    }

    static func uniqueResources(_ items: [Resource], _ log: DiagnosticCollector) -> [Resource] {
        // Positions, not copies: enumerating would copy each resource, and keeping headers
        // each header.
        var seen: [ResourceRef: Int] = [:]
        seen.reserveCapacity(items.count)
        var kept: [(ref: ResourceRef, index: Int)] = []
        kept.reserveCapacity(items.count)
        for index in items.indices {
            let ref = items[index].ref
            if let firstIndex = seen[ref] {
                let r = items[index], first = items[firstIndex].header
                log.add(Diagnostic(
                    file: r.header.file, location: r.header.name.location, message: "duplicate resource '\(ref)' (also defined in \(first.file))",
                    notes: [Diagnostic.Note(file: first.file, location: first.name.location, message: "the first resource '\(ref)' is here")]))
                continue
            }
            seen[ref] = index
            kept.append((ref, index))
        }
        // Sorted by refs worked out once; comparing resources would build two refs per comparison.
        return kept.sorted { $0.ref < $1.ref }.map { items[$0.index] }
    }

    /// The type whose resources are the principals themselves: `principal:ID`, for the
    /// `impersonate` action. Declared in the settings like any type; never written as a Resource.
    package static let principalType = ResourcePattern.principalType

    /// When the settings declare the `principal` type: each principal as a resource, owned by
    /// its `owner` team (none when it has none), with its attributes.
    static func principalResources(_ tree: AccessTree, _ log: DiagnosticCollector) -> [Resource] {
        guard tree.settings?.resourceType(principalType) != nil else { return [] }
        for r in tree.resources where r.type.value == principalType {
            log.add(r.header.file, r.type.location, "resources of type 'principal' are the principals themselves (principal:ID); remove this manifest")
        }
        return tree.principals.map { p in
            var r = Resource(
                header: ManifestHeader(file: p.header.file, kind: .resource, name: p.header.name), type: Located(principalType, at: p.header.name.location),
                displayName: p.displayName, owner: p.owner ?? Located("", at: p.header.name.location), parent: nil, attributes: p.attributes)
            r.derived = true
            return r
        }
    }

    static func checkTeamCycles(_ teams: [Team], _ log: DiagnosticCollector) {
        let parent = Dictionary(uniqueKeysWithValues: teams.compactMap { t in t.parent.map { (t.id, $0.value) } })
        let byID = Dictionary(teams.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        reportCycles(Array(parent.keys), parent: { parent[$0] }) { cycle in
            let first = byID[cycle[0]]!
            log.add(first.header.file, first.parent!.location, "team parents form a cycle: " + (cycle + [cycle[0]]).joined(separator: " -> "))
        }
    }

    static func checkResourceCycles(_ resources: [Resource], _ log: DiagnosticCollector) {
        let parent = Dictionary(uniqueKeysWithValues: resources.compactMap { r in r.parent.map { (r.ref.description, $0.value.description) } })
        reportCycles(Array(parent.keys), parent: { parent[$0] }) { cycle in
            let first = resources.first { $0.ref.description == cycle[0] }!
            log.add(first.header.file, first.parent!.location, "resource parents form a cycle: " + (cycle + [cycle[0]]).joined(separator: " -> "))
        }
    }

    /// Calls `report` once per cycle, with the cycle rotated to start at its smallest id.
    static func reportCycles(_ nodes: [String], parent: (String) -> String?, report: ([String]) -> Void) {
        // Most trees have no cycle: look in any order first, and sort the names (50,000 on a
        // large tree) only to report cycles in a stable order.
        guard hasCycle(nodes, parent: parent) else { return }
        walkCycles(nodes.sorted(), parent: parent, report: report)
    }

    /// Whether following `parent` from some node comes back to a node on the same walk.
    static func hasCycle(_ nodes: [String], parent: (String) -> String?) -> Bool {
        var found = false
        walkCycles(nodes, parent: parent) { _ in found = true }
        return found
    }

    /// Follows `parent` from each node in the order given, each node once, and calls `report`
    /// for each cycle met, rotated to start at its smallest id.
    private static func walkCycles(_ nodes: [String], parent: (String) -> String?, report: ([String]) -> Void) {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        state.reserveCapacity(nodes.count)
        for start in nodes where state[start] == nil {
            var path: [String] = []
            var current: String? = start
            while let node = current, state[node] == nil {
                state[node] = 1
                path.append(node)
                current = parent(node)
            }
            if let node = current, state[node] == 1, let index = path.firstIndex(of: node) {
                let cycle = Array(path[index...])
                let smallest = cycle.indices.min { cycle[$0] < cycle[$1] }!
                report(Array(cycle[smallest...] + cycle[..<smallest]))
            }
            for node in path { state[node] = 2 }
        }
    }
}

extension TreeValidator {
    /// The ids and lookups the reference checks read, built once; read-only, so requests are
    /// checked on several cores, each into its own collector.
    struct References: Sendable {
        let principals: Set<String>
        let teams: Set<String>
        let roles: Set<String>
        let requests: Set<String>
        /// Type and owner only: a lookup that returned the whole resource copied it each time.
        let resources: [ResourceRef: (type: String, owner: String)]
        let settings: Settings?
        let types: Set<String>
        let actions: Set<String>
        let unreadable: Set<String>

        init(_ tree: AccessTree) {
            principals = Set(tree.principals.map(\.id))
            teams = Set(tree.teams.map(\.id))
            roles = Set(tree.roles.map(\.id))
            requests = Set(tree.requests.map(\.id))
            resources = Dictionary(tree.resources.map { ($0.ref, (type: $0.type.value, owner: $0.owner.value)) }, uniquingKeysWith: { a, _ in a })
            settings = tree.settings
            types = Set(settings?.resourceTypes.map(\.name) ?? [])
            actions = settings?.allActions ?? []
            unreadable = tree.unreadableIDs
        }

        func check(_ ref: Located<String>, in set: Set<String>, _ what: String, _ file: String, _ log: DiagnosticCollector) {
            guard !set.contains(ref.value), !unreadable.contains(ref.value) else { return }
            log.add(file, ref.location, "unknown \(what) '\(ref.value)'" + didYouMean(ref.value, in: Array(set)))
        }

        func checkPattern(_ p: Located<ResourcePattern>, _ file: String, _ log: DiagnosticCollector) {
            guard settings != nil, let type = p.value.type, !types.contains(type) else { return }
            log.add(file, p.location, "unknown resource type '\(type)' in pattern '\(p.value.text)'; declared types: " + types.sorted().joined(separator: ", "))
        }

        func checkResource(_ r: Located<ResourceRef>, _ file: String, _ log: DiagnosticCollector) {
            guard resources[r.value] == nil, !unreadable.contains(r.value.name) else { return }
            log.add(file, r.location, "unknown resource '\(r.value)'" + didYouMean(r.value.description, in: resources.keys.map(\.description)))
        }

        func checkAction(_ a: Located<String>, _ file: String, _ log: DiagnosticCollector) {
            guard settings != nil, a.value != "*", !actions.contains(a.value) else { return }
            var message = "unknown action '\(a.value)'"
            if let guess = closestMatch(to: a.value, in: Array(actions)) { message += "; did you mean '\(guess)'?" }
            else { message += "; actions declared in settings: " + actions.sorted().joined(separator: ", ") }
            log.add(file, a.location, message)
        }

        func checkRequest(_ r: AccessRequest, _ log: DiagnosticCollector) {
            let file = r.header.file
            // One copy of the spec: each `r.spec` read copied all of it (a retain per field).
            let spec = r.spec
            check(spec.requester, in: principals, "requester", file, log)
            spec.resources.forEach { checkResource($0, file, log) }
            if let role = spec.role { check(role, in: roles, "role", file, log) }
            let requestedTypes = Set(spec.resources.compactMap { resources[$0.value]?.type })
            // One request, one customer: its reason is shown to the owners of what it asks
            // for, so it may not ask for resources of two owner teams.
            let owners = spec.resources.compactMap { ref in resources[ref.value].map { (ref, $0.owner) } }
            if let first = owners.first, let other = owners.first(where: { $0.1 != first.1 }) {
                log.add(file, other.0.location, "resource '\(other.0.value)' is owned by team '\(other.1)' but '\(first.0.value)' by '\(first.1)': one request may ask only for resources of one owner team (its reason is shown to that team); make one request per owner")
            }
            for action in spec.actions where settings != nil {
                if !actions.contains(action.value) {
                    checkAction(action, file, log)
                } else if !requestedTypes.isEmpty, !requestedTypes.contains(where: { settings?.resourceType($0)?.actions.contains(action.value) == true }) {
                    log.add(file, action.location, "action '\(action.value)' is not declared by the type of any requested resource (\(requestedTypes.sorted().joined(separator: ", ")))")
                }
            }
            if let renews = spec.renews { check(renews, in: requests, "request to renew", file, log) }
            for d in r.decisions {
                check(d.by, in: principals, "principal", file, log)
                if let terms = d.terms {
                    for ref in terms.resources where resources[ref] == nil {
                        log.add(file, terms.location, "unknown resource '\(ref)' in terms")
                    }
                    if let role = terms.role, !roles.contains(role) {
                        log.add(file, terms.location, "unknown role '\(role)' in terms")
                    }
                }
            }
        }
    }
}
