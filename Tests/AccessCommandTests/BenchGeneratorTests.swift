import Foundation
import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// `bench generate` writes a valid tree, the same for a seed except the real keys and the
/// live signatures made with them.
final class BenchGeneratorTests: XCTestCase {
    func testGeneratedTreeIsValidAndDeterministic() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let folder = try TestSupport.temporaryDirectory(self)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        for name in ["a", "b"] {
            let made = cli.run(["bench", "generate", "--out", name, "--requests", "300", "--live", "3", "--seed", "7"])
            XCTAssertEqual(made, CommandResult(exitCode: 0, standardOutput: "\(name): 413 files: 300 requests (3 live, signed), 40 principals, 5 teams, 60 resources; made for 2026-11-23T00:00:00Z.\n"))
        }
        XCTAssertEqual(cli.run(["validate", "--root", "a", "--now", "2026-11-23T00:00:00Z"]), CommandResult(exitCode: 0, standardOutput: "a: 413 manifests valid.\n"))
        let plan = cli.run(["plan", "--root", "a", "--now", "2026-11-23T00:00:00Z"])
        XCTAssertEqual(plan.exitCode, 0, plan.standardError)
        XCTAssertTrue(plan.standardOutput.hasSuffix("Plan: 9 to grant, 0 to change, 0 to remove.\n"), plan.standardOutput)

