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

/// A small valid access tree written to a temporary folder; tests change one file at a time.
struct TreeFixture {
    static let files = TreeFiles.files

    /// ann, sam and olga (a second owner) with their public keys.
    static func signers(_ publicKeys: [String: String]) -> [String: String?] { TreeFiles.signers(publicKeys) }

    let root: URL

    /// Writes the tree, with `changes` replacing or adding files (nil removes one).
    init(_ test: XCTestCase, changes: [String: String?] = [:]) throws {
        root = try TestSupport.temporaryDirectory(test).appendingPathComponent("tree")
        var files = Self.files
        for (path, content) in changes { files[path] = content }
        try TestSupport.write(files, under: root)
    }

    /// Runs accessctl in-process with the tree's parent as working directory, so paths print as `tree/...`.
    /// Runs a command in-process; the clock reads its `--now` when it has one (a run then),
    /// else the fixed test time.
    func run(_ arguments: [String]) -> CommandResult {
        AccessCLI(environment: environment, currentDirectory: root.deletingLastPathComponent().path, clock: TestSupport.clock(for: arguments)).run(arguments)
    }

    /// Runs a command as if the clock read `now` (RFC 3339): a lifecycle played in order.
    func run(_ arguments: [String], at now: String) -> CommandResult {
        let time = Timestamp(rfc3339: now)!
        return AccessCLI(environment: environment, currentDirectory: root.deletingLastPathComponent().path, clock: { time }).run(arguments)
    }

    /// The cache beside the tree, so every fixture run also exercises the audit checkpoint.
    var environment: [String: String] { ["ACCESSCTL_CACHE": root.deletingLastPathComponent().appendingPathComponent("cache").path] }

    /// `validate --root tree`.
    func validate() -> CommandResult { run(["validate", "--root", "tree"]) }
}
