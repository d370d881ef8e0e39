import Foundation
import Testing

@testable import AccessCore
@testable import AccessFormats

/// `accessctl parse --canonical` prints exactly the RFC 8785 bytes, so its output piped to
/// sha256sum is the digest of the canonical form.
@Suite struct CanonicalOutputTests {
    @Test func parseCanonicalPrintsExactlyTheCanonicalBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("b: [x, 'y']\na: \"é\\u00e9\"\nc:\n".utf8).write(to: folder.appendingPathComponent("in.yaml"))
        let expected = Array(#"{"a":"éé","b":["x","y"],"c":null}"#.utf8)
        let cli = AccessCLI(environment: [:], currentDirectory: folder.path, clock: TestSupport.clock)
        let result = cli.run(["parse", "--canonical", "in.yaml"])
        #expect(result.exitCode == 0)
        #expect(Array(result.standardOutput.utf8) == expected)
        // The executable writes those bytes unchanged: no newline is added on the way out.
        let output = try TestSupport.runExecutable(["parse", "--canonical", "in.yaml"], in: folder)
        #expect(output.status == 0)
        #expect(output.standardOutput == expected)
        #expect(SHA256.hex(output.standardOutput) == SHA256.hex(expected))
    }
}
