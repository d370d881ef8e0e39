import Foundation
import XCTest
import AccessTestSupport

@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy

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

        // The rules work each event out on its own, on several cores for a long log: the
        // whole log's items one, two and three at a time are the same list in the same order.
        let log = try AuditLog.parse([UInt8](try Data(contentsOf: tree.root.appendingPathComponent(AuditLog.relativePath))))
        let now = try XCTUnwrap(Timestamp(rfc3339: "2026-12-03T13:30:00Z"))
        let verified = VerifiedTree.load(root: tree.root.path, displayRoot: "tree", now: now, keygen: SSHKeygen(environment: Fixtures.environment))
        let rules = NotificationRules(tree: verified.tree, statuses: verified.statuses, now: now, firstRun: false)
        let one = rules.notifications(for: log.events, workers: 1)
        XCTAssertGreaterThan(Set(one.map(\.kind)).count, 4, one.map(\.kind).joined(separator: ", "))
        for workers in [2, 3] { XCTAssertEqual(rules.notifications(for: log.events, workers: workers), one, "\(workers) workers") }
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
        // A relative sendmail is a usage error; one that fails is named with its exit code.
        XCTAssertEqual(AccessCLI(environment: [:], currentDirectory: tree.root.deletingLastPathComponent().path, clock: { time })
            .run(["notify", "--root", "tree", "--sendmail", "sendmail -t"]).exitCode, 64)
        let failing = sendmail + "-fails"
        try Data("#!/bin/sh\necho 'relay refused' >&2\nexit 75\n".utf8).write(to: URL(fileURLWithPath: failing))
        XCTAssertEqual(chmod(failing, 0o755), 0)
        request("r2", at: "2026-12-03T09:03:00Z")
        XCTAssertEqual(reconcile("2026-12-03T09:03:30Z").exitCode, 0)
        let later = Timestamp(rfc3339: "2026-12-03T09:04:00Z")!
        let refused = AccessCLI(environment: ["ACCESSCTL_WEBHOOK_URL": server.url], currentDirectory: tree.root.deletingLastPathComponent().path, clock: { later })
            .run(["notify", "--root", "tree", "--sendmail", failing])
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.standardError.contains("error: email to ann failed for n-"), refused.standardError)
        XCTAssertTrue(refused.standardError.contains(": \(failing) exited with 75: relay refused; tried again on a later run\n"), refused.standardError)
    }

    /// A principal's page shows their inbox, newest first; a customer's report shows only the
    /// notifications about that customer's resources.
    func testTheReportShowsEachPrincipalsInbox() throws {
        try write("teams/globex.yaml", "apiVersion: accessctl/v1\nkind: Team\nmetadata:\n  name: globex\nspec:\n  displayName: Globex\n")
        try write("resources/globex-prod.yaml", "apiVersion: accessctl/v1\nkind: Resource\nmetadata:\n  name: globex-prod\nspec:\n  type: site\n  owner: globex\n")
        try write("principals/gina.yaml", "apiVersion: accessctl/v1\nkind: Principal\nmetadata:\n  name: gina\nspec:\n  displayName: Gina Globex\n  email: gina@example.org\n  teams: [globex]\n  notify: [inbox]\n")
        request("r-acme", at: "2026-12-03T09:00:00Z")
        let globex = tree.run(["request", "new", "--root", "tree", "--requester", "sam", "--resource", "site:globex-prod", "--role", "reader",
                               "--reason", "Ticket <b>9</b>", "--duration", "4h", "--name", "r-globex"], at: "2026-12-03T09:00:00Z")
        XCTAssertEqual(globex.exitCode, 0, globex.standardError)
        XCTAssertEqual(reconcile("2026-12-03T09:01:00Z").exitCode, 0)
        sign("approve", "r-acme", as: "ann", at: "2026-12-03T09:05:00Z")
        XCTAssertEqual(reconcile("2026-12-03T09:10:00Z", ["--report", "site"]).exitCode, 0)
        let site = tree.root.deletingLastPathComponent().appendingPathComponent("site")
        func page(_ folder: URL, _ who: String) throws -> String { try String(contentsOf: folder.appendingPathComponent("people/\(who).html"), encoding: .utf8) }
        func inbox(_ html: String) -> String { html.components(separatedBy: "<h2>Notifications</h2>").last ?? "" }
        let sam = inbox(try page(site, "sam"))
        XCTAssertTrue(sam.contains("<strong>Access request r-acme approved</strong>"), sam)
        XCTAssertFalse(sam.contains("waits for your decision"))
        XCTAssertTrue(inbox(try page(site, "gina")).contains("<strong>Access request r-globex waits for your decision</strong>"))
        XCTAssertTrue(inbox(try page(site, "ann")).contains("<strong>Access request r-acme waits for your decision</strong>"))
        XCTAssertFalse(inbox(try page(site, "ann")).contains("r-globex"), "ann owns no globex resource")

        XCTAssertEqual(tree.run(["report", "--root", "tree", "--out", "acme", "--for", "owners", "--now", "2026-12-03T09:10:00Z"]).exitCode, 0)
        let acme = tree.root.deletingLastPathComponent().appendingPathComponent("acme")
        let scoped = inbox(try page(acme, "sam"))
        XCTAssertTrue(scoped.contains("r-acme"), scoped)
        XCTAssertFalse(scoped.contains("r-globex"), "another customer's notification leaked into acme's report")
        XCTAssertFalse(try String(contentsOf: acme.appendingPathComponent("people/sam.html"), encoding: .utf8).contains("Ticket <b>9</b>"), "text is escaped and out of scope")
    }

    /// notify killed at random moments (SIGKILL, a real process): nothing is lost, and any
    /// message sent twice carries the same idempotency key and Message-ID.
    func testKilledNotifyLosesNothing() throws {
        for n in 1...6 { request("r\(n)", at: "2026-12-03T09:00:00Z") }
        XCTAssertEqual(reconcile("2026-12-03T09:01:00Z").exitCode, 0)
        let items = try outbox()
        XCTAssertEqual(items.count, 12)
        let executable = try TestSupport.executable()
        var environment = Fixtures.environment
        environment["ACCESSCTL_WEBHOOK_URL"] = server.url
        // A killed run leaves its mail's temporary folder behind: in the test's folder, not /tmp.
        let scratch = tree.root.deletingLastPathComponent().appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        environment["TMPDIR"] = scratch.path
        func start() throws -> Process {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["notify", "--root", tree.root.path, "--sendmail", sendmail + " -t -i", "--now", "2026-12-03T09:02:00Z"]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        var seed: UInt64 = 20261202
        var kills = 0, finished = false
        for attempt in 0..<40 where !finished {
            let process = try start()
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            Thread.sleep(forTimeInterval: Double(seed >> 11) / Double(1 << 53) * 0.02 * Double(attempt + 1))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            finished = process.terminationReason == .exit && process.terminationStatus == 0
        }
        if !finished {
            let last = try start()
            last.waitUntilExit()
            XCTAssertEqual(last.terminationStatus, 0)
        }
        XCTAssertGreaterThan(kills, 0, "at least one run was killed")
        let ids = Set(items.map(\.id))
        let keys = server.received.compactMap { $0.headers["idempotency-key"] }
        XCTAssertEqual(Set(keys), ids, "every item reached the webhook, and nothing else did")
        let messageIDs = try mails().compactMap { mail in mail.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: <") } }
        XCTAssertEqual(Set(messageIDs), Set(items.map { "Message-ID: <\($0.id)@accessctl.testorg>" }), "every item was mailed, resends with the same Message-ID")
        XCTAssertNoThrow(try LedgerStore(root: tree.root.path, displayRoot: "tree").readDeliveries(), "the delivery log reads back after the kills")
        assertText(notify("2026-12-03T09:03:00Z").standardOutput, "Notifications: 0 delivered.\n")
    }

    /// Settings that would send mail through a shell, read the webhook URL from the repository
    /// or name an unknown channel are positioned errors.
    func testBadNotificationSettingsAreRefused() throws {
        try write("accessctl.yaml", TreeFixture.files["accessctl.yaml"]! + """
              notifications:
                defaultChannels: [email, pager]
                webhook:
                  urlEnv: https://hooks.example.org/secret
                email:
                  sendmail: sendmail -t

            """)
        try write("principals/sam.yaml", try read("principals/sam.yaml").replacingOccurrences(of: "  email: sam@example.org\n", with: "  notify: [email]\n"))
        let result = tree.run(["validate", "--root", "tree"])
        XCTAssertEqual(result.exitCode, 1)
        let lines = result.standardError.components(separatedBy: "\n").filter { $0.contains(": error: ") }
        assertText(lines.joined(separator: "\n") + "\n", """
            tree/accessctl.yaml:14:30: error: unknown notification channel 'pager'; channels: email, webhook, inbox
            tree/accessctl.yaml:16:15: error: webhook.urlEnv names an environment variable (A-Z, 0-9, _), not a URL
            tree/accessctl.yaml:18:17: error: email.sendmail must start with an absolute path (it is run without a shell), like /usr/sbin/sendmail -t -i
            tree/principals/sam.yaml:7:3: error: notify names email, but the principal has no email

            """)
    }

    /// After `maxAttempts` failed tries an item is given up: the run of the last try fails,
    /// later runs only warn, naming it.
    func testAnItemIsGivenUpAfterMaxAttempts() throws {
        try write("accessctl.yaml", try read("accessctl.yaml").replacingOccurrences(of: "    defaultChannels: [email, webhook, inbox]\n", with: "    defaultChannels: [webhook]\n    maxAttempts: 2\n"))
        request("r1", at: "2026-12-03T09:00:00Z")
        XCTAssertEqual(reconcile("2026-12-03T09:01:00Z").exitCode, 0)
        server.status = 503
        XCTAssertEqual(notify("2026-12-03T09:02:00Z").exitCode, 1)
        let last = notify("2026-12-03T09:04:00Z")
        XCTAssertEqual(last.exitCode, 1, "the last try fails the run")
        let after = notify("2026-12-03T10:00:00Z")
        XCTAssertEqual(after.exitCode, 0)
        XCTAssertTrue(after.standardError.contains("warning: gave up on n-"), after.standardError)
        XCTAssertTrue(after.standardError.contains("(request.submitted to ann, webhook) after 2 tries: the webhook answered HTTP 503\n"), after.standardError)
        XCTAssertTrue(after.standardOutput.hasSuffix("Notifications: 0 delivered, 2 given up.\n"), after.standardOutput)
        XCTAssertEqual(server.received.count, 4, "two recipients, two tries each, then nothing")
    }
}
