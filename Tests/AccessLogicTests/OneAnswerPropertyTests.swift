import Foundation
import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// On generated trees and times, `check`, `who-can`, `access`, the grants reconcile puts in
/// the state and the report's rendered resource pages give the same answer for every principal, action and resource. In memory,
/// seeded, bounded; signatures are fakes.
@Suite struct OneAnswerPropertyTests {
    /// Seeded, so a failing seed can be replayed.
    typealias Random = SeededRandom

    static let signatures = FakeSignatures((0..<6).map { "p\($0)" })

    /// A tree of six principals, four teams in a hierarchy, three roles (one with a condition), accounts and sites,
    /// bindings with and without windows, and requests approved by owners with fake signatures.
    static func tree(seed: UInt64) throws -> [String: String] {
        var r = Random(state: seed)
        var files: [String: String] = ["accessctl.yaml": TreeFiles.files["accessctl.yaml"]!]
        func manifest(_ kind: String, _ name: String, _ spec: String) -> String {
            "apiVersion: accessctl/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n" + spec
        }
        let roles = ["site-reader", "account-admin", "console"]
        files["roles/site-reader.yaml"] = manifest("Role", "site-reader", "  rules:\n    - resources: [\"site:*\"]\n      actions: [read]\n")
        files["roles/account-admin.yaml"] = manifest("Role", "account-admin", "  rules:\n    - resources: [\"account:*\"]\n      actions: [read, admin]\n")
        // A condition on the time and on the request, so the views must also agree on conditions.
        files["roles/console.yaml"] = manifest(
            "Role", "console", "  rules:\n    - resources: [\"*\"]\n      actions: [console]\n      when: 'localTime(\"UTC\") < \"10:00\" || request.duration <= 2h'\n")
        let teams = (0..<4).map { "t\($0)" }
        for (i, team) in teams.enumerated() {
            var spec = ""
            if i > 0, r.chance(60) { spec += "  parent: t\(r.int(i))\n" }
            let given = r.subset(roles, 30)
            if !given.isEmpty { spec += "  roles: [\(given.joined(separator: ", "))]\n" }
            files["teams/\(team).yaml"] = manifest("Team", team, spec.isEmpty ? "  displayName: \(team)\n" : spec)
        }
        let principals = (0..<6).map { "p\($0)" }
        for p in principals {
            var spec = "  displayName: \(p)\n  email: \(p)@example.org\n  sshKeys:\n    - \(FakeSignatures.publicKey(p))\n"
            let memberOf = r.subset(teams, 35)
            if !memberOf.isEmpty { spec += "  teams: [\(memberOf.joined(separator: ", "))]\n" }
            let held = r.subset(roles, 15)
            if !held.isEmpty { spec += "  roles: [\(held.joined(separator: ", "))]\n" }
            files["principals/\(p).yaml"] = manifest("Principal", p, spec)
        }
        let accounts = ["a0", "a1"], sites = ["s0", "s1", "s2"]
        for a in accounts { files["resources/\(a).yaml"] = manifest("Resource", a, "  type: account\n  owner: \(r.pick(["t0", "t1"]))\n") }
        for s in sites { files["resources/\(s).yaml"] = manifest("Resource", s, "  type: site\n  owner: \(r.pick(["t0", "t1"]))\n  parent: account:\(r.pick(accounts))\n") }
        let refs = accounts.map { "account:\($0)" } + sites.map { "site:\($0)" }
        for b in 0..<3 {
            var spec = "  subjects:\n"
            let named = r.subset(principals, 25), viaTeams = r.subset(teams, 25)
            if !named.isEmpty { spec += "    principals: [\(named.joined(separator: ", "))]\n" }
            if !viaTeams.isEmpty || named.isEmpty { spec += "    teams: [\((viaTeams.isEmpty ? [r.pick(teams)] : viaTeams).joined(separator: ", "))]\n" }
            spec += "  role: \(r.pick(roles))\n  resources: [\"\(r.chance(20) ? "site:*" : r.pick(refs))\"]\n"
            if r.chance(50) { spec += "  validFrom: 2026-11-22T08:00:00Z\n  validTo: 2026-11-22T12:00:00Z\n" }
            files["bindings/b\(b).yaml"] = manifest("Binding", "b\(b)", spec)
        }
        // Requests: anyone may ask for a role on accounts or sites; owners approve, one at a time.
        files["policies/any.yaml"] = manifest("Policy", "any", "  requesters:\n    teams: [\(teams.joined(separator: ", "))]\n  resources: [\"account:*\", \"site:*\"]\n  roles: [\(roles.joined(separator: ", "))]\n  maxDuration: 1d\n  approvers:\n    owner: true\n")
        var tree = try #require(TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree").tree.settings != nil ? TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree") : nil)
        for q in 0..<3 {
            let requester = r.pick(principals)
            let resource = r.pick(refs)
            let name = "q\(q)"
            files["requests/\(name).yaml"] = manifest("AccessRequest", name, "  requester: \(requester)\n  requestedAt: 2026-11-22T08:00:00Z\n  resources: [\(resource)]\n  role: \(r.pick(roles))\n  reason: Generated \(q)\n  duration: 2h\n")
            tree = TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
            guard let request = tree.tree.requests.first(where: { $0.id == name }), let owner = tree.tree.resources.first(where: { $0.ref.description == resource })?.owner.value else { continue }
            let approvers = tree.tree.principals.filter { p in p.id != requester && Directory(tree.tree).teams(of: p.id).contains(owner) }.map(\.id)
            guard let approver = approvers.first, r.chance(80) else { continue }
            let at = Timestamp(rfc3339: "2026-11-22T09:00:00Z")!
            var decision = Decision(
                kind: Located(.approve, at: .start), by: Located(approver, at: .start), at: Located(at, at: .start),
                terms: Terms(validFrom: at, validTo: at.adding(7200), resources: [ResourceRef(resource)!], role: request.spec.role?.value, actions: [], location: .start),
                specDigest: Located(request.spec.digest, at: .start), signature: Located("", at: .start), location: .start)
            decision.signature.value = try signatures.sign(
                DecisionPayload.bytes(organization: "testorg", request: request, decision: decision), keyPath: "key/\(approver)", namespace: "accessctl")
            files["requests/\(name).yaml"] = try StatusWriter.appending(decision, to: files["requests/\(name).yaml"]!, file: "tree/requests/\(name).yaml")
        }
        return files
    }

