import Foundation
import XCTest

@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel

/// Notifications end to end: reconcile queues, `notify` delivers to a real HTTP server on
/// 127.0.0.1 and a fake sendmail that writes each message to a folder. Four requests live
/// their lives (approved, expiring and expired; denied; revoked; relinquished); every
/// recipient gets every message once on each of their channels.
final class NotificationTests: ReconcileTestCase {
    var server: TestHTTPServer!
    var mailFolder: URL!
    var sendmail = ""

    override func extraFiles() -> [String: String?] { ["requests/sam-debug.yaml": nil] }

    override func setUpWithError() throws {
        try super.setUpWithError()
        server = try TestHTTPServer()
        let work = try TestSupport.temporaryDirectory(self)
        mailFolder = work.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mailFolder, withIntermediateDirectories: true)
        sendmail = work.appendingPathComponent("sendmail").path
        // A sendmail that keeps each message (and the arguments it was given) in a file.
        try Data("#!/bin/sh\nf=$(mktemp \(mailFolder.path)/mail.XXXXXX)\necho \"args: $*\" > \"$f\"\ncat >> \"$f\"\n".utf8).write(to: URL(fileURLWithPath: sendmail))
        XCTAssertEqual(chmod(sendmail, 0o755), 0)
        try write("accessctl.yaml", try read("accessctl.yaml") + """
              notifications:
                defaultChannels: [email, webhook, inbox]
                reportURL: https://access.example.org/report
                email:
                  from: Access <access@example.org>

            """)
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "  teams: [support]\n", with: "  email: sam@example.org\n  teams: [support]\n"))
        try write("principals/olga.yaml", try read("principals/olga.yaml").replacingOccurrences(of: "  teams: [owners]\n", with: "  email: olga@example.org\n  teams: [owners]\n"))
    }

    override func tearDown() {
        server?.stop()
        super.tearDown()
    }

    private func notify(_ now: String, _ extra: [String] = []) -> CommandResult {
        let time = Timestamp(rfc3339: now)!
        return AccessCLI(environment: ["ACCESSCTL_WEBHOOK_URL": server.url], currentDirectory: tree.root.deletingLastPathComponent().path, clock: { time })
            .run(["notify", "--root", "tree", "--sendmail", sendmail + " -t -i", "--now", now] + extra)
    }

    private func request(_ name: String, at now: String) {
        let made = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:acme-prod", "--role", "reader",
                             "--reason", "Ticket \(name)", "--duration", "4h", "--name", name], at: now)
        XCTAssertEqual(made.exitCode, 0, made.standardError)
    }

    private func sign(_ kind: String, _ name: String, as who: String, at now: String, _ extra: [String] = []) {
        let result = tree.run([kind, name, "--root", "tree", "--as", who, "--key", keys[who]!] + extra, at: now)
        XCTAssertEqual(result.exitCode, 0, result.standardError)
    }

    private func mails() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: mailFolder.path).sorted().map { try String(contentsOf: mailFolder.appendingPathComponent($0), encoding: .utf8) }
    }

    private func outbox() throws -> [NotificationItem] { try LedgerStore(root: tree.root.path, displayRoot: "tree").readOutbox().items }

    func testEveryRecipientGetsEachMessageOnceOnEachChannel() throws {
        for name in ["r1-life", "r2-denied", "r3-revoked", "r4-relinquished"] { request(name, at: "2026-12-03T09:00:00Z") }
        XCTAssertEqual(reconcile("2026-12-03T09:01:00Z").exitCode, 0)
        XCTAssertEqual(notify("2026-12-03T09:02:00Z").exitCode, 0)
        sign("approve", "r1-life", as: "ann", at: "2026-12-03T09:05:00Z")
        sign("deny", "r2-denied", as: "olga", at: "2026-12-03T09:05:00Z", ["--reason", "No ticket <42>"])
        sign("approve", "r3-revoked", as: "ann", at: "2026-12-03T09:05:00Z")
        sign("approve", "r4-relinquished", as: "ann", at: "2026-12-03T09:05:00Z")
        XCTAssertEqual(reconcile("2026-12-03T09:10:00Z").exitCode, 0)
        // The webhook fails for a while: the items wait and are delivered once, later.
        server.status = 500
        let beforeFailing = server.received.count
        let failing = notify("2026-12-03T09:11:00Z")
        XCTAssertEqual(failing.exitCode, 1)
        XCTAssertTrue(failing.standardError.contains("error: webhook to sam failed for n-"), failing.standardError)
        XCTAssertTrue(failing.standardError.contains("the webhook answered HTTP 500; tried again on a later run"), failing.standardError)
        let failedPosts = server.received.count
        server.status = 200
        let tooSoon = notify("2026-12-03T09:11:30Z")
        XCTAssertTrue(tooSoon.standardOutput.hasSuffix("Notifications: 0 delivered, 4 waiting to retry.\n"), tooSoon.standardOutput)
        XCTAssertEqual(notify("2026-12-03T09:12:30Z").exitCode, 0)
        sign("revoke", "r3-revoked", as: "ann", at: "2026-12-03T09:20:00Z", ["--reason", "Done early"])
        sign("relinquish", "r4-relinquished", as: "sam", at: "2026-12-03T09:20:00Z")
        XCTAssertEqual(reconcile("2026-12-03T09:30:00Z").exitCode, 0)
        XCTAssertEqual(notify("2026-12-03T09:31:00Z").exitCode, 0)
        XCTAssertEqual(reconcile("2026-12-03T12:30:00Z").exitCode, 0)
        XCTAssertEqual(reconcile("2026-12-03T12:40:00Z").exitCode, 0, "a second run inside the hour queues no second warning")
        XCTAssertEqual(notify("2026-12-03T12:41:00Z").exitCode, 0)
        XCTAssertEqual(reconcile("2026-12-03T13:20:00Z").exitCode, 0)
        XCTAssertEqual(notify("2026-12-03T13:21:00Z").exitCode, 0)
        // Two runs in a row: the second sends nothing.
        let again = notify("2026-12-03T13:22:00Z")
        assertText(again.standardOutput, "Notifications: 0 delivered.\n")

        let items = try outbox()
        assertText(items.map { "\($0.kind) \($0.request ?? "") to \($0.recipient)" }.joined(separator: "\n") + "\n", """
            request.submitted r1-life to ann
            request.submitted r1-life to olga
            request.submitted r2-denied to ann
            request.submitted r2-denied to olga
            request.submitted r3-revoked to ann
            request.submitted r3-revoked to olga
            request.submitted r4-relinquished to ann
            request.submitted r4-relinquished to olga
            request.approved r1-life to sam
            request.denied r2-denied to sam
            request.approved r3-revoked to sam
            request.approved r4-relinquished to sam
            grant.revoked r3-revoked to sam
            grant.relinquished r4-relinquished to sam
            grant.relinquished r4-relinquished to ann
            grant.relinquished r4-relinquished to olga
            grant.expiring r1-life to sam
            grant.expired r1-life to sam

            """)
        // Webhook: every item exactly once (after the failures), with its id as the key.
        XCTAssertEqual(failedPosts - beforeFailing, 4, "sam's four messages failed once")
        let delivered = Array(server.received[..<beforeFailing]) + Array(server.received[failedPosts...])
        XCTAssertEqual(delivered.compactMap { $0.headers["idempotency-key"] }.sorted(), items.map(\.id).sorted())
        XCTAssertTrue(server.received.allSatisfy { $0.method == "POST" && $0.path == "/hook" && $0.headers["content-type"] == "application/json; charset=utf-8" })
        let denied = try XCTUnwrap(items.first { $0.kind == "request.denied" })
        let post = try XCTUnwrap(delivered.first { $0.headers["idempotency-key"] == denied.id })
        let body = try JSONParser.parse(bytes: [UInt8](post.body), file: "post").json
        XCTAssertEqual(body["text"]?.stringValue, "Access request r2-denied denied: Your request r2-denied for site:acme-prod was denied by olga: No ticket <42>")
        XCTAssertTrue(CanonicalJSON.encode(body).contains("No ticket &lt;42&gt;"), "Slack text is escaped in blocks")
        XCTAssertTrue(CanonicalJSON.encode(body).contains("<https://access.example.org/report/requests/r2-denied.html|Open in the access report>"))
        // Email: every item exactly once, each a whole RFC 5322 message from sendmail -t -i.
        let messages = try mails()
        XCTAssertEqual(messages.count, items.count)
        XCTAssertTrue(messages.allSatisfy { $0.hasPrefix("args: -t -i\n") })
        let ids = messages.compactMap { $0.components(separatedBy: "\r\n").first { $0.hasPrefix("X-Accessctl-Notification: ") }?.dropFirst("X-Accessctl-Notification: ".count) }.map(String.init)
        XCTAssertEqual(ids.sorted(), items.map(\.id).sorted())
        let mail = try XCTUnwrap(messages.first { $0.contains("X-Accessctl-Notification: \(denied.id)") })
        XCTAssertTrue(mail.contains("\r\nTo: \"Sam Support\" <sam@example.org>\r\n"), mail)
        XCTAssertTrue(mail.hasPrefix("args: -t -i\nFrom: Access <access@example.org>\r\n"), mail)
        XCTAssertTrue(mail.contains("\r\nMessage-ID: <\(denied.id)@accessctl.testorg>\r\n"), mail)
        XCTAssertTrue(mail.contains("\r\nSubject: [testorg] Access request r2-denied denied\r\n"), mail)
        XCTAssertTrue(mail.contains("\r\n\r\nYour request r2-denied for site:acme-prod was denied by olga: No ticket <42>\r\n"), mail)
    }

    /// Settings decide where the webhook URL comes from: never the repository, and a missing
    /// variable is a failure that names the variable, not a crash.
    func testAMissingWebhookURLFailsWithoutLeakingAnything() throws {
        request("r1", at: "2026-12-03T09:00:00Z")
        XCTAssertEqual(reconcile("2026-12-03T09:01:00Z").exitCode, 0)
        let time = Timestamp(rfc3339: "2026-12-03T09:02:00Z")!
        let run = AccessCLI(environment: [:], currentDirectory: tree.root.deletingLastPathComponent().path, clock: { time })
            .run(["notify", "--root", "tree", "--sendmail", sendmail])
        XCTAssertEqual(run.exitCode, 1)
        XCTAssertTrue(run.standardError.contains("$ACCESSCTL_WEBHOOK_URL is not set: the webhook's URL comes from the environment"), run.standardError)
        XCTAssertEqual(try mails().count, 2, "email still goes out")
        let dry = notify("2026-12-03T09:03:00Z", ["--dry-run"])
        XCTAssertTrue(dry.standardOutput.hasPrefix("Would send at 2026-12-03T09:03:00Z:\n  webhook to ann: Access request r1 waits for your decision (n-"), dry.standardOutput)
        XCTAssertEqual(server.received.count, 0, "a dry run sends nothing")
    }
}
