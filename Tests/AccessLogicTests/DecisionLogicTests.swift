import Foundation
import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// The rules around signed decisions, run in memory: the tree comes from an in-memory
/// source and signatures from `FakeSignatures`, so these need neither a disk nor ssh-keygen.
@Suite struct DecisionLogicTests {
    let signatures = FakeSignatures(["ann", "sam", "olga"])
    var files: [String: String]

    init() {
        var files = TreeFixture.files
        for (path, content) in TreeFixture.signers(["ann": FakeSignatures.publicKey("ann"), "sam": FakeSignatures.publicKey("sam"), "olga": FakeSignatures.publicKey("olga")]) {
            files[path] = content
        }
        self.files = files
    }

    private func load(_ files: [String: String]) -> TreeLoader.Result {
        TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree")
    }

    /// `files` with a decision on sam-debug signed by `key` (claiming to be `by`).
    private func deciding(_ kind: Decision.Kind, by: String, key: String? = nil, at: String, in files: [String: String]) throws -> [String: String] {
        let loaded = load(files)
        let request = try #require(loaded.tree.requests.first { $0.id == "sam-debug" })
        let time = Timestamp(rfc3339: at)!
        var decision = Decision(
            kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(time, at: .start),
            terms: kind == .approve ? Terms(validFrom: time, validTo: time.adding(4 * 3600), resources: request.spec.resources.map(\.value), role: "reader", actions: [], location: .start) : nil,
            reason: kind == .revoke ? "Ticket closed" : nil, specDigest: Located(request.spec.digest, at: .start), signature: Located("", at: .start), location: .start)
        let payload = DecisionPayload.bytes(organization: "testorg", request: request, decision: decision)
        decision.signature.value = try signatures.sign(payload, keyPath: "key/\(key ?? by)", namespace: "accessctl")
        var changed = files
        changed["requests/sam-debug.yaml"] = try StatusWriter.appending(decision, to: files["requests/sam-debug.yaml"]!, file: "tree/requests/sam-debug.yaml")
        return changed
    }

