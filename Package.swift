// swift-tools-version:6.0
// accessctl: file-based GitOps access manager. Foundation only: no package dependencies.
//
// The library targets are the architecture; each depends only on the layers below it, and
// SwiftPM refuses a cycle (the graph is drawn in the docs' overview, AccessCore.md):
//   AccessFormats  YAML subset, JSON, canonical JSON, SHA-256, Mustache, diagnostics, platform calls
//   AccessModel    manifest kinds, decoding, the loaded tree, decision payloads
//   AccessPolicy   authority, signature verification (ssh-keygen), evaluation, validation
//   AccessLedger   reconcile, plan, state, audit log
//   AccessNotify   delivering notifications: webhook (URLSession), email (sendmail)
//   AccessReport   the static HTML report
//   AccessBench    synthetic trees for the benchmarks
//   AccessCore     the command line as a library (commands, one error presenter) and the docs
import PackageDescription

let package = Package(
    name: "accessctl",
    products: [
        .executable(name: "accessctl", targets: ["accessctl"]),
        .library(name: "AccessCore", targets: ["AccessCore"]),
    ],
    targets: [
        .target(name: "AccessFormats"),
        .target(name: "AccessModel", dependencies: ["AccessFormats"]),
        .target(name: "AccessPolicy", dependencies: ["AccessFormats", "AccessModel"]),
        .target(name: "AccessLedger", dependencies: ["AccessFormats", "AccessModel", "AccessPolicy"]),
        .target(name: "AccessNotify", dependencies: ["AccessFormats", "AccessModel", "AccessPolicy", "AccessLedger"]),
        .target(name: "AccessReport", dependencies: ["AccessFormats", "AccessModel", "AccessPolicy", "AccessLedger"]),
        .target(name: "AccessBench", dependencies: ["AccessFormats", "AccessModel", "AccessPolicy"]),
        .target(name: "AccessCore", dependencies: ["AccessFormats", "AccessModel", "AccessPolicy", "AccessLedger", "AccessNotify", "AccessReport", "AccessBench"]),
        .executableTarget(name: "accessctl", dependencies: ["AccessCore"]),
        // accessctl with a write observer that kills it at a chosen step: for the crash tests.
        .executableTarget(name: "accessctl-crashing", dependencies: ["AccessCore", "AccessFormats", "AccessModel", "AccessLedger"], path: "Tests/CrashingAccessctl"),
        // What the tests share: fixture paths, the fixed clock, the small tree, fake signatures.
        .target(name: "AccessTestSupport", dependencies: ["AccessFormats", "AccessModel", "AccessPolicy"], path: "Tests/AccessTestSupport"),
        // Logic tests: in memory, no ssh-keygen (formats, model values, decision rules, diagnostics, the error presenter).
        .testTarget(
            name: "AccessLogicTests",
            dependencies: ["AccessFormats", "AccessModel", "AccessPolicy", "AccessLedger", "AccessReport", "AccessCore", "AccessTestSupport"]
        ),
        // End-to-end command tests on temporary trees, and integration tests with the real ssh-keygen.
        .testTarget(
            name: "AccessCommandTests",
            dependencies: ["AccessFormats", "AccessModel", "AccessPolicy", "AccessLedger", "AccessNotify", "AccessReport", "AccessBench", "AccessCore", "AccessTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
