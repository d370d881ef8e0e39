import Testing

@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel

/// The checkpoint's per-event and per-request lines (`L`, `D`, `E`) are read from bytes; a
/// checkpoint of random history reads back to the same history, and a line one byte away
/// from their shape is refused as before (the whole checkpoint is ignored).
@Suite struct AuditCheckpointFormatTests {
    static func sealed(_ body: String) -> [UInt8] {
        Array("\(AuditCheckpoint.magic)\n\(SHA256.hex(Array(body.utf8)))\n\(body)".utf8)
    }

    static func checkpoint(_ random: inout SeededRandom) -> AuditCheckpoint {
        var last = AuditEvent(seq: 1, time: Timestamp(seconds: 1_795_000_000), event: "request.submitted", request: "r1", prev: "sha256:" + String(repeating: "0", count: 64))
        last.hash = last.computedHash
        var history = AuditHistory()
        for n in 0..<random.below(40) {
            history.logged.insert(AuditHistory.LoggedKey(high: UInt64(random.below(1 << 30)) << 34 | UInt64(n), low: UInt64(random.below(1 << 30))))
        }
        for n in 0..<random.below(20) {
            history.specDigests["r\(n)"] = "sha256:" + String(repeating: "ab", count: 32)
        }
        for n in 0..<random.below(20) {
            history.ended["r\(n * 3)"] = (RemovalCause.allCases[random.below(RemovalCause.allCases.count)], Timestamp(seconds: Int64(1_790_000_000 + random.below(1_000_000))))
        }
        return AuditCheckpoint(length: 100, last: last, history: history)
    }

    static func same(_ a: AuditHistory, _ b: AuditHistory) -> Bool {
        a.logged == b.logged && a.specDigests == b.specDigests
            && a.ended.mapValues { "\($0.cause.rawValue) \($0.time)" } == b.ended.mapValues { "\($0.cause.rawValue) \($0.time)" }
    }

    @Test func randomHistoriesReadBack() throws {
        var random = SeededRandom(state: 3_2026)
        for _ in 0..<200 {
            let written = Self.checkpoint(&random)
            let encoded = try #require(written.encoded)
            let read = try #require(AuditCheckpoint.decode(encoded))
            #expect(Self.same(read.history, written.history))
            #expect(read.length == written.length)
        }
    }

    @Test(arguments: [
        "L\t+0000000000000ab0000000000000001", "L\t0000000000000ab0000000000000001", "L\t0000000000000ab00000000000000001x",
        "L\t0000000000000ab0 000000000000001", "L\t", "L", "D\tr1", "D\tr1\tsha256:x\textra", "E\tr1\texpired", "E\tr1\tgone\t2026-11-22T09:00:00Z",
        "E\tr1\texpired\tyesterday", "E\tr1\texpired\t2026-11-22T09:00:00Z\textra", "X\tr1",
    ])
    func malformedLinesAreRefused(line: String) throws {
        var random = SeededRandom(state: 9)
        let bytes = try #require(Self.checkpoint(&random).encoded)
        let encoded = String(decoding: bytes, as: UTF8.self)
        let body = encoded.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)[2]
        #expect(AuditCheckpoint.decode(Self.sealed(String(body))) != nil)
        #expect(AuditCheckpoint.decode(Self.sealed(String(body) + line + "\n")) == nil, "\(line)")
    }

    @Test func keysReadFromBytesAsFromText() {
        var random = SeededRandom(state: 12)
        for _ in 0..<500 {
            let key = AuditHistory.LoggedKey(high: UInt64(random.below(Int.max)), low: UInt64(random.below(Int.max)))
            #expect(AuditHistory.LoggedKey(hexBytes: ArraySlice(key.hex.utf8)) == key)
            #expect(AuditHistory.LoggedKey(hexBytes: ArraySlice(key.hex.uppercased().utf8)) == AuditHistory.LoggedKey(hex: key.hex.uppercased()))
            #expect(AuditHistory.LoggedKey(hexBytes: ArraySlice(key.hex.uppercased().utf8)) == key, "either case reads as the same key")
        }
    }
}
