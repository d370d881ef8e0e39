import Foundation
import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// The `when:` language: what it reads, how it types and evaluates, where its errors are, and
/// the property that a condition only ever narrows its rule. In memory.
@Suite struct ConditionLanguageTests {
    static let scope = ConditionScope(place: .rule, principalAttributes: ["region", "tier"], resourceAttributes: ["region", "timezone"])

    static func condition(_ text: String) throws -> Condition {
        try ConditionParser.condition(Node(.string(text), at: SourceLocation(line: 3, column: 11)))
    }

    /// sam in team support (parent owners), region eu, on site:acme-prod (region eu, zone Berlin).
    static func context(request: ConditionContext.RequestFacts? = nil, at time: String = "2026-11-23T09:30:00Z", attributes: [(key: String, value: String)] = [(key: "region", value: "eu")]) -> ConditionContext {
        var principal = Principal(
            header: ManifestHeader(file: "p", kind: .principal, name: Located("sam", at: .start)), displayName: "Sam", email: nil, kind: .person,
            external: true, roles: [], teams: [], sshKeys: [])
        principal.attributes = attributes
        return ConditionContext(
            principal: principal, teams: ["owners", "support"], roles: ["reader"], resource: ResourceRef("site:acme-prod")!, owner: "owners",
            attributes: ["region": "eu", "timezone": "Europe/Berlin"], request: request, time: Timestamp(rfc3339: time)!)
    }

    static func holds(_ text: String, _ context: ConditionContext = context()) throws -> Bool {
        let c = try condition(text)
        try c.check(in: scope)
        return c.evaluate(context).holds
    }

