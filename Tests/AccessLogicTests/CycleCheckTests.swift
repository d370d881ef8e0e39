import Testing

@testable import AccessFormats
@testable import AccessPolicy

/// The validator looks for parent cycles in any order first and sorts only when there is one:
/// on random parent maps, `hasCycle` says yes exactly when the sorted walk reports a cycle.
@Suite struct CycleCheckTests {
    @Test func hasCycleAgreesWithTheReportedCycles() {
        var random = SeededRandom(state: 2026_12_02)
        var withCycles = 0
        for _ in 0..<2000 {
            let count = 1 + random.below(12)
            let names = (0..<count).map { "n\($0)" }
            var parent: [String: String] = [:]
            // Parents among the names and a few outside them (dangling, as a missing team).
            for name in names where random.below(100) < 70 { parent[name] = "n\(random.below(count + 2))" }
            var reported: [[String]] = []
            TreeValidator.reportCycles(Array(parent.keys), parent: { parent[$0] }) { reported.append($0) }
            #expect(TreeValidator.hasCycle(Array(parent.keys), parent: { parent[$0] }) == !reported.isEmpty, "\(parent)")
            if !reported.isEmpty { withCycles += 1 }
        }
        #expect(withCycles > 200)
        #expect(withCycles < 1900)
    }
}
