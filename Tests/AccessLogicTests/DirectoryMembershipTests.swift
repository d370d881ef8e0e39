import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// A directory that works out every membership up front (request states, for a tree with more
/// requests than principals) answers as one that works each out when first asked, on the
/// generated trees of `AdministratorsPropertyTests` (team cycles, missing teams and roles,
/// duplicate principals).
@Suite struct DirectoryMembershipTests {
    @Test func membershipsUpFrontAnswerAsOnDemand() {
        var members = 0
        for seed in 0..<250 as Range<UInt64> {
            let tree = AdministratorsPropertyTests.tree(seed: seed)
            let lazy = Directory(tree), upFront = Directory(tree, membershipsUpFront: true, parallel: 2)
            let ids = tree.principals.map(\.id) + ["nobody", ""]
            for id in ids {
                #expect(upFront.teams(of: id) == lazy.teams(of: id), "seed \(seed) \(id)")
                #expect(upFront.roles(of: id) == lazy.roles(of: id), "seed \(seed) \(id)")
                members += lazy.teams(of: id).count
            }
            // Subject sets naming each team, each role and each principal.
            let names = (0..<7).map { "t\($0)" } + (0..<5).map { "r\($0)" } + ids
            for name in names {
                let subjects = [
                    SubjectSet(principals: [Located(name, at: .start)], teams: [], roles: []),
                    SubjectSet(principals: [], teams: [Located(name, at: .start)], roles: []),
                    SubjectSet(principals: [], teams: [], roles: [Located(name, at: .start)]),
                ]
                for set in subjects {
                    for id in ids { #expect(upFront.contains(set, id) == lazy.contains(set, id), "seed \(seed) \(name) \(id)") }
                }
            }
        }
        // The trees give principals teams through their parents.
        #expect(members > 1000)
    }
}