    @Test func eachOperatorEvaluates() throws {
        // Monday 2026-11-23 09:30 UTC is 10:30 in Berlin.
        let cases: [(String, Bool)] = [
            (#"principal.attributes.region == resource.attributes.region"#, true),
            (#"principal.attributes.region != "eu""#, false),
            (#"resource.name.startsWith("acme-") && resource.id.endsWith("-prod")"#, true),
            (#"resource.type == "account" || resource.owner == "owners""#, true),
            (#"!principal.external"#, false),
            (#""support" in principal.teams && !("admin" in principal.roles)"#, true),
            (#"principal.id in ["ann", "olga"]"#, false),
            (#"localTime(resource.attributes.timezone) >= "09:00" && localTime("Europe/Berlin") < "17:30""#, true),
            (#"localTime("UTC") == "09:30""#, true),
            (#"weekday("Europe/Berlin") in ["mon", "tue", "wed", "thu", "fri"]"#, true),
            (#"weekday("Pacific/Auckland") == "mon" && localTime("Pacific/Auckland") == "22:30""#, true),
            (#"weekday("America/Los_Angeles") == "sun""#, false),
            (#"has(principal.attributes.tier)"#, false),
            (#"!has(principal.attributes.tier) || principal.attributes.tier == "gold""#, true),
            (#"principal.kind == "person" && true"#, true),
        ]
        for (text, expected) in cases { #expect(try Self.holds(text) == expected, "\(text)") }
    }

    @Test func anAttributeThatIsNotSetOrARequestThatIsNotThereMakesItFailEvenUnderNot() throws {
        let c = try Self.condition(#"!(principal.attributes.tier == "gold")"#)
        let result = c.evaluate(Self.context())
        #expect(result == ConditionResult(holds: false, values: [], missing: "principal.attributes.tier is not set"))
        #expect(result.explanation(c) == #"when !(principal.attributes.tier == "gold") could not be checked: principal.attributes.tier is not set"#)
        let standing = try Self.condition("request.duration <= 4h").evaluate(Self.context())
        #expect(standing.missing == "request.duration: this access does not come from a request")
        let facts = ConditionContext.RequestFacts(name: "q", reason: "Ticket 4521", duration: 4 * 3600)
        #expect(try Self.holds(#"request.duration <= 4h && request.reason.startsWith("Ticket")"#, Self.context(request: facts)))
        let permanent = ConditionContext.RequestFacts(name: "q", reason: "r", duration: nil)
        #expect(try !Self.holds("request.duration <= 52w", Self.context(request: permanent)), "permanent is longer than any length")
    }

    @Test func errorsNameTheirOffset() throws {
        let cases: [(String, Int, String)] = [
            (#"principal.attributes.region = "eu""#, 28, "use '==' to compare"),
            (#"principal.attributes.regoin == "eu""#, 0, "principal attribute 'regoin' is not declared; did you mean 'region'? (declared: region, tier)"),
            (#"resource.attributes.region == 4h"#, 27, "cannot compare a string with a duration"),
            (#"principal.attributes.region"#, 0, "a condition must be true or false, but this is a string; compare it with something"),
            (#"localTime("Mars/Base") < "12:00""#, 10, "unknown time zone 'Mars/Base'; write an IANA name like Europe/Berlin or America/New_York"),
            (#"localTime("UTC") < "9:00""#, 19, #"write a time of day as HH:MM from 00:00 to 23:59, like "09:00", not "9:00""#),
            (#"weekday("UTC") == "monday""#, 18, "'monday' is not a weekday; weekdays are mon, tue, wed, thu, fri, sat, sun"),
            (#"principal.id == "a" == "b""#, 20, "comparisons do not chain; join them with '&&'"),
            (#"(principal.external"#, 19, "expected ')' to close the '(' at character 1, found the end of the condition"),
            (#"principal.external && "x"#, 22, "unclosed string: it needs a closing \" on the same line"),
            (#"principal.teams == ["a"]"#, 16, "lists cannot be compared; use 'in'"),
            (#"principal.age > 4"#, 16, "a number needs a unit here: write a duration such as 4h or 4m, or quote it as a string"),
            (#"principal.age == "4""#, 0, "unknown field 'principal.age'; did you mean 'principal.id'?; principal has: principal.external, principal.id, principal.kind, principal.roles, principal.teams, principal.attributes.NAME"),
            (#"now() > "x""#, 0, "unknown function 'now'; functions: has, localTime, weekday"),
        ]
        for (text, offset, message) in cases {
            do {
                let c = try Self.condition(text)
                try c.check(in: Self.scope)
                Issue.record("no error for \(text)")
            } catch let error as ConditionError {
                #expect(error == ConditionError(message, at: offset), "\(text)")
            }
        }
        // A policy is judged once per request: the time is not its to read.
        let timed = try Self.condition(#"localTime("UTC") < "12:00""#)
        #expect(throws: ConditionError("localTime(...) is not allowed in a policy's condition: a policy is checked once per request, not at every use; put limits in time on the role's rule", at: 0)) {
            try timed.check(in: ConditionScope(place: .policy, principalAttributes: [], resourceAttributes: []))
        }
    }

    @Test func anOffsetMapsToItsLineAndColumnInEachStyle() throws {
        let text = "principal.id == \"a\"\n  && resource.x == \"b\""
        let offset = text.unicodeScalars.count - 15
        #expect(Condition.location(ofOffset: offset, in: Node(.string(text), at: SourceLocation(line: 9, column: 13), style: .block(firstLine: 10, indent: 8))) == SourceLocation(line: 11, column: 16))
        #expect(Condition.location(ofOffset: 3, in: Node(.string("a == b"), at: SourceLocation(line: 2, column: 9), style: .quoted)) == SourceLocation(line: 2, column: 13))
        #expect(Condition.location(ofOffset: 3, in: Node(.string("a == b"), at: SourceLocation(line: 2, column: 9))) == SourceLocation(line: 2, column: 12))
    }
}

/// No condition can make a rule allow more than the same rule without it: on generated
/// trees, conditions and times, every answer with the condition is also an answer without.
@Suite struct ConditionNarrowsPropertyTests {
    typealias Random = SeededRandom

    static let atoms = [
        #"principal.attributes.region == "eu""#, #"resource.attributes.region == principal.attributes.region"#, #"has(principal.attributes.region)"#,
        #"resource.name.startsWith("s1")"#, #"localTime("Europe/Berlin") < "12:00""#, #"weekday("UTC") in ["mon", "tue"]"#, #"principal.external"#,
        #""t0" in principal.teams"#, #"request.duration <= 4h"#, #"resource.type == "site""#, #"principal.id != "p2""#,
    ]

    static func expression(_ r: inout Random, depth: Int) -> String {
        guard depth > 0, r.chance(60) else { return r.pick(atoms) }
        switch r.int(3) {
        case 0: return "!(\(expression(&r, depth: depth - 1)))"
        case 1: return "(\(expression(&r, depth: depth - 1)) && \(expression(&r, depth: depth - 1)))"
        default: return "(\(expression(&r, depth: depth - 1)) || \(expression(&r, depth: depth - 1)))"
        }
    }

    static func files(seed: UInt64, when: String?) -> [String: String] {
        var r = Random(state: seed)
        func manifest(_ kind: String, _ name: String, _ spec: String) -> String {
            "apiVersion: accessctl/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n" + spec
        }
        var files = ["accessctl.yaml": TreeFiles.files["accessctl.yaml"]! + "  attributes:\n    principal: [region]\n    resource: [region]\n"]
        let condition = when.map { "      when: '\($0.replacingOccurrences(of: "'", with: "''"))'\n" } ?? ""
        files["roles/r.yaml"] = manifest("Role", "r", "  rules:\n    - resources: [\"*\"]\n      actions: [read, console]\n" + condition)
        for t in ["t0", "t1"] { files["teams/\(t).yaml"] = manifest("Team", t, "  roles: [r]\n") }
        for p in (0..<4).map({ "p\($0)" }) {
            var spec = "  displayName: \(p)\n  teams: [\(r.pick(["t0", "t1"]))]\n  external: \(r.chance(50))\n"
            if r.chance(70) { spec += "  attributes:\n    region: \(r.pick(["eu", "us"]))\n" }
            files["principals/\(p).yaml"] = manifest("Principal", p, spec)
        }
        files["resources/a0.yaml"] = manifest("Resource", "a0", "  type: account\n  owner: t0\n  attributes:\n    region: \(r.pick(["eu", "us"]))\n")
        for s in ["s0", "s1", "s2"] {
            files["resources/\(s).yaml"] = manifest("Resource", s, "  type: site\n  owner: t1\n  parent: account:a0\n" + (r.chance(50) ? "  attributes:\n    region: \(r.pick(["eu", "us"]))\n" : ""))
        }
        return files
    }

    static func allowed(_ files: [String: String], at times: [Timestamp]) throws -> (answers: Set<String>, errors: [Diagnostic]) {
        let loaded = TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
        let evaluator = AccessEngine(directory: Directory(loaded.tree), statuses: [:]).evaluator
        var out = Set<String>()
        for time in times {
            let index = AccessIndex(evaluator, at: time)
            for principal in loaded.tree.principals {
                for resource in loaded.tree.resources {
                    for action in ["read", "console"] where !evaluator.paths(principal.id, action, resource.ref, at: time).isEmpty {
                        out.insert("\(time) \(principal.id) \(action) \(resource.ref)")
                        // who-can agrees with check under conditions too.
                        #expect(index.whoCan(action, resource.ref).contains { $0.principal == principal.id })
                    }
                }
            }
        }
        return (out, loaded.diagnostics.filter { $0.severity == .error })
    }

    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func aConditionOnlyNarrows(seed: UInt64) throws {
        var r = Random(state: seed &* 7919)
        let when = Self.expression(&r, depth: 3)
        let times = ["2026-11-23T08:00:00Z", "2026-11-24T13:00:00Z", "2026-11-26T10:00:00Z"].map { Timestamp(rfc3339: $0)! }
        let with = try Self.allowed(Self.files(seed: seed, when: when), at: times)
        let without = try Self.allowed(Self.files(seed: seed, when: nil), at: times)
        #expect(with.errors == [], "\(when)")
        #expect(!without.answers.isEmpty)
        #expect(with.answers.isSubset(of: without.answers), "\(when) allowed more: \(with.answers.subtracting(without.answers).sorted())")
    }

    /// The generated conditions do narrow, some of the time, so the subset above is not vacuous.
    @Test func someConditionsNarrowAndSomeAllow() throws {
        var narrowed = 0, allowedSome = 0
        let times = ["2026-11-23T08:00:00Z", "2026-11-24T13:00:00Z"].map { Timestamp(rfc3339: $0)! }
        for seed in UInt64(1)...UInt64(12) {
            var r = Random(state: seed &* 7919)
            let when = Self.expression(&r, depth: 3)
            let with = try Self.allowed(Self.files(seed: seed, when: when), at: times).answers
            let without = try Self.allowed(Self.files(seed: seed, when: nil), at: times).answers
            if with.count < without.count { narrowed += 1 }
            if !with.isEmpty { allowedSome += 1 }
        }
        #expect(narrowed > 0 && allowedSome > 0)
    }
}
