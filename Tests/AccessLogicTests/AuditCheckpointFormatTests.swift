import Testing

@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy

/// The checkpoint's per-event and per-request lines (`L`, `D`, `E`) are read from bytes; a
/// checkpoint of random history reads back to the same history, and a line one byte away
/// from their shape is refused as before (the whole checkpoint is ignored).
@Suite struct AuditCheckpointFormatTests {
    static func sealed(_ body: String) -> [UInt8] {
        Array("\(AuditCheckpoint.magic)\n\(SHA256.hex(Array(body.utf8)))\n\(body)".utf8)
    }

    /// A random checkpoint; unless `clean`, some of its values hold a tab or line break.
    static func checkpoint(_ random: inout SeededRandom, clean: Bool = true) -> AuditCheckpoint {
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
        if random.below(2) == 0 { history.lastTime = Timestamp(seconds: Int64(1_790_000_000 + random.below(1_000_000))) }
        for n in 0..<random.below(4) {
            let key = "grant-\(n)\(!clean && random.below(3) == 0 ? "\tx" : "")"
            history.grants[key] = GrantRecord(
                key: key, principal: "p\(n)", sourceKind: .request, sourceID: "r\(n)", role: "reader", actions: [], resources: ["site:a"],
                validFrom: Timestamp(seconds: 1_790_000_000), validTo: nil)
        }
        for n in 0..<random.below(4) { history.firstSeen["r\(n) approve ann"] = Timestamp(seconds: Int64(1_790_000_000 + n)) }
        for n in 0..<random.below(3) { history.trustedConfigurations.append("sha256:\(n)\(!clean && random.below(9) == 0 ? ["\n", "\r"][random.below(2)] : "")") }
        for n in 0..<random.below(3) {
            var record = ReviewRecord()
            record.anchor = Timestamp(seconds: Int64(1_790_000_000 + n))
            history.reviews["review-\(n)"] = record
        }
        return AuditCheckpoint(length: 100, last: last, history: history)
    }

    /// The encoding as it was written before it wrote bytes: every field checked, each line
    /// a string, the lines joined. The byte encoding must give the same file.
    static func referenceEncoding(_ c: AuditCheckpoint) -> [UInt8]? {
        let history = c.history
        var body: [String] = [String(c.length), c.last.line]
        func add(_ fields: String...) -> Bool {
            guard fields.allSatisfy({ !$0.contains(ascii: "\t") && !$0.contains(ascii: "\n") && !$0.contains(ascii: "\r") }) else { return false }
            body.append(fields.joined(separator: "\t"))
            return true
        }
        var ok = true
        if let time = history.lastTime { ok = ok && add("T", time.description) }
        for key in history.grants.keys.sorted() { ok = ok && add("G", key, CanonicalJSON.encode(history.grants[key]!.json)) }
        for request in history.ended.keys.sorted() {
            let end = history.ended[request]!
            ok = ok && add("E", request, end.cause.rawValue, end.time.description)
        }
        for key in history.logged.map(\.hex).sorted() { ok = ok && add("L", key) }
        for request in history.specDigests.keys.sorted() { ok = ok && add("D", request, history.specDigests[request]!) }
        for key in history.firstSeen.keys.sorted() { ok = ok && add("S", key, history.firstSeen[key]!.description) }
        for digest in history.trustedConfigurations { ok = ok && add("C", digest) }
        for key in history.reviews.keys.sorted() { ok = ok && add("R", key, CanonicalJSON.encode(history.reviews[key]!.json)) }
        guard ok else { return nil }
        let bodyBytes = Array((body.joined(separator: "\n") + "\n").utf8)
        return Array("\(AuditCheckpoint.magic)\n\(SHA256.hex(bodyBytes))\n".utf8) + bodyBytes
    }

    @Test func theByteEncodingIsTheStringEncoding() {
        var random = SeededRandom(state: 7_2026)
        var refused = 0
        for _ in 0..<300 {
            let c = Self.checkpoint(&random, clean: false)
            let expected = Self.referenceEncoding(c)
            #expect(c.encoded == expected)
            if expected == nil { refused += 1 }
        }
        // Some histories hold a tab or line break, which no checkpoint can carry.
        #expect(refused > 10 && refused < 250)
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
