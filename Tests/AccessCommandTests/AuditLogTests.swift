import Foundation
import XCTest

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// The audit log's chain: every single-line edit, deletion or move is detected.
final class AuditLogTests: XCTestCase {
    private var root: URL!
    private var lines: [String] = []

    /// A 50-line log (30 grants activated, then 20 of them expired) and the state it leads to.
    override func setUpWithError() throws {
        root = try TestSupport.temporaryDirectory(self).appendingPathComponent("tree")
        var history = AuditHistory()
        var events: [AuditEvent] = []
        func add(_ name: String, _ k: Int) {
            let grant = GrantRecord(
                key: "request/r\(k)", principal: "p\(k)", sourceKind: .request, sourceID: "r\(k)", role: "reader", actions: [], resources: ["site:s\(k)"],
                validFrom: Timestamp(seconds: 1_790_000_000), validTo: Timestamp(seconds: 1_790_003_600), approvers: ["ann"], policy: "support")
            var event = AuditEvent(
                time: Timestamp(seconds: 1_790_000_000 + Int64(events.count) * 60), event: name, request: "r\(k)", principal: "p\(k)", resources: grant.resources,
                details: [("key", .string(grant.key)), ("grant", grant.json)] + (name == "grant.expired" ? [("reason", .string("expired"))] : []))
            event.chain(after: events.last)
            events.append(event)
            history.apply(event)
        }
        for k in 0..<30 { add("grant.activated", k) }
        for k in 0..<20 { add("grant.expired", k) }
        try LedgerStore(root: root.path, displayRoot: "").append(events, replacingFrom: 0)
        let state = StateFile(lastRun: events.last!.time, auditSeq: 50, auditHash: events.last!.hash, grants: Array(history.grants.values))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("state"), withIntermediateDirectories: true)
        try AtomicFile.write(Array(state.text.utf8), to: root.appendingPathComponent(StateFile.relativePath).path)
        lines = try String(contentsOf: root.appendingPathComponent(AuditLog.relativePath), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 50)
    }

    private func verify(_ changed: [String]) throws -> CommandResult {
        try Data(changed.map { $0 + "\n" }.joined().utf8).write(to: root.appendingPathComponent(AuditLog.relativePath))
        return AccessCLI(environment: [:], currentDirectory: root.deletingLastPathComponent().path, clock: TestSupport.clock).run(["audit", "verify", "--root", "tree"])
    }

    func testIntactLogVerifies() throws {
        let result = try verify(lines)
        XCTAssertEqual(result, CommandResult(exitCode: 0, standardOutput: """
            tree/audit/log.jsonl: 50 events, chain verified; head \(try AuditLog.parse(Array((lines.joined(separator: "\n") + "\n").utf8)).head) (line 50).
            tree/state/grants.json: matches the log up to line 50: 10 grants, last run 2026-09-21T15:02:20Z.

            """))
    }

    func testEveryLineEditedDeletedOrMovedIsDetected() throws {
        for i in 0..<50 {
            var edited = lines
            edited[i] = edited[i].replacingOccurrences(of: "\"principal\":\"p", with: "\"principal\":\"q")
            XCTAssertNotEqual(edited[i], lines[i])
            let afterEdit = try verify(edited)
            XCTAssertEqual(afterEdit.exitCode, 1, "edit of line \(i + 1)")
            XCTAssertTrue(afterEdit.standardError.hasPrefix("tree/audit/log.jsonl:\(i + 1):1: error: the audit log's chain is broken at line \(i + 1): "), afterEdit.standardError)

            var spaced = lines
            spaced[i] = spaced[i].replacingOccurrences(of: ",\"time\"", with: ", \"time\"")
            XCTAssertTrue((try verify(spaced)).standardError.contains(":\(i + 1):1: error: the audit log's chain is broken at line \(i + 1): the line is not in canonical form"), "whitespace in line \(i + 1)")

            var deleted = lines
            deleted.remove(at: i)
            let afterDelete = try verify(deleted)
            XCTAssertEqual(afterDelete.exitCode, 1, "deletion of line \(i + 1)")
            if i < 49 {
                XCTAssertTrue(afterDelete.standardError.hasPrefix("tree/audit/log.jsonl:\(i + 1):1: error: the audit log's chain is broken at line \(i + 1): seq is \(i + 2), expected \(i + 1)"), afterDelete.standardError)
            } else {
                XCTAssertTrue(afterDelete.standardError.hasPrefix("tree/state/grants.json: error: the state names audit line 50 with hash"), afterDelete.standardError)
            }

            var moved = lines
            let j = i < 49 ? i + 1 : i - 1
            moved.swapAt(i, j)
            let afterMove = try verify(moved)
            XCTAssertEqual(afterMove.exitCode, 1, "move of line \(i + 1)")
            XCTAssertTrue(afterMove.standardError.hasPrefix("tree/audit/log.jsonl:\(min(i, j) + 1):1: error: "), afterMove.standardError)
        }
    }

    /// The append writes a megabyte at a time: the file holds exactly the lines a single write
    /// of all of them would, and a write stopped after N bytes leaves exactly N of them.
    func testAppendingInChunksWritesTheSameBytes() throws {
        var events: [AuditEvent] = []
        for k in 0..<6000 {
            var event = AuditEvent(
                time: Timestamp(seconds: 1_790_000_000 + Int64(k)), event: "request.submitted", request: "r\(k)", principal: "p\(k % 7)", resources: ["site:s\(k)"],
                details: [("reason", .string(String(repeating: "x", count: k % 300)))])
            event.chain(after: events.last)
            events.append(event)
        }
        let expected = Array(events.map { $0.line + "\n" }.joined().utf8)
        XCTAssertGreaterThan(expected.count, 2 * LedgerStore.appendChunk, "the lines span several chunks")
        let folder = try TestSupport.temporaryDirectory(self)
        let store = LedgerStore(root: folder.path, displayRoot: "")
        XCTAssertEqual(try store.append(events, replacingFrom: 0), expected.count)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: store.logPath))), expected)
        XCTAssertEqual(try AuditLog.parse(expected).count, 6000)
        // Stopped inside the second chunk, as the crash tests tear an append.
        let stop = LedgerStore.appendChunk + 12345
        XCTAssertEqual(try store.append(events, replacingFrom: 0, stopAfter: stop), stop)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: store.logPath))), Array(expected.prefix(stop)))
        // Appending after a torn tail replaces it.
        let head = events.prefix(10).map { $0.line.utf8.count + 1 }.reduce(0, +)
        XCTAssertEqual(try store.append(Array(events.dropFirst(10)), replacingFrom: head), expected.count - head)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: store.logPath))), expected)
    }

    /// A long log is read on every core; the first bad line is still the one named, with the
    /// message a line-by-line read gives, whatever comes after it. Read here with one, two and
    /// three workers (a log of 4,096 lines or more gets one per core).
    func testALogReadInParallelNamesTheFirstBadLine() throws {
        var events: [AuditEvent] = []
        for k in 0..<300 {
            var event = AuditEvent(
                time: Timestamp(seconds: 1_790_000_000 + Int64(k)), event: "request.submitted", request: "r\(k)", principal: "p\(k % 7)", resources: ["site:s\(k)"])
            event.chain(after: events.last)
            events.append(event)
        }
        let lines = events.map(\.line)
        func problem(_ lines: [String]) -> String? {
            let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
            var answers: [String?] = []
            for workers in 1...3 {
                do throws(AuditLog.Problem) {
                    answers.append("\(try AuditLog.parse(bytes, workers: workers).count) events")
                } catch {
                    answers.append("\(error.line): \(error.message)")
                }
            }
            XCTAssertEqual(Set(answers).count, 1, "\(answers)")
            return answers[0]
        }
        XCTAssertEqual(problem(lines), "300 events")
        var edited = lines
        edited[250] = "not json"
        edited[150] = edited[150].replacingOccurrences(of: "\"r150\"", with: "\"r999\"")
        XCTAssertEqual(problem(edited), "151: hash does not match the line's content: the line was edited")
        var deleted = lines
        deleted.remove(at: 200)
        deleted[280] = "{"
        XCTAssertEqual(problem(deleted), "201: seq is 202, expected 201: a line was removed, added or moved")
        var broken = lines
        broken[298] = "{"
        XCTAssertEqual(problem(broken)?.hasPrefix("299: not valid JSON: "), true, problem(broken) ?? "")
        var spaced = lines
        spaced[100] = spaced[100].replacingOccurrences(of: ",\"time\"", with: ", \"time\"")
        spaced[101] = "{"
        XCTAssertEqual(problem(spaced), "101: the line is not in canonical form (edited by hand?)")
    }

    func testEditedLineMessageInFull() throws {
        var edited = lines
        edited[16] = edited[16].replacingOccurrences(of: "\"site:s16\"", with: "\"site:s99\"")
        XCTAssertEqual(try verify(edited), CommandResult(exitCode: 1, standardError: "tree/audit/log.jsonl:17:1: error: the audit log's chain is broken at line 17: hash does not match the line's content: the line was edited\n"))
    }

    func testReconcileRefusesToAppendToABrokenChain() throws {
        try TestSupport.write(TreeFixture.files, under: root)
        var edited = lines
        edited[3] = edited[3].replacingOccurrences(of: "\"role\":\"reader\"", with: "\"role\":\"admin\"")
        _ = try verify(edited)
        let before = try Data(contentsOf: root.appendingPathComponent(AuditLog.relativePath))
        let result = AccessCLI(environment: [:], currentDirectory: root.deletingLastPathComponent().path, clock: TestSupport.clock).run(["reconcile", "--root", "tree", "--now", "2026-11-22T10:00:00Z"])
        XCTAssertEqual(result, CommandResult(exitCode: 1, standardError: "tree/audit/log.jsonl:4:1: error: the audit log's chain is broken at line 4: hash does not match the line's content: the line was edited. accessctl will not append to a broken log; restore it from git history\n"))
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent(AuditLog.relativePath)), before)
    }

    func testInterruptedRunIsANoteNotAnError() throws {
        // The state written after line 40; lines 41-50 and a torn 51st are what a run killed
        // after its append (and one killed during the next append) leave.
        let events = try AuditLog.parse(Array((lines.joined(separator: "\n") + "\n").utf8)).events
        let grants = AuditHistory(events.prefix(40)).grants
        let state = StateFile(lastRun: events[39].time, auditSeq: 40, auditHash: events[39].hash, grants: Array(grants.values))
        try AtomicFile.write(Array(state.text.utf8), to: root.appendingPathComponent(StateFile.relativePath).path)
        var torn = lines
        torn.append("{\"actor\":")
        try Data((torn.joined(separator: "\n")).utf8).write(to: root.appendingPathComponent(AuditLog.relativePath))
        let result = AccessCLI(environment: [:], currentDirectory: root.deletingLastPathComponent().path, clock: TestSupport.clock).run(["audit", "verify", "--root", "tree"])
        XCTAssertEqual(result.exitCode, 0)
        assertText(result.standardError, """
            note: the log ends in a partial line (9 bytes) from an interrupted run; the next reconcile removes it
            note: 10 events after the state's line 40 come from an interrupted run; the next reconcile completes it

            """)
        try FileManager.default.removeItem(at: root.appendingPathComponent(StateFile.relativePath))
        let noState = AccessCLI(environment: [:], currentDirectory: root.deletingLastPathComponent().path, clock: TestSupport.clock).run(["audit", "verify", "--root", "tree"])
        XCTAssertTrue(noState.standardError.hasSuffix("note: there is no tree/state/grants.json yet; the next reconcile writes it from the log\n"), noState.standardError)
    }
}