        // Same seed, same tree, apart from keys and the three live signatures.
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("a").path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(files, try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("b").path).filter { $0.hasSuffix(".yaml") }.sorted())
        var differing: [String] = []
        for file in files {
            let a = try String(contentsOf: folder.appendingPathComponent("a/\(file)"), encoding: .utf8)
            let b = try String(contentsOf: folder.appendingPathComponent("b/\(file)"), encoding: .utf8)
            if a != b { differing.append((file as NSString).lastPathComponent) }
        }
        XCTAssertEqual(Set(differing).subtracting((0..<4).flatMap { ["c\($0 / 2)-admin-\($0 % 2 + 1).yaml"] }), ["r000000.yaml", "r000001.yaml", "r000002.yaml"])

        // bench run times every phase on it, writing only into its scratch folder.
        let before = try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("a").path).sorted()
        let bench = cli.run(["bench", "run", "--root", "a", "--now", "2026-11-23T00:00:00Z"])
        XCTAssertEqual(bench.exitCode, 0, bench.standardError)
        for phase in ["load and parse", "validate", "open requests", "verify signatures", "request states", "config trust", "plan", "apply", "report", "total"] {
            XCTAssertTrue(bench.standardOutput.contains("\n  \(phase) "), phase + ": " + bench.standardOutput)
        }
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("a").path).sorted(), before, "the tree is not written")
    }

    /// Request states are worked out in parallel on a large tree: the same states and the
    /// same messages, in the same order, as one at a time.
    func testRequestStatesInParallelEqualOneAtATime() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let folder = try TestSupport.temporaryDirectory(self)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        XCTAssertEqual(cli.run(["bench", "generate", "--out", "t", "--requests", "800", "--live", "4", "--seed", "3"]).exitCode, 0)
        let root = folder.appendingPathComponent("t").path
        let now = Timestamp(rfc3339: "2026-11-23T00:00:00Z")!
        let loaded = TreeLoader.load(root: root, displayRoot: "t")
        XCTAssertGreaterThanOrEqual(loaded.tree.requests.count, 800)
        func verified(_ parallel: Int) -> VerifiedTree {
            var tree = VerifiedTree(tree: loaded.tree, diagnostics: [], statuses: [:])
            tree.verify(now: now, keygen: SSHKeygen(), displayRoot: "t", parallel: parallel)
            return tree
        }
        let one = verified(1), two = verified(2), four = verified(4)
        XCTAssertEqual(one.statuses.count, loaded.tree.requests.count)
        XCTAssertGreaterThan(Set(one.statuses.values.map(\.state)).count, 3, "the tree has requests in many states")
        for other in [two, four] {
            XCTAssertEqual(other.diagnostics, one.diagnostics)
            XCTAssertEqual(Set(other.statuses.keys), Set(one.statuses.keys))
            for (id, status) in one.statuses {
                XCTAssertEqual(String(reflecting: other.statuses[id]!), String(reflecting: status), id)
            }
        }
    }

    /// Each request's policies and closedness are worked out once and handed to both the
    /// signature jobs and the states: the same jobs, in the same order, and the same states
    /// as asking each request on its own, at several times and with `liveFrom` before `now`.
    func testScreenedJobsAndStatesEqualAskingEachRequest() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let folder = try TestSupport.temporaryDirectory(self)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        XCTAssertEqual(cli.run(["bench", "generate", "--out", "t", "--requests", "400", "--live", "4", "--seed", "5"]).exitCode, 0)
        let tree = TreeLoader.load(root: folder.appendingPathComponent("t").path, displayRoot: "t").tree
        // Each job in short: which decision, and a digest of what ssh-keygen would be given.
        func key(_ jobs: [SignatureJob]) -> [String] {
            jobs.map { "\($0.request)#\($0.index) \($0.signer) \(SHA256.hex($0.message + Array($0.armor.utf8) + Array($0.publicKeys.joined(separator: "\n").utf8)).prefix(12))" }
        }
        var openCounts: Set<Int> = []
        for now in ["2026-11-23T00:00:00Z", "2026-11-20T12:00:00Z", "2027-03-01T00:00:00Z"].map({ Timestamp(rfc3339: $0)! }) {
            for liveFrom in [now, now.adding(-30 * 86_400)] {
                var verifier = DecisionVerifier(tree: tree, settings: tree.settings!, now: now, keygen: SSHKeygen(), liveFrom: liveFrom)
                let screenings = tree.requests.map(verifier.screen)
                let jobs = verifier.signatureJobs(tree.requests, parallel: 1)
                XCTAssertEqual(key(verifier.signatureJobs(tree.requests, screenings: screenings)), key(jobs), "\(now) from \(liveFrom)")
                openCounts.insert(jobs.count)
                verifier.verdicts = SSHKeygen().verifyAll(jobs, namespace: tree.settings!.signatureNamespace, time: now, parallel: 2)
                for (i, request) in tree.requests.enumerated() {
                    XCTAssertEqual(
                        String(reflecting: try verifier.status(request, screening: screenings[i])), String(reflecting: try verifier.status(request)), request.id)
                }
            }
            var verified = VerifiedTree(tree: tree, diagnostics: [], statuses: [:])
            verified.verify(now: now, keygen: SSHKeygen(), displayRoot: "t", parallel: 2)
            let verifier = DecisionVerifier(tree: tree, settings: tree.settings!, now: now, keygen: SSHKeygen())
            XCTAssertEqual(verified.statuses.count, tree.requests.count)
            for request in tree.requests.prefix(200) {
                XCTAssertEqual(String(reflecting: verified.statuses[request.id]!.state), String(reflecting: try verifier.status(request).state), request.id)
            }
        }
        XCTAssertGreaterThan(openCounts.count, 2, "the times open different numbers of requests")
    }

    func testGenerateRefusesMissingOptionsAndAFullFolder() throws {
        let folder = try TestSupport.temporaryDirectory(self)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        XCTAssertTrue(cli.run(["bench", "generate", "--requests", "10"]).standardError.hasPrefix("error: --out DIR is required\n"))
        XCTAssertTrue(cli.run(["bench", "generate", "--out", "x"]).standardError.hasPrefix("error: --requests N is required\n"))
        XCTAssertTrue(cli.run(["bench", "generate", "--out", "x", "--requests", "many"]).standardError.hasPrefix("error: --requests needs a whole number; got 'many'\n"))
        try TestSupport.write(["full/file.txt": "x"], under: folder)
        XCTAssertEqual(cli.run(["bench", "generate", "--out", "full", "--requests", "10"]), CommandResult(exitCode: 1, standardError: "error: \(folder.path)/full is not empty; bench generate writes a new tree\n"))
    }

    /// `bench evaluate` answers with the same code as the commands: its answer lines are theirs.
    func testBenchEvaluateGivesTheCommandsAnswers() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        let folder = try TestSupport.temporaryDirectory(self)
        try TestSupport.copyBundledTree(to: folder)
        let cli = AccessCLI(environment: Fixtures.environment, currentDirectory: folder.path, clock: TestSupport.clock)
        let at = "2026-11-20T10:00:00Z"
        let result = cli.run(["bench", "evaluate", "lena.kraus", "write", "site:initech-staging", "--now", at, "--repeat", "1"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        let rows = result.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.first, "bench evaluate on access at \(at): 64 files (\(rows.first!.split(separator: "(")[1].split(separator: " ")[0]) KiB), 12 principals, 8 teams, 23 resources")
        // Each row's note, after the seconds.
        func note(_ name: String) -> String? {
            rows.first { $0.hasPrefix("  " + name + " ") }.map { $0.components(separatedBy: " s  ").dropFirst().joined(separator: " s  ") }
        }
        func last(_ text: String) -> String { String(text.split(separator: "\n").last!) }
        let check = cli.run(["check", "lena.kraus", "write", "site:initech-staging", "--at", at]).standardOutput
        XCTAssertEqual(note("check answer"), "median of 1; " + check.split(separator: "\n")[0])
        XCTAssertEqual(note("who-can answer"), "median of 1; " + last(cli.run(["who-can", "write", "site:initech-staging", "--at", at]).standardOutput))
        XCTAssertEqual(note("access answer"), "median of 1; " + last(cli.run(["access", "lena.kraus", "--at", at]).standardOutput))
        for name in ["read files (baseline)", "load and parse", "validate", "check as a command", "who-can as a command", "access as a command"] {
            XCTAssertNotNil(note(name), name)
        }
        let zero = cli.run(["bench", "evaluate", "lena.kraus", "write", "site:initech-staging", "--repeat", "0"])
        XCTAssertEqual(zero.exitCode, 64)
        XCTAssertTrue(zero.standardError.hasPrefix("error: --repeat needs a whole number above 0\n"), zero.standardError)
        XCTAssertEqual(cli.run(["bench", "evaluate", "lena.krause", "write", "site:initech-staging"]), CommandResult(exitCode: 1, standardError: "error: unknown principal 'lena.krause'; did you mean 'lena.kraus'?\n"))
        XCTAssertEqual(cli.run(["bench", "evaluate", "lena.kraus", "write", "site:nowhere"]), CommandResult(exitCode: 1, standardError: "error: unknown resource 'site:nowhere'\n"))
    }
}