    /// The grants reconcile would put in the state, as the evaluator reads grants.
    static func grants(from records: [GrantRecord]) -> [Grant] {
        records.map { record in
            let source: Grant.Source = switch record.sourceKind {
            case .principal: .principalRole
            case .team: .teamRole(teams: [record.sourceID])
            case .binding: .binding(record.sourceID)
            case .request: .request(record.sourceID, approvers: record.approvers)
            }
            let scoped = record.sourceKind == .binding || record.sourceKind == .request
            var grant = Grant(
                principal: record.principal, source: source, role: record.role, actions: record.actions,
                scope: scoped ? record.resources.compactMap(ResourcePattern.init) : nil, validFrom: record.validFrom, validTo: record.validTo)
            grant.leftOut = Set(record.except.compactMap { ResourceRef(String($0.split(separator: " ")[0])) })
            return grant
        }
    }

    /// The report's templates, as the report command reads them (not mutable state).
    static let templates: ReportTemplates? = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates").path
        return try? ReportTemplates.load(directory: folder, display: "templates")
    }()

    /// `PRINCIPAL ACTION` for every row of "Who has access now" on a rendered resource page.
    static func reportRows(_ html: String) -> Set<String> {
        guard let start = html.range(of: "<table class=\"access\">"), let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex) else { return [] }
        var out = Set<String>()
        for row in html[start.upperBound..<end.lowerBound].components(separatedBy: "<tr>").dropFirst(2) {
            guard let who = row.range(of: "<span class=\"id\">"), let whoEnd = row.range(of: "</span>", range: who.upperBound..<row.endIndex),
                let may = row.range(of: "<td data-label=\"May\">"), let mayEnd = row.range(of: "</td>", range: may.upperBound..<row.endIndex)
            else { continue }
            let principal = row[who.upperBound..<whoEnd.lowerBound]
            for action in row[may.upperBound..<mayEnd.lowerBound].components(separatedBy: ", ") { out.insert("\(principal) \(action)") }
        }
        return out
    }

    @Test(arguments: Array(UInt64(1)...UInt64(24)))
    func checkWhoCanAccessTheStateAndTheReportAgree(seed: UInt64) throws {
        let files = try Self.tree(seed: seed)
        let loaded = TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
        #expect(loaded.diagnostics.filter { $0.severity == .error } == [], "seed \(seed)")
        let settings = try #require(loaded.tree.settings)
        let templates = try #require(Self.templates)
        let directory = Directory(loaded.tree)
        var disagreements: [String] = []
        var allowed = 0
        for text in ["2026-11-22T07:00:00Z", "2026-11-22T09:30:00Z", "2026-11-22T11:30:00Z", "2026-11-22T13:00:00Z"] {
            let now = Timestamp(rfc3339: text)!
            let verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: now, keygen: Self.signatures)
            var statuses: [String: RequestStatus] = [:]
            for request in loaded.tree.requests { statuses[request.id] = try verifier.status(request) }
            // check and access ask about one principal's requests, who-can about one resource's:
            // the engine over those statuses only, as the commands build it.
            func engine(_ keep: (AccessRequest) -> Bool) -> AccessEngine {
                AccessEngine(directory: directory, statuses: statuses.filter { id, status in keep(status.request) })
            }
            // reconcile: the desired grants of a run at `now`, read back as grants.
            let reconciler = Reconciler(root: "/memory", displayRoot: "tree", now: now, keygen: Self.signatures)
            let verified = VerifiedTree(tree: loaded.tree, diagnostics: loaded.diagnostics, statuses: statuses)
            let input = Reconciler.Input(verified: verified, state: nil, log: AuditLog(), history: AuditHistory(), stateProblems: [])
            let state = Self.grants(from: Array(reconciler.desiredGrants(input).grants.values)).filter { $0.isActive(at: now) }
            // The grants in force, which leave out ended requests early, are the whole list's in force.
            let all = AccessEngine(directory: directory, statuses: statuses)
            let inForce = all.grants(at: now), everything = all.grants()
            #expect(inForce.map(\.key) == everything.filter { $0.isActive(at: now) }.map(\.key), "seed \(seed) at \(text)")
            #expect(inForce.map(\.validTo) == everything.filter { $0.isActive(at: now) }.map(\.validTo), "seed \(seed) at \(text)")
            // So an index at `now` (the report's, who-can's) over those grants alone is the
            // index over all of them: the same grants, and the same holders of every resource.
            let wholeIndex = AccessIndex(all.evaluator, at: now), inForceIndex = AccessIndex(all.evaluator(at: now), at: now)
            #expect(inForceIndex.grants.map { "\($0.key) \(String(describing: $0.validTo))" } == wholeIndex.grants.map { "\($0.key) \(String(describing: $0.validTo))" }, "seed \(seed) at \(text)")
            for resource in loaded.tree.resources {
                func rows(_ index: AccessIndex) -> [String] { index.holdings(resource.ref).map { "\($0.grant.key) \($0.actions) \(String(describing: $0.through)) \($0.conditions)" } }
                #expect(rows(inForceIndex) == rows(wholeIndex), "seed \(seed) at \(text): \(resource.ref)")
            }
            // A long tree's request grants, worked out on every core, are the ones worked out in
            // turn (most seeds have some: see `generatedTreesHoldEveryKindOfGrant`).
            for time in [nil, now] {
                let apart = all.requestGrants(of: nil, activeAt: time, parallelFrom: 1), inTurn = all.requestGrants(of: nil, activeAt: time, parallelFrom: .max)
                #expect(apart.map { "\($0.key) \(String(describing: $0.validTo)) \(String(describing: $0.observedFrom)) \($0.leftOut.sorted())" }
                    == inTurn.map { "\($0.key) \(String(describing: $0.validTo)) \(String(describing: $0.observedFrom)) \($0.leftOut.sorted())" })
            }
            // The report: each resource page rendered from the real templates, its rows read back.
            let site = ReportSite(
                ReportSite.Input(verified: verified, state: nil, events: [], chainProblem: nil, now: now, scope: .everything, displayRoot: "tree"),
                library: templates.library)
            var reported: [ResourceRef: Set<String>] = [:]
            for (i, resource) in site.resources.enumerated() {
                let page = try site.render(.resource(i))
                reported[resource.ref] = Self.reportRows(String(decoding: page.bytes, as: UTF8.self))
            }
            for principal in loaded.tree.principals.map(\.id) {
                let evaluator = engine { $0.spec.requester.value == principal }.evaluator(of: principal)
                let listed = Set(evaluator.access(of: principal, at: now).map { "\($0.action) \($0.resource)" })
                let held = state.filter { $0.principal == principal }
                for resource in loaded.tree.resources {
                    let chain = Set(evaluator.chain(resource.ref))
                    let about = engine { request in request.spec.resources.contains { chain.contains($0.value) } || request.decisions.contains { $0.terms?.resources.contains(where: chain.contains) ?? false } }
                    let index = AccessIndex(about.evaluator, at: now)
                    for action in settings.resourceType(resource.type.value)!.actions {
                        let check = !evaluator.paths(principal, action, resource.ref, at: now).isEmpty
                        let whoCan = index.whoCan(action, resource.ref).contains { $0.principal == principal }
                        let access = listed.contains("\(action) \(resource.ref)")
                        let reconciled = !evaluator.explain(grants: held, action, resource.ref, at: now).paths.isEmpty
                        let report = reported[resource.ref]?.contains("\(principal) \(action)") ?? false
                        if report { allowed += 1 }
                        if Set([check, whoCan, access, reconciled, report]).count > 1 {
                            disagreements.append("seed \(seed) at \(text): \(principal) \(action) \(resource.ref): check \(check), who-can \(whoCan), access \(access), state \(reconciled), report \(report)")
                        }
                    }
                }
            }
        }
        #expect(disagreements == [])
        // The rendered pages were read, not silently empty.
        #expect(allowed > 0, "seed \(seed): no report row read")
    }
}

