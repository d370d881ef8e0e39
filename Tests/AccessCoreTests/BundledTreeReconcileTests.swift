import Foundation
import XCTest

@testable import AccessCore

/// The README's main job on the bundled tree: its committed state and audit log are what
/// reconcile really writes, and a later run applies the expiry due by then.
final class BundledTreeReconcileTests: XCTestCase {
    private var copy: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(SSHKeygen().isAvailable, "ssh-keygen (OpenSSH) is not installed")
        copy = try TestSupport.temporaryDirectory(self).appendingPathComponent("access")
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent("access"), to: copy)
    }

    private func run(_ arguments: [String]) -> CommandResult {
        AccessCLI(environment: ProcessInfo.processInfo.environment, currentDirectory: copy.deletingLastPathComponent().path).run(arguments)
    }

    func testCommittedStateAndAuditAreWhatReconcileWrites() throws {
        XCTAssertEqual(run(["audit", "verify", "--root", "access"]).exitCode, 0)
        for folder in ["state", "audit"] { try FileManager.default.removeItem(at: copy.appendingPathComponent(folder)) }
        let result = run(["reconcile", "--root", "access", "--now", "2026-11-23T04:00:00Z"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasSuffix("Applied at 2026-11-23T04:00:00Z: 10 granted, 0 changed, 0 removed; 30 audit events appended (head sha256:86dca26c1737203edd7214a3c9013f8eb31f2151ac75616aacb98c6c4423633e).\n"), result.standardOutput)
        for file in [StateFile.relativePath, AuditLog.relativePath] {
            let committed = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("access").appendingPathComponent(file), encoding: .utf8)
            assertText(try String(contentsOf: copy.appendingPathComponent(file), encoding: .utf8), committed, file)
        }
    }

    func testLaterRunRemovesTheExpiredConsultantGrant() throws {
        let result = run(["reconcile", "--root", "access", "--now", "2026-11-29T04:00:00Z"])
        XCTAssertEqual(result.exitCode, 0, result.standardError)
        assertText(result.standardOutput, """
            Plan at 2026-11-29T04:00:00Z (last run 2026-11-23T04:00:00Z):

            - request/initech-migration-2026-11 (expired)
                principal  lena.kraus
                grants     role consultant
                resources  company:initech-hq, site:initech-staging
                window     2026-11-17T08:00:00Z to 2026-11-28T18:00:00Z
                source     request initech-migration-2026-11, approved by ian.wright
                why        expired at 2026-11-28T18:00:00Z

            Plan: 0 to grant, 0 to change, 1 to remove.
            Applied at 2026-11-29T04:00:00Z: 0 granted, 0 changed, 1 removed; 2 audit events appended (head \(try StateFile.read(path: copy.appendingPathComponent(StateFile.relativePath).path, display: "")!.auditHash)).

            """)
        let markdown = run(["plan", "--root", "access", "--now", "2026-12-01T00:00:00Z", "--format", "markdown"])
        assertText(markdown.standardOutput, "### accessctl plan\n\nAt `2026-12-01T00:00:00Z`: **No changes. The grants in force match the access tree.**\n")
    }

    func testAuditShowFilters() throws {
        assertText(run(["audit", "show", "--root", "access", "--request", "acme-backup-debug-2026-11-22"]).standardOutput, """
            #1 2026-11-23T04:00:00Z request.submitted request acme-backup-debug-2026-11-22
                requested by jane.doe: site:acme-prod ("Nightly backups fail on the production site, ticket 4521")
            #2 2026-11-23T04:00:00Z request.approved request acme-backup-debug-2026-11-22
                approved by bob.owens, alice.nguyen under policy support-production: role support-readonly and actions console, 2026-11-22T09:30:00Z to 2026-11-22T13:30:00Z
            #3 2026-11-23T04:00:00Z request.expired request acme-backup-debug-2026-11-22
                approved window ended at 2026-11-22T13:30:00Z
            3 events of 30.

            """)
        XCTAssertEqual(run(["reconcile", "--root", "access", "--now", "2026-11-29T04:00:00Z"]).exitCode, 0)
        assertText(run(["audit", "show", "--root", "access", "--principal", "lena.kraus", "--since", "2026-11-24T00:00:00Z"]).standardOutput, """
            #31 2026-11-29T04:00:00Z request.expired request initech-migration-2026-11
                approved window ended at 2026-11-28T18:00:00Z
            #32 2026-11-29T04:00:00Z grant.expired request initech-migration-2026-11
                request/initech-migration-2026-11 removed: expired at 2026-11-28T18:00:00Z
            2 events of 32.

            """)
        XCTAssertEqual(run(["audit", "show", "--root", "access", "--since", "yesterday"]).exitCode, 64)
    }
}
