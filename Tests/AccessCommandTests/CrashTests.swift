import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// Kills `accessctl reconcile` with SIGKILL at every step of its writes and at random
/// moments; after each kill, state and audit must verify, and the next run must end with
/// files byte-identical to a run that was never interrupted.
final class CrashTests: ReconcileTestCase {
    private var executable: URL!

    override func extraFiles() -> [String: String?] {
        var files: [String: String?] = [:]
        for n in 1...6 {
            files["requests/sam-\(n).yaml"] = TreeFixture.files["requests/sam-debug.yaml"]!
                .replacingOccurrences(of: "sam-debug", with: "sam-\(n)").replacingOccurrences(of: "Debug ticket 1", with: "Ticket \(n)")
                .replacingOccurrences(of: "duration: 4h", with: "duration: \(n)h")
        }
        return files
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        executable = try TestSupport.executable("accessctl-crashing")
    }

    /// Starts reconcile in its own process; returns it running.
    private func start(_ root: URL, now: String, crashAt: Reconciler.WriteStep? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        // With an anchor beside the tree: a kill between the state and the anchor (the
        // after-state step) leaves the anchor one run behind, which the next run accepts.
        process.arguments = [crashAt?.rawValue ?? "none", "reconcile", "--root", root.path, "--now", now, "--anchor", root.path + ".anchor.json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // A run killed at a random moment cannot remove its temporary folders (for signature
        // checks and mail); they go in the test's own folder, removed with it, not in /tmp. So
        // does the audit checkpoint cache, which runs otherwise keep in the user's ~/.cache.
        let scratch = root.deletingLastPathComponent().appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        process.environment = ProcessInfo.processInfo.environment.merging([
            "TMPDIR": scratch.path, "ACCESSCTL_CACHE": root.deletingLastPathComponent().appendingPathComponent("cache").path,
        ]) { $1 }
        try process.run()
        return process
    }

    private func files(_ root: URL) -> [String] {
        [StateFile.relativePath, AuditLog.relativePath].map { (try? String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) ?? "<missing>" }
            + [(try? String(contentsOfFile: root.path + ".anchor.json", encoding: .utf8)) ?? "<missing>"]
    }

    func testKilledRunsStayConsistentAndConverge() throws {
        for n in 1...6 { decide("approve", "sam-\(n)", by: n % 2 == 0 ? "ann" : "olga", at: "2026-11-22T09:30:00Z") }
        let reference = tree.root.deletingLastPathComponent().appendingPathComponent("reference")
        try FileManager.default.copyItem(at: tree.root, to: reference)
        let nows = (9...15).map { String(format: "2026-11-22T%02d:40:00Z", $0) }
        var seed: UInt64 = 20261123
        func random(_ bound: Double) -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53) * bound
        }
        var kills = 0
        for now in nows {
            // The reference run, never interrupted.
            // A monotonic timer, only to pick kill moments; outcomes are pinned by --now.
            let started = DispatchTime.now().uptimeNanoseconds
            let clean = try start(reference, now: now)
            clean.waitUntilExit()
            XCTAssertEqual(clean.terminationStatus, 0)
            let fullRun = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let expected = files(reference)

            var attempts: [(Reconciler.WriteStep?, Double)] = Reconciler.WriteStep.allCases.map { ($0, 0) }
            attempts += (0..<3).map { _ in (nil, random(fullRun)) }
            for (point, delay) in attempts {
                let process = try start(tree.root, now: now, crashAt: point)
                if point == nil {
                    Thread.sleep(forTimeInterval: delay)
                    kill(process.processIdentifier, SIGKILL)
                }
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { kills += 1 }
                let check = verify()
                XCTAssertEqual(check.exitCode, 0, "after a kill at \(point?.rawValue ?? "\(delay)s") on \(now): \(check.standardError)")
            }
            let recovery = try start(tree.root, now: now)
            recovery.waitUntilExit()
            XCTAssertEqual(recovery.terminationStatus, 0)
            XCTAssertEqual(files(tree.root), expected, "after recovery at \(now)")
            XCTAssertEqual(verify().standardError, "", "no interrupted run is left over at \(now)")
        }
        XCTAssertGreaterThanOrEqual(kills, nows.count * Reconciler.WriteStep.allCases.count, "every crash point killed its run")
        XCTAssertEqual(try grantKeys(), ["binding/ann-admin/ann", "role/ann/admin"], "all six requests expired in the end")
    }
}
