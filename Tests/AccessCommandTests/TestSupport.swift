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

/// Test helpers shared by all suites.
enum TestSupport {
    static let fixtures = Fixtures.folder
    static let repositoryRoot = Fixtures.repositoryRoot
    static let bundledRunTime = Fixtures.bundledRunTime
    static let clock = Fixtures.clock

    /// The clock for one command line: its `--now` when it has one (the run happens then:
    /// reconcile refuses a --now ahead of the clock), else the fixed test time.
    static func clock(for arguments: [String]) -> @Sendable () -> Timestamp {
        guard let index = arguments.firstIndex(of: "--now"), index + 1 < arguments.count, let now = Timestamp(rfc3339: arguments[index + 1]) else { return clock }
        return { now }
    }

    /// Copies the bundled tree's manifests to `folder/access` and returns that URL. Never
    /// `state/` or `audit/`: the README's main job rewrites them in the working tree, so
    /// tests must not read them (the golden copies are in `Fixtures/bundled`).
    @discardableResult
    static func copyBundledManifests(to folder: URL, from source: URL = repositoryRoot.appendingPathComponent("access")) throws -> URL {
        let target = folder.appendingPathComponent("access")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !["state", "audit"].contains(name) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
        return target
    }

    /// The bundled tree as committed: its manifests plus the golden state and audit log of the bundled run.
    @discardableResult
    static func copyBundledTree(to folder: URL) throws -> URL {
        let target = try copyBundledManifests(to: folder)
        for (name, file) in [("state", "grants.json"), ("state", "configuration.json"), ("state", "outbox.jsonl"), ("audit", "log.jsonl")] {
            try FileManager.default.createDirectory(at: target.appendingPathComponent(name), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent("bundled").appendingPathComponent(file), to: target.appendingPathComponent(name).appendingPathComponent(file))
        }
        return target
    }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Makes one ed25519 key pair per name with `ssh-keygen -t ed25519 -N ''` in `dir`;
    /// returns the private key paths and the public key lines by name.
    static func makeKeys(_ names: [String], in dir: URL) throws -> (paths: [String: String], lines: [String: String]) {
        let keygen = SSHKeygen()
        var paths: [String: String] = [:], lines: [String: String] = [:]
        for name in names {
            let path = dir.appendingPathComponent(name).path
            let folder = try PrivateFolder()
            defer { folder.remove() }
            let result = try ProcessRunner.run(keygen.executable, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path], in: folder)
            guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.standardError]) }
            paths[name] = path
            lines[name] = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (paths, lines)
    }

    /// An executable of the package (`accessctl` unless named) that `swift test` builds beside the test bundle.
    static func executable(_ name: String = "accessctl") throws -> URL {
        let folders = [Bundle.main.executableURL, Bundle(for: BundleToken.self).bundleURL].compactMap { $0?.deletingLastPathComponent() }
        guard let found = folders.map({ $0.appendingPathComponent(name) }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the \(name) executable was not found beside the tests in \(folders.map(\.path))"])
        }
        return found
    }

    /// Runs the real executable in `folder` and returns its exit status and raw output bytes.
    /// `program` defaults to the built accessctl; `environment` to this process's.
    static func runExecutable(_ arguments: [String], in folder: URL, program: URL? = nil, environment: [String: String]? = nil) throws -> (status: Int32, standardOutput: [UInt8], standardError: [UInt8]) {
        let process = Process()
        process.executableURL = try program ?? executable()
        process.arguments = arguments
        process.environment = environment ?? Fixtures.environment
        process.currentDirectoryURL = folder
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(out), Array(err))
    }

    /// Writes `files` (relative path to content) under `root`.
    static func write(_ files: [String: String], under root: URL) throws {
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
    }
}

private final class BundleToken {}

/// Compares two texts in full and, when they differ, shows a line diff that is easy to read.
func assertText(_ actual: String, _ expected: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    if let difference = textDifference(actual, expected) { XCTFail("\(message)\n\(difference)", file: file, line: line) }
}
