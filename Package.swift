// swift-tools-version:6.0
// accessctl: file-based GitOps access manager. Foundation only: no package dependencies.
import PackageDescription

let package = Package(
    name: "accessctl",
    products: [
        .executable(name: "accessctl", targets: ["accessctl"]),
        .library(name: "AccessCore", targets: ["AccessCore"]),
    ],
    targets: [
        .target(name: "AccessCore"),
        .executableTarget(name: "accessctl", dependencies: ["AccessCore"]),
        .testTarget(
            name: "AccessCoreTests",
            dependencies: ["AccessCore"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