extension OneAnswerPropertyTests {
    /// The generated trees exercise every source of access, so agreement means something.
    @Test func generatedTreesHoldEveryKindOfGrant() throws {
        var kinds: [GrantRecord.SourceKind: Int] = [:]
        for seed in UInt64(1)...UInt64(24) {
            let loaded = TreeLoader.load(InMemoryTreeSource(files: try Self.tree(seed: seed)), displayRoot: "tree")
            let now = Timestamp(rfc3339: "2026-11-22T09:30:00Z")!
            let verifier = DecisionVerifier(tree: loaded.tree, settings: try #require(loaded.tree.settings), now: now, keygen: Self.signatures)
            var statuses: [String: RequestStatus] = [:]
            for request in loaded.tree.requests { statuses[request.id] = try verifier.status(request) }
            let input = Reconciler.Input(
                verified: VerifiedTree(tree: loaded.tree, diagnostics: [], statuses: statuses), state: nil, log: AuditLog(), history: AuditHistory(), stateProblems: [])
            for record in Reconciler(root: "/memory", displayRoot: "tree", now: now, keygen: Self.signatures).desiredGrants(input).grants.values {
                kinds[record.sourceKind, default: 0] += 1
            }
        }
        #expect((kinds[.principal] ?? 0) >= 5 && (kinds[.team] ?? 0) >= 10 && (kinds[.binding] ?? 0) >= 10 && (kinds[.request] ?? 0) >= 10, "\(kinds)")
    }

    /// The indexed approver lists (inbox, notifications, request new) name exactly the
    /// principals `isApprover` accepts, for every policy and every pair of resources.
    @Test(arguments: Array(UInt64(1)...UInt64(24)))
    func approverListsAgreeWithTheAuthorityRule(seed: UInt64) throws {
        let loaded = TreeLoader.load(InMemoryTreeSource(files: try Self.tree(seed: seed)), displayRoot: "tree")
        let verifier = DecisionVerifier(
            tree: loaded.tree, settings: try #require(loaded.tree.settings), now: Timestamp(rfc3339: "2026-11-22T09:30:00Z")!, keygen: Self.signatures)
        let refs = loaded.tree.resources.map(\.ref)
        var compared = 0
        for policy in loaded.tree.policies {
            for (i, first) in refs.enumerated() {
                for resources in [[first], [first, refs[(i + 1) % refs.count]]] {
                    let expected = loaded.tree.principals.map(\.id).filter { verifier.isApprover($0, policy, resources) }.sorted()
                    #expect(verifier.approvers(policy, resources) == expected, "\(policy.id) on \(resources)")
                    compared += expected.count
                }
            }
        }
        #expect(compared > 0)
    }
}

extension SeededRandom {
    mutating func int(_ n: Int) -> Int { below(n) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func subset<T>(_ items: [T], _ percent: Int) -> [T] { items.filter { _ in chance(percent) } }
}
