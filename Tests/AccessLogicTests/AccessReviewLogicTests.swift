import Foundation
import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// Reviews of standing access in memory: which signed statements count (each refusal with
/// its message) and how a review's state follows from the log's record and the time.
@Suite struct AccessReviewLogicTests {
    static let signatures = FakeSignatures(["ann", "sam", "olga"])
    static let now = Timestamp(rfc3339: "2026-12-01T00:00:00Z")!

    static func tree() -> AccessTree {
        var files = TreeFiles.files
        files["principals/ann.yaml"]! += "  sshKeys:\n    - \(FakeSignatures.publicKey("ann"))\n"
        files["principals/sam.yaml"]! += "  roles: [reader]\n  review:\n    every: 30d\n    by: owners\n  sshKeys:\n    - \(FakeSignatures.publicKey("sam"))\n"
        files["principals/olga.yaml"] = "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: olga\nspec:\n  displayName: Olga\n  sshKeys:\n    - \(FakeSignatures.publicKey("olga"))\n"
        return TreeLoader.load(InMemoryTreeSource(files: files), displayRoot: "tree").tree
    }

    static func statement(_ grant: String = "role/sam/reader", digest: String? = nil, by: String, signedBy: String? = nil, at: Timestamp = now, line: Int) throws -> AccessReviewStatement {
        let tree = Self.tree()
        let real = AccessEngine(directory: Directory(tree), statuses: [:]).reviewedGrants().first!.reviewDigest
        var s = AccessReviewStatement(grant: grant, grantDigest: digest ?? real, decision: .confirm, by: by, at: at, reason: nil, signature: "")
        s.signature = try signatures.sign(s.payload(organization: "testorg"), keyPath: "key/\(signedBy ?? by)", namespace: "accessctl", environment: nil)
        s.line = line
        return s
    }

    @Test func onlyAMemberOfTheTeamOtherThanTheHolderSigningTheGrantAsItIsCounts() throws {
        let tree = Self.tree()
        let directory = Directory(tree)
        let grants = AccessEngine(directory: directory, statuses: [:]).reviewedGrants()
        #expect(grants.map(\.key) == ["role/sam/reader"])
        let statements = [
            try Self.statement("role/sam/admin", by: "ann", line: 1),
            try Self.statement(digest: "sha256:" + String(repeating: "0", count: 64), by: "ann", line: 2),
            try Self.statement(by: "ann", at: Self.now.adding(3600), line: 3),
            try Self.statement(by: "olga", line: 4),
            try Self.statement(by: "sam", line: 5),
            try Self.statement(by: "ann", signedBy: "olga", line: 6),
            try Self.statement(by: "ann", line: 7),
        ]
        let checked = try AccessReviews.verify(statements, grants: grants, directory: directory, settings: tree.settings!, keygen: Self.signatures, now: Self.now, file: "r.jsonl")
        #expect(checked.valid.map(\.line) == [7])
        #expect(checked.diagnostics.map(\.rendered).map { String($0.prefix { $0 != "\n" }) } == [
            "r.jsonl:1:1: warning: confirm of role/sam/admin by ann: no standing grant with a review period has this key now; it counts for nothing",
            "r.jsonl:2:1: warning: confirm of role/sam/reader by ann: the grant changed after this review was signed; it counts for nothing",
            "r.jsonl:3:1: error: confirm of role/sam/reader by ann: its time 2026-12-01T01:00:00Z is in the future (now is 2026-12-01T00:00:00Z)",
            "r.jsonl:4:1: error: confirm of role/sam/reader by olga: not a reviewer: 'olga' is not a member of team owners",
            "r.jsonl:5:1: error: confirm of role/sam/reader by sam: no one reviews their own access",
            "r.jsonl:6:1: error: confirm of role/sam/reader by ann: bad signature: signature does not verify",
        ])
    }

    @Test func aReviewIsCurrentThenDueThenOverdueAndAConfirmOrRemoveChangesThat() throws {
        let tree = Self.tree()
        let grants = AccessEngine(directory: Directory(tree), statuses: [:]).reviewedGrants()
        var settings = ReviewSettings()
        settings.grace = AccessDuration("7d")!
        var record = ReviewRecord()
        record.anchor = Timestamp(rfc3339: "2026-10-01T00:00:00Z")!
        func state(at text: String, statements: [AccessReviewStatement] = [], record: ReviewRecord? = record) -> AccessReview {
            AccessReviews.evaluate(
                grants: grants, statements: statements, records: record.map { ["role/sam/reader": $0] } ?? [:], isLogged: { _ in false },
                now: Timestamp(rfc3339: text)!, settings: settings)["role/sam/reader"]!
        }
        #expect(state(at: "2026-10-15T00:00:00Z").state == .current)
        #expect(state(at: "2026-11-03T00:00:00Z").state == .due)
        let overdue = state(at: "2026-11-09T00:00:00Z")
        #expect(overdue.state == .overdue && overdue.suspends(settings))
        settings.overdue = .flag
        #expect(!state(at: "2026-11-09T00:00:00Z").suspends(settings))
        // No record yet: the period starts now, and the reconciler logs that it started.
        let fresh = state(at: "2026-11-09T00:00:00Z", record: nil)
        #expect(fresh.state == .current && fresh.starts && fresh.due == Timestamp(rfc3339: "2026-12-09T00:00:00Z")!)
        // A confirm first seen now starts a new period from now; a later remove takes it away.
        let confirm = try Self.statement(by: "ann", line: 1)
        #expect(state(at: "2026-11-09T00:00:00Z", statements: [confirm]).state == .current)
        var remove = confirm
        remove.decision = .remove
        remove.at = confirm.at.adding(60)
        let removed = state(at: "2026-12-01T00:00:00Z", statements: [confirm, remove])
        #expect(removed.state == .removed && removed.suspends(settings))
    }
}
