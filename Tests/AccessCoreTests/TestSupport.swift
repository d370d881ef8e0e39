import Foundation
import XCTest

@testable import AccessCore

/// Test helpers shared by all suites.
enum TestSupport {
    /// The Fixtures folder beside this file.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The repository root (for the bundled `access/` tree and templates).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

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

    /// Writes `files` (relative path to content) under `root`.
    static func write(_ files: [String: String], under root: URL) throws {
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
    }
}

/// Compares two texts in full and, when they differ, shows a line diff that is easy to read.
func assertText(_ actual: String, _ expected: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual != expected else { return }
    let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
    var diff = ""
    for i in 0..<max(a.count, e.count) {
        let x = i < a.count ? a[i] : "<missing>", y = i < e.count ? e[i] : "<missing>"
        if x == y {
            diff += "   \(y)\n"
        } else {
            diff += " - \(y)\n + \(x)\n"
        }
    }
    XCTFail("\(message)\ntext differs (- expected, + actual):\n\(diff)", file: file, line: line)
}
