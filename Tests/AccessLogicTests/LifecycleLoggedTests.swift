import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy

/// A run builds a lifecycle event only when its identity was not logged before, asking the
/// identity ahead from the fields the event would get. On the generated trees of
/// `OneAnswerPropertyTests` at several times: with any subset of a run's events marked as
/// logged, the run gives exactly the others, in the same order, the same bytes.
@Suite struct LifecycleLoggedTests {
    @Test(arguments: Array(UInt64(1)...UInt64(12)))
    func loggedEventsAreLeftOutAndOnlyThose(seed: UInt64) throws {
        let files = try OneAnswerPropertyTests.tree(seed: seed)
        let loaded = TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
        let settings = try #require(loaded.tree.settings)
        var random = SeededRandom(state: seed &* 7919)
        var kinds = Set<String>()
        for text in ["2026-11-22T07:00:00Z", "2026-11-22T09:30:00Z", "2026-11-22T13:00:00Z", "2026-12-30T00:00:00Z"] {
            let now = Timestamp(rfc3339: text)!
            let verifier = DecisionVerifier(tree: loaded.tree, settings: settings, now: now, keygen: OneAnswerPropertyTests.signatures)
            var statuses: [String: RequestStatus] = [:]
            for request in loaded.tree.requests { statuses[request.id] = try verifier.status(request) }
            let verified = VerifiedTree(tree: loaded.tree, diagnostics: loaded.diagnostics, statuses: statuses)
            let reconciler = Reconciler(root: "/memory", displayRoot: "tree", now: now, keygen: OneAnswerPropertyTests.signatures)
            func run(logged: Set<AuditHistory.LoggedKey>) -> [String] {
                var history = AuditHistory()
                history.logged = logged
                let input = Reconciler.Input(verified: verified, state: nil, log: AuditLog(), history: history, stateProblems: [])
                return reconciler.lifecycle(input).map { $0.line }
            }
            let all = reconciler.lifecycle(Reconciler.Input(verified: verified, state: nil, log: AuditLog(), history: AuditHistory(), stateProblems: []))
            kinds.formUnion(all.map(\.event))
            let keys = all.map { AuditHistory.LoggedKey(AuditHistory.identity(of: $0)!) }
            let texts = all.map { $0.line }
            #expect(run(logged: []) == texts, "seed \(seed) at \(text)")
            #expect(run(logged: Set(keys)) == [], "seed \(seed) at \(text)")
            for _ in 0..<4 {
                let marked = all.indices.filter { _ in random.chance(50) }
                let rest = all.indices.filter { !marked.contains($0) }.map { texts[$0] }
                #expect(run(logged: Set(marked.map { keys[$0] })) == rest, "seed \(seed) at \(text)")
            }
        }
        // The trees reach the events whose identity needs their details.
        #expect(kinds.isSuperset(of: [AuditEvent.Name.submitted, AuditEvent.Name.approved]), "seed \(seed): \(kinds.sorted())")
    }
}
