import Testing
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Times, durations, ids and resource patterns: the small value types of the model.
@Suite struct ModelValueTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)), ("2026-11-22T09:00:00Z", Int64(1_795_338_000)),
        ("2000-02-29T23:59:59Z", Int64(951_868_799)), ("1969-12-31T23:59:59Z", Int64(-1)),
    ])
    func timestampsRoundTrip(text: String, seconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.seconds == seconds)
        #expect(Timestamp(seconds: seconds).description == text)
    }

    /// Every second from year 0 to 9999 prints as the parser reads it back (the printer has a
    /// fast path for these years), checked on seeded random times and the edges.
    @Test func timestampsPrintAsTheyParseAcrossFourDigitYears() {
        let first = Timestamp(rfc3339: "0000-01-01T00:00:00Z")!.seconds, last = Timestamp(rfc3339: "9999-12-31T23:59:59Z")!.seconds
        var random = SeededRandom(state: 20261202)
        var samples = [first, last, 0, -1, 951_868_799, 951_868_800]
        for _ in 0..<20_000 { samples.append(first + Int64(random.next() % UInt64(last - first + 1))) }
        for seconds in samples {
            let text = Timestamp(seconds: seconds).description
            #expect(text.utf8.count == 20, "\(seconds)")
            #expect(Timestamp(rfc3339: text)?.seconds == seconds, "\(seconds) printed as \(text)")
        }
    }

    @Test(arguments: ["2026-02-29T00:00:00Z", "2026-11-22T09:00:00", "2026-11-22 09:00:00Z", "2026-11-22T09:00:00+01:00", "2026-11-22T24:00:00Z", "2026-11-22T09:00:00.5Z", "2026-13-01T00:00:00Z"])
    func timestampsOutsideTheOneSpellingAreRefused(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func durations() {
        #expect(AccessDuration("30m")?.seconds == 1800)
        #expect(AccessDuration("2d12h")?.seconds == 216_000)
        #expect(AccessDuration("1w")?.seconds == 604_800)
        #expect(AccessDuration("permanent")?.isPermanent == true)
        for bad in ["", "4", "h", "4x", "1h1d", "1h1h", "0m", "-1h", "4 h", "1.5h", "\u{0664}h", "\u{FF14}h", "4\u{FF48}", "4h\u{301}", "permanent "] {
            #expect(AccessDuration(bad) == nil, "\(bad)")
        }
        #expect(AccessDuration.format(seconds: 216_000) == "2d12h")
    }

    @Test func identifiers() {
        #expect(Identifier.isValid("jane.doe"))
        #expect(Identifier.isValid("a-b_c.9"))
        #expect(Identifier.problem("Jane") == "an id must start with a lower-case letter or digit")
        #expect(Identifier.problem("a b") == "an id may contain only lower-case letters, digits, '.', '_' and '-'")
        #expect(Identifier.problem(String(repeating: "a", count: 129)) == "an id may be at most 128 characters long")
    }

    @Test func resourcePatterns() {
        let prod = ResourceRef("site:acme-prod")!
        #expect(ResourcePattern("*")!.matches(prod))
        #expect(ResourcePattern("site:*")!.matches(prod))
        #expect(ResourcePattern("site:acme-*")!.matches(prod))
        #expect(ResourcePattern("site:*-prod")!.matches(prod))
        #expect(!ResourcePattern("site:*-staging")!.matches(prod))
        #expect(!ResourcePattern("company:*")!.matches(prod))
        #expect(ResourcePattern("site:acme-prod")!.matches(prod))
        #expect(ResourcePattern("site") == nil)
        #expect(ResourcePattern("site:ACME") == nil)
        #expect(ResourceRef("site:*") == nil)
    }

    /// Refs sort as their `TYPE:NAME` text does, also when one type begins another.
    @Test func resourceRefsSortAsTheirText() {
        let refs = ["site:a", "site-x:a", "site.x:b", "sitez:a", "site0:a", "sit:z", "site:a-b", "site:a.b", "site:ab", "s:a", "site:"]
            .compactMap(ResourceRef.init)
        #expect(refs.count >= 10)
        for a in refs {
            for b in refs { #expect((a < b) == (a.description < b.description), "\(a) < \(b)") }
        }
    }

    /// The exact pattern of a ref, built without parsing, is the pattern its text parses to,
    /// and matches the ref and no other of the list.
    @Test func exactPatternsAreTheParsedText() {
        let refs = ["site:a", "site-x:a", "site.x:b", "sitez:a", "site0:a", "sit:z", "site:a-b", "site:a.b", "site:ab", "s:a", "principal:alice", "site:9_x"]
            .compactMap(ResourceRef.init)
        #expect(refs.count == 12)
        for ref in refs {
            let exact = ResourcePattern(exactly: ref)
            #expect(exact == ResourcePattern(ref.description), "\(ref)")
            for other in refs { #expect(exact.matches(other) == (other == ref), "\(ref) against \(other)") }
        }
    }

    /// A request keeps its fields in a box shared by copies: a change to one copy (of each
    /// field, in place) leaves the others as they were, and a changed spec has a new digest.
    @Test func requestCopiesAreIndependentValues() {
        let at = SourceLocation(line: 1, column: 1)
        let spec = RequestSpec(
            requester: Located("alice", at: at), requestedAt: Located(Timestamp(seconds: 0), at: at), resources: [Located(ResourceRef("site:a")!, at: at)],
            role: Located("reader", at: at), actions: [], reason: Located("ticket 1", at: at), duration: Located(AccessDuration("4h")!, at: at))
        let original = AccessRequest(header: ManifestHeader(file: "r1.yaml", kind: .accessRequest, name: Located("r1", at: at)), spec: spec, decisions: [], statusLocation: nil)
        let digest = original.specDigest
        var copy = original
        copy.spec.reason = Located("ticket 2", at: at)
        copy.header.name = Located("r2", at: at)
        copy.statusLocation = at
        copy.decisions.append(Decision(
            kind: Located(.approve, at: at), by: Located("bob", at: at), at: Located(Timestamp(seconds: 60), at: at),
            specDigest: Located(digest, at: at), signature: Located("sig", at: at), location: at))
        #expect(original.spec.reason.value == "ticket 1" && original.id == "r1" && original.statusLocation == nil && original.decisions.isEmpty)
        #expect(original.specDigest == digest && digest == spec.digest)
        #expect(copy.spec.reason.value == "ticket 2" && copy.id == "r2" && copy.statusLocation == at && copy.decisions.count == 1)
        #expect(copy.specDigest == copy.spec.digest && copy.specDigest != digest)
        // A copy changed back has its first digest again: the digest follows the spec, not the box.
        var back = copy
        back.spec = spec
        #expect(back.specDigest == digest && copy.specDigest != digest)
    }

    /// Decisions, terms, specs and policies keep their strings and lists in a box shared by
    /// copies (`SharedFields`): each field changed in place in a copy leaves the original as it
    /// was, and the copy keeps what it was given.
    @Test func boxedModelCopiesAreIndependentValues() {
        let at = SourceLocation(line: 1, column: 1), there = SourceLocation(line: 2, column: 3)
        let terms = Terms(validFrom: Timestamp(seconds: 0), validTo: Timestamp(seconds: 60), resources: [ResourceRef("site:a")!], role: "reader", actions: ["read"], location: at)
        var changedTerms = terms
        changedTerms.resources.append(ResourceRef("site:b")!)
        changedTerms.role = nil
        changedTerms.actions = []
        changedTerms.duration = AccessDuration("1h")
        changedTerms.validTo = nil
        #expect(terms.resources == [ResourceRef("site:a")!] && terms.role == "reader" && terms.actions == ["read"] && terms.duration == nil && terms.validTo != nil)
        #expect(changedTerms.resources.count == 2 && changedTerms.role == nil && changedTerms.actions.isEmpty && changedTerms.duration?.seconds == 3600)
        #expect(terms != changedTerms && terms == terms.placed(at: Timestamp(seconds: 999)))

        let decision = Decision(
            kind: Located(.approve, at: at), by: Located("bob", at: at), at: Located(Timestamp(seconds: 60), at: at), terms: terms, reason: "ok",
            specDigest: Located("sha256:1", at: at), signature: Located("sig", at: at), location: at)
        var changedDecision = decision
        changedDecision.by.value = "carol"
        changedDecision.terms?.actions.append("write")
        changedDecision.reason = nil
        changedDecision.specDigest = Located("sha256:2", at: there)
        changedDecision.signature.value += "!"
        changedDecision.kind.value = .deny
        #expect(decision.by.value == "bob" && decision.terms?.actions == ["read"] && decision.reason == "ok" && decision.specDigest.value == "sha256:1")
        #expect(decision.signature.value == "sig" && decision.kind.value == .approve)
        #expect(changedDecision.by.value == "carol" && changedDecision.terms?.actions == ["read", "write"] && changedDecision.reason == nil)
        #expect(changedDecision.specDigest.location == there && changedDecision.signature.value == "sig!" && changedDecision.kind.value == .deny)

        let spec = RequestSpec(
            requester: Located("alice", at: at), requestedAt: Located(Timestamp(seconds: 0), at: at), resources: [Located(ResourceRef("site:a")!, at: at)],
            actions: [Located("read", at: at)], reason: Located("ticket 1", at: at), renews: Located("r0", at: at))
        var changedSpec = spec
        changedSpec.requester.value = "bob"
        changedSpec.resources.removeAll()
        changedSpec.role = Located("admin", at: at)
        changedSpec.actions[0].value = "write"
        changedSpec.reason.value += "!"
        changedSpec.duration = Located(AccessDuration("4h")!, at: at)
        changedSpec.renews = nil
        #expect(spec.requester.value == "alice" && spec.resources.count == 1 && spec.role == nil && spec.actions.map(\.value) == ["read"])
        #expect(spec.reason.value == "ticket 1" && spec.duration == nil && spec.renews?.value == "r0" && spec.digest != changedSpec.digest)
        #expect(changedSpec.requester.value == "bob" && changedSpec.resources.isEmpty && changedSpec.role?.value == "admin" && changedSpec.actions.map(\.value) == ["write"])
        #expect(changedSpec.reason.value == "ticket 1!" && changedSpec.duration?.value.seconds == 14_400 && changedSpec.renews == nil)

        let policy = Policy(
            header: ManifestHeader(file: "p.yaml", kind: .policy, name: Located("p", at: at)), description: "d", requesters: SubjectSet(teams: [Located("support", at: at)]),
            resources: [Located(ResourcePattern("site:*")!, at: at)], roles: [Located("reader", at: at)], actions: [], maxDuration: Located(AccessDuration("8h")!, at: at),
            requestTTL: AccessDuration("7d")!, approvers: ApproverSet(subjects: SubjectSet(), owner: true), threshold: Located(1, at: at), allowSelfApproval: false)
        var changedPolicy = policy
        changedPolicy.header.name.value = "q"
        changedPolicy.description = nil
        changedPolicy.requesters.principals.append(Located("alice", at: at))
        changedPolicy.resources.removeAll()
        changedPolicy.roles.append(Located("admin", at: at))
        changedPolicy.actions.append(Located("write", at: at))
        changedPolicy.maxDuration.value = AccessDuration("1h")!
        changedPolicy.requestTTL = AccessDuration("1d")!
        changedPolicy.approvers.owner = false
        changedPolicy.reviewWithin = AccessDuration("2h")!
        changedPolicy.threshold.value = 2
        #expect(policy.id == "p" && policy.description == "d" && policy.requesters.principals.isEmpty && policy.resources.count == 1 && policy.roles.count == 1)
        #expect(policy.actions.isEmpty && policy.maxDuration.value.text == "8h" && policy.requestTTL.text == "7d" && policy.approvers.owner && policy.reviewWithin.text == "1d")
        #expect(policy.threshold.value == 1 && policy.when == nil)
        #expect(changedPolicy.id == "q" && changedPolicy.description == nil && changedPolicy.requesters.principals.count == 1 && changedPolicy.resources.isEmpty)
        #expect(changedPolicy.roles.count == 2 && changedPolicy.actions.count == 1 && changedPolicy.maxDuration.value.text == "1h" && changedPolicy.requestTTL.text == "1d")
        #expect(!changedPolicy.approvers.owner && changedPolicy.reviewWithin.text == "2h" && changedPolicy.threshold.value == 2)
    }

    /// An audit event keeps its strings and details in a shared box too: appending sets a
    /// copy's sequence number, previous hash and hash, which must leave the original as it was.
    @Test func auditEventCopiesAreIndependentValues() {
        let original = AuditEvent(
            time: Timestamp(seconds: 0), event: AuditEvent.Name.submitted, request: "r1", principal: "alice", resources: ["site:a"], actor: "alice",
            details: [("reason", .string("ticket"))])
        let line = original.line
        var copy = original
        copy.seq = 7
        copy.prev = AuditEvent.genesis
        copy.hash = copy.computedHash
        copy.details.append(("extra", .bool(true)))
        copy.resources = []
        copy.request = nil
        copy.principal = "bob"
        copy.actor = nil
        copy.event = AuditEvent.Name.updated
        #expect(original.line == line && original.seq == 0 && original.prev.isEmpty && original.hash.isEmpty && original.details.count == 1)
        #expect(original.resources == ["site:a"] && original.request == "r1" && original.principal == "alice" && original.actor == "alice")
        #expect(original.event == AuditEvent.Name.submitted && original != copy)
        #expect(copy.seq == 7 && copy.prev == AuditEvent.genesis && copy.details.count == 2 && copy.resources.isEmpty && copy.request == nil)
        #expect(copy.principal == "bob" && copy.actor == nil && copy.event == AuditEvent.Name.updated && copy.hash.hasPrefix("sha256:"))
    }

    /// Copies of one boxed value changed on many threads at once: each thread's copy gets its
    /// own box on its first change, and the value they all started from is never changed.
    @Test func sharedFieldsCopiesChangedOnManyThreadsStayApart() {
        let original = SharedFields(["a", "b"])
        let results = Parallel.map(Array(0..<2_000), workers: 4) { i -> [String] in
            var mine = original
            mine.fields.append("\(i)")
            mine.fields[0] = "x\(i)"
            return mine.fields
        }
        #expect(original.fields == ["a", "b"])
        for (i, result) in results.enumerated() { #expect(result == ["x\(i)", "b", "\(i)"]) }
    }

    /// The spec digest is written straight from the fields; it must be the hash of exactly
    /// what RFC 8785 makes of the spec's JSON, for every mix of optional fields and text that
    /// needs escaping (quotes, backslashes, control characters, non-ASCII).
    @Test func theSpecsCanonicalBytesAreCanonicalJSONOfItsJSON() {
        let at = SourceLocation(line: 1, column: 1)
        var random = SeededRandom(state: 8785_2026)
        let pieces = ["a", "ticket 42", "\"", "\\", "\n", "\u{01}", "\t", "é", "名", "😀", "/", "<b>", " ", "K\u{212A}"]
        func text() -> String { (0..<Int(random.next() % 5)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined() }
        func maybe<T>(_ value: @autoclosure () -> T) -> Located<T>? { random.next() % 2 == 0 ? Located(value(), at: at) : nil }
        for _ in 0..<2_000 {
            let spec = RequestSpec(
                requester: Located("p" + text(), at: at), requestedAt: Located(Timestamp(seconds: Int64(random.next() % 4_000_000_000)), at: at),
                resources: (0..<Int(random.next() % 3)).map { i in Located(ResourceRef(type: "site", name: "s\(i)" + text()), at: at) },
                role: maybe("role" + text()), actions: (0..<Int(random.next() % 3)).map { _ in Located("act" + text(), at: at) },
                reason: Located(text(), at: at), duration: maybe(AccessDuration(["4h", "30m", "2d"][Int(random.next() % 3)])!),
                validFrom: maybe(Timestamp(seconds: Int64(random.next() % 4_000_000_000))), validTo: maybe(Timestamp(seconds: Int64(random.next() % 4_000_000_000))),
                renews: maybe("r" + text()))
            let expected = CanonicalJSON.encodeBytes(spec.json)
            #expect(spec.canonicalJSON == expected, "\(String(decoding: expected, as: UTF8.self))")
            #expect(spec.digest == "sha256:" + SHA256.hex(expected))
        }
    }

    /// Terms' canonical bytes are written straight from the fields for the approval's audit
    /// identity; they must be what RFC 8785 makes of `termsJSON` (with the window the log adds
    /// to duration terms when asked), for every mix of optional fields and escaped text.
    @Test func theTermsCanonicalBytesAreCanonicalJSONOfTheirJSON() {
        let at = SourceLocation(line: 1, column: 1)
        var random = SeededRandom(state: 8785_1203)
        let pieces = ["a", "\"", "\\", "\n", "\u{01}", "é", "名", "😀", "<b>", " ", "K\u{212A}"]
        func text() -> String { (0..<Int(random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined() }
        for _ in 0..<2_000 {
            let start = Timestamp(seconds: Int64(random.next() % 4_000_000_000))
            let resources = (0..<Int(random.next() % 3)).map { i in ResourceRef(type: "site", name: "s\(i)" + text()) }
            let role = random.next() % 2 == 0 ? "role" + text() : nil
            let actions = (0..<Int(random.next() % 3)).map { _ in "act" + text() }
            let terms = switch random.next() % 3 {
            case 0: Terms(validFrom: start, validTo: start.adding(Int64(random.next() % 100_000)), resources: resources, role: role, actions: actions, location: at)
            case 1: Terms(validFrom: start, resources: resources, role: role, actions: actions, location: at)
            default: Terms(duration: AccessDuration(["4h", "30m", "permanent"][Int(random.next() % 3)])!, earliest: start, resources: resources, role: role, actions: actions, location: at)
            }
            #expect(DecisionPayload.termsCanonicalJSON(terms, window: false) == CanonicalJSON.encodeBytes(DecisionPayload.termsJSON(terms)))
            var logged = DecisionPayload.termsJSON(terms)
            if terms.duration != nil, case .object(var members) = logged {
                members += [("validFrom", .string(terms.validFrom.description)), ("validTo", terms.validTo.map { .string($0.description) } ?? .null)]
                logged = .object(members)
            }
            let expected = CanonicalJSON.encodeBytes(logged)
            #expect(DecisionPayload.termsCanonicalJSON(terms, window: true) == expected, "\(String(decoding: expected, as: UTF8.self))")
        }
    }

    /// The configuration digest's listing is written as bytes; it must be the text the first
    /// version built from canonical JSON objects, for names and specs that need escaping.
    @Test func theConfigurationListingIsTheCanonicalText() {
        func text(_ entries: [ConfigurationEntry]) -> String {
            var text = "["
            for (i, entry) in entries.sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }).enumerated() {
                if i > 0 { text += "," }
                text += CanonicalJSON.encode(.object([("kind", .string(entry.kind)), ("name", .string(entry.name))])).dropLast() + ",\"spec\":" + entry.canonicalSpec + "}"
            }
            return text + "]"
        }
        var random = SeededRandom(state: 61_000)
        let names = ["a", "b-1", "\"q\"", "back\\slash", "é", "line\nbreak", "tab\t", "z"]
        for count in [0, 1, 2, 7, 40] {
            let entries = (0..<count).map { _ in
                ConfigurationEntry(
                    kind: ["Team", "Policy", "Principal"][Int(random.next() % 3)], name: names[Int(random.next() % UInt64(names.count))] + "\(random.next() % 5)",
                    path: "x.yaml", spec: Node(.mapping([Node.Entry(key: "k", keyLocation: .start, value: Node(.string(names[Int(random.next() % UInt64(names.count))]), at: .start))]), at: .start))
            }
            #expect(ConfigurationEntry.listing(entries) == Array(text(entries).utf8))
            #expect(ConfigurationEntry.digest(entries) == "sha256:" + SHA256.hex(Array(text(entries).utf8)))
        }
    }
}