    private func status(_ files: [String: String], at: String) throws -> RequestStatus {
        let loaded = load(files)
        #expect(loaded.diagnostics.filter { $0.severity == .error } == [])
        let verifier = DecisionVerifier(tree: loaded.tree, settings: try #require(loaded.tree.settings), now: Timestamp(rfc3339: at)!, keygen: signatures)
        return try verifier.status(try #require(loaded.tree.requests.first { $0.id == "sam-debug" }))
    }

    @Test func anOwnersApprovalMakesTheRequestActiveForItsWindow() throws {
        let approved = try deciding(.approve, by: "ann", at: "2026-11-22T09:30:00Z", in: files)
        #expect(try status(files, at: "2026-11-22T10:00:00Z").state == .pending)
        #expect(try status(approved, at: "2026-11-22T10:00:00Z").state == .active)
        #expect(try status(approved, at: "2026-11-22T10:00:00Z").approvers == ["ann"])
        #expect(try status(approved, at: "2026-11-22T13:30:00Z").state == .expired)
    }

    /// A state keeps its lists in a box shared by copies: a copy changed in place (as the
    /// ledger closes a state the audit log shows ended) leaves the original as it was.
    @Test func stateCopiesAreIndependentValues() throws {
        let approved = try deciding(.approve, by: "ann", at: "2026-11-22T09:30:00Z", in: files)
        let original = try status(approved, at: "2026-11-22T10:00:00Z")
        var copy = original
        copy.state = .revoked
        copy.approvers.append("sam")
        copy.checks.removeAll()
        copy.terms?.actions.append("write")
        copy.missingApprovals = (1, "p")
        copy.leftOut.append((ResourceRef("site:x")!, "why"))
        copy.review = ("sam", Timestamp(seconds: 0), .review)
        copy.request.decisions.removeAll()
        #expect(original.state == .active && original.approvers == ["ann"] && original.checks.count == 1 && original.terms?.actions == [])
        #expect(original.missingApprovals == nil && original.leftOut.isEmpty && original.review == nil && original.request.decisions.count == 1)
        #expect(copy.state == .revoked && copy.approvers == ["ann", "sam"] && copy.checks.isEmpty && copy.terms?.actions == ["write"])
        #expect(copy.missingApprovals?.policy == "p" && copy.leftOut.count == 1 && copy.review?.by == "sam" && copy.request.decisions.isEmpty)
    }

    @Test func aSignatureMadeWithAnotherKeyCountsForNothing() throws {
        let forged = try deciding(.approve, by: "ann", key: "olga", at: "2026-11-22T09:30:00Z", in: files)
        let status = try status(forged, at: "2026-11-22T10:00:00Z")
        #expect(status.state == .pending)
        #expect(status.checks.map(\.outcome) == [.invalid("bad signature: signature does not verify")])
    }

    @Test func theRequesterCannotApproveTheirOwnRequest() throws {
        let own = try deciding(.approve, by: "sam", at: "2026-11-22T09:30:00Z", in: files)
        let status = try status(own, at: "2026-11-22T10:00:00Z")
        #expect(status.state == .pending)
        guard case .invalid(let why) = status.checks.first?.outcome else { Issue.record("sam's own approval was not refused"); return }
        #expect(why.contains("sam"), "\(why)")
    }

    @Test func aRevokeEndsTheGrant() throws {
        let approved = try deciding(.approve, by: "ann", at: "2026-11-22T09:30:00Z", in: files)
        let withRevoke = try deciding(.revoke, by: "olga", at: "2026-11-22T10:30:00Z", in: approved)
        #expect(try status(withRevoke, at: "2026-11-22T11:00:00Z").state == .revoked)
    }

    /// A back-dated approval does not make access exist before a reconcile saw it: the
    /// engine's grant starts at the observed time, so `check --at` an earlier time says denied.
    @Test func accessStartsWhenTheApprovalWasObservedNotWhenItClaims() throws {
        let approved = try deciding(.approve, by: "ann", at: "2026-11-22T09:30:00Z", in: files)
        let loaded = load(approved)
        let request = try #require(loaded.tree.requests.first { $0.id == "sam-debug" })
        let decision = try #require(request.decisions.first)
        let prod = ResourceRef("site:acme-prod")!
        func allowed(at time: String, seen: String?) throws -> Bool {
            var verifier = DecisionVerifier(tree: loaded.tree, settings: try #require(loaded.tree.settings), now: Timestamp(rfc3339: "2026-11-22T12:00:00Z")!, keygen: signatures)
            if let seen { verifier.observed = [decision.observationKey(request.id): Timestamp(rfc3339: seen)!] }
            let engine = AccessEngine(directory: Directory(loaded.tree), statuses: ["sam-debug": try verifier.status(request)])
            return !engine.evaluator(of: "sam").paths("sam", "read", prod, at: Timestamp(rfc3339: time)!).isEmpty
        }
        // Seen by a reconcile at 11:00: nothing at 10:00, though signed for 09:30.
        #expect(try allowed(at: "2026-11-22T10:00:00Z", seen: "2026-11-22T11:00:00Z") == false)
        #expect(try allowed(at: "2026-11-22T11:30:00Z", seen: "2026-11-22T11:00:00Z") == true)
        // Seen as soon as it was signed: from its signed time.
        #expect(try allowed(at: "2026-11-22T10:00:00Z", seen: "2026-11-22T09:30:00Z") == true)
    }

    /// One deny is final by default; a policy's denyThreshold asks for more distinct deniers.
    @Test func aPolicyMayAskForMoreThanOneDeny() throws {
        let denied = try deciding(.deny, by: "ann", at: "2026-11-22T09:30:00Z", in: files)
        let approvedAfter = try deciding(.approve, by: "olga", at: "2026-11-22T10:00:00Z", in: denied)
        #expect(try status(approvedAfter, at: "2026-11-22T10:30:00Z").state == .denied)
        var two = approvedAfter
        two["policies/support.yaml"] = files["policies/support.yaml"]! + "  denyThreshold: 2\n"
        #expect(try status(two, at: "2026-11-22T10:30:00Z").state == .active)
        var twoDenied = try deciding(.deny, by: "ann", at: "2026-11-22T09:30:00Z", in: files)
        twoDenied = try deciding(.deny, by: "olga", at: "2026-11-22T09:40:00Z", in: twoDenied)
        twoDenied["policies/support.yaml"] = two["policies/support.yaml"]
        #expect(try status(twoDenied, at: "2026-11-22T10:30:00Z").state == .denied)
    }
}
