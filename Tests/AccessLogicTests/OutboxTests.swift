import Foundation
import XCTest

@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel

/// The outbox file's recovery rules: a torn last line never counts, coverage is read from
/// the end, and an item a crashed run wrote before its coverage line is read once.
final class OutboxTests: XCTestCase {
    private func item(_ id: String, seq: Int) -> NotificationItem {
        NotificationItem(
            id: id, seq: seq, kind: "request.approved", time: Timestamp(rfc3339: "2026-12-03T09:00:00Z")!, recipient: "sam", channels: [.inbox],
            request: "r1", requester: "sam", resources: ["site:acme-prod"], reason: nil, until: nil, text: "Approved.")
    }

    func testCoverageIsReadFromTheEndAndATornLineNeverCounts() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LedgerStore(root: root.path, displayRoot: "tree")
        XCTAssertNil(store.outboxCoverage(), "no outbox yet")
        try store.appendOutbox([item("n-1", seq: 3), item("n-2", seq: 5)], coveredSeq: 5)
        XCTAssertEqual(store.outboxCoverage(), 5)
        // A run that crashed mid-append: its item is whole, its coverage line torn.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store.outboxPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((CanonicalJSON.encode(item("n-3", seq: 7).json) + "\n{\"coveredSe").utf8))
        try handle.close()
        XCTAssertEqual(store.outboxCoverage(), 5, "the torn coverage line does not count")
        // The next run queues the same item again (same id) with its coverage line.
        try store.appendOutbox([item("n-3", seq: 7)], coveredSeq: 7)
        XCTAssertEqual(store.outboxCoverage(), 7)
        let read = try store.readOutbox()
        XCTAssertEqual(read.items.map(\.id), ["n-1", "n-2", "n-3"], "read once")
        XCTAssertEqual(read.coveredSeq, 7)
        XCTAssertFalse(try String(contentsOfFile: store.outboxPath, encoding: .utf8).contains("{\"coveredSe\n"), "the torn line was cut")
    }
}
