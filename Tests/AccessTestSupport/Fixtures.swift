import Foundation
import AccessModel

/// Where the tests' data is, and the fixed time every test runs at.
package enum Fixtures {
    /// `Tests/Fixtures`: YAML and JSON cases, the Mustache spec, the bundled run's golden files.
    package static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The repository root (for the bundled `access/` tree, templates and docs).
    package static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The time of the bundled run: the committed `access/state` and `access/audit` (and the
    /// golden copies in `Fixtures/bundled`) are what reconcile writes at this `--now`.
    package static let bundledRunTime = "2026-12-01T04:00:00Z"

    /// The clock every in-process command gets: tests never read the wall clock, so a
    /// command run without `--now` answers the same on any date.
    package static let clock: @Sendable () -> Timestamp = { Timestamp(rfc3339: bundledRunTime)! }

    /// This process's environment without the user's cache: commands run by tests never read
    /// or write `~/.cache/accessctl` (tests that use the cache name their own folder).
    package static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ACCESSCTL_CACHE"] = "off"
        return environment
    }
}

/// A line diff of two texts that is easy to read, or nil when they are equal.
package func textDifference(_ actual: String, _ expected: String) -> String? {
    guard actual != expected else { return nil }
    let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
    var diff = ""
    for i in 0..<max(a.count, e.count) {
        let x = i < a.count ? a[i] : "<missing>", y = i < e.count ? e[i] : "<missing>"
        diff += x == y ? "   \(y)\n" : " - \(y)\n + \(x)\n"
    }
    return "text differs (- expected, + actual):\n" + diff
}
