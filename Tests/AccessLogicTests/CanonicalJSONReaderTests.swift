import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel

/// The one-pass canonical reader against the parser and the encoder it stands in for: it
/// reads a value exactly when the bytes are valid JSON whose canonical encoding is those
/// bytes, and then the value the parser reads; and the audit log's lines read through it say
/// what the parser and a second encoding say.
@Suite struct CanonicalJSONReaderTests {
    /// Keys and strings with what needs escaping, what must not be escaped, and several
    /// UTF-8 lengths.
    static let texts = [
        "", "a", "hash", "Hash", "prev", "z", "ö", "€", "😀", "\u{e000}", "\u{fb33}", "a\"b", "back\\slash", "/", "tab\there",
        "line\nbreak", "\r", "\u{0}", "\u{1f}", "\u{0b}", "\u{7f}", "\u{2028}", "e\u{301}", "é", "sha256:3c11f2c4", "</script>",
    ]
    /// Numbers in each of ECMAScript's spellings: whole, fraction, exponent, negative.
    static let numbers: [Double] = [0, 1, 7, 42, 100, 123_456_789_012_345, 1e15, 9_007_199_254_740_992, 1e21, 1e22, 0.5, -0.5, 1.25, -3, 1e-7, 0.000001, 333_333_333.33333329, -1e-30, .leastNonzeroMagnitude]

    static func value(_ r: inout SeededRandom, depth: Int = 0) -> JSONValue {
        switch r.below(depth > 3 ? 4 : 6) {
        case 0: return .string(texts[r.below(texts.count)] + (r.below(2) == 0 ? texts[r.below(texts.count)] : ""))
        case 1: return .number(numbers[r.below(numbers.count)])
        case 2: return [.null, .bool(true), .bool(false)][r.below(3)]
        case 3: return .number(Double(r.below(1_000_000)))
        case 4: return .array((0..<r.below(4)).map { _ in value(&r, depth: depth + 1) })
        default:
            var members: [(String, JSONValue)] = []
            var keys = texts
            for k in keys.indices.reversed() { keys.swapAt(k, r.below(k + 1)) }
            for key in keys.prefix(r.below(5)) { members.append((key, value(&r, depth: depth + 1))) }
            return .object(members)
        }
    }

    /// Byte edits that turn canonical JSON into other JSON (another spelling of the same
    /// value, or another value) or into text that is not JSON.
    static func mutate(_ bytes: [UInt8], _ r: inout SeededRandom) -> [UInt8] {
        var b = bytes
        let at = r.below(b.count + 1)
        let interesting: [UInt8] = Array("\"\\/u0aAFf,:{}[]-.eE+ \n".utf8) + [0x7F, 0x1F, 0x00, 0xC3, 0x80, 0xFF, 0xEF, 0xBB, 0xBF]
        let swaps: [(String, String)] = [
            ("\\n", "\\u000a"), ("\\u000f", "\\u000F"), ("\\u0000", "\\u0000\\u0000"), ("/", "\\/"), ("a", "\\u0061"), ("\\t", "\\u0009"),
            ("\\\"", "\\u0022"), ("1", "1.0"), ("1", "1e0"), ("1", "01"), ("0", "-0"), ("5", "5E0"), ("{}", "{ }"), ("[]", "[ ]"),
            ("ö", "\\u00f6"), ("😀", "\\ud83d\\ude00"), (":", ": "), (",", ", "), ("true", "True"), ("e-7", "e-07"), ("e+21", "e21"),
        ]
        switch r.below(7) {
        case 0: b.insert(interesting[r.below(interesting.count)], at: at)
        case 1: if !b.isEmpty { b.remove(at: min(at, b.count - 1)) }
        case 2: if !b.isEmpty { b[min(at, b.count - 1)] = interesting[r.below(interesting.count)] }
        case 3: if b.count > 1 { b.swapAt(min(at, b.count - 2), min(at, b.count - 2) + 1) }
        case 4:
            // Two members swapped: the same object, keys out of order (or a duplicate key).
            let text = String(decoding: b, as: UTF8.self)
            if let comma = text.firstIndex(of: ",") { b = Array((String(text[comma...].dropFirst()) + "," + text[..<comma]).utf8) }
        default:
            let (from, to) = swaps[r.below(swaps.count)]
            let text = String(decoding: b, as: UTF8.self)
            if let range = text.range(of: from) { b = Array(text.replacingCharacters(in: range, with: to).utf8) }
        }
        return b
    }

    /// What the reader must say of `bytes`: the parser's value when its encoding is `bytes`.
    static func expected(_ bytes: [UInt8]) -> JSONValue? {
        guard let parsed = try? JSONParser.parse(bytes: bytes, file: "t.json").json, CanonicalJSON.encodeBytes(parsed) == bytes else { return nil }
        return parsed
    }

    @Test func readsEveryValueTheEncoderWritesBack() {
        var r = SeededRandom(state: 8790)
        for _ in 0..<3000 {
            let bytes = CanonicalJSON.encodeBytes(Self.value(&r))
            let read = CanonicalJSONReader.read(bytes)
            #expect(read != nil, "\(String(decoding: bytes, as: UTF8.self))")
            if let read { #expect(CanonicalJSON.encodeBytes(read) == bytes) }
        }
    }

    /// RFC 8785's examples, in their canonical output: read, and nothing else of the input.
    @Test func readsTheRFCExamplesOutputs() throws {
        let outputs = [
            #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#,
            #"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}"#,
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7f}\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
        ]
        for output in outputs {
            let bytes = Array(output.utf8)
            let read = try #require(CanonicalJSONReader.read(bytes))
            #expect(read == Self.expected(bytes))
        }
        #expect(CanonicalJSONReader.read(Array(#"{"numbers": [1E30, 4.50]}"#.utf8)) == nil)
    }

    /// On 40,000 mutations of encoded values: read exactly when the parser reads a value
    /// whose encoding is the bytes, and then that value.
    @Test func readsExactlyTheCanonicalSpellings() {
        var r = SeededRandom(state: 8791)
        var read = 0, refused = 0
        for _ in 0..<4000 {
            var bytes = CanonicalJSON.encodeBytes(Self.value(&r))
            for _ in 0..<10 {
                bytes = Self.mutate(bytes, &r)
                let fast = CanonicalJSONReader.read(bytes), slow = Self.expected(bytes)
                #expect((fast == nil) == (slow == nil), "\(Array(bytes)) \(String(decoding: bytes, as: UTF8.self))")
                if let fast, let slow {
                    #expect(fast == slow && CanonicalJSON.encodeBytes(fast) == bytes)
                    read += 1
                } else {
                    refused += 1
                }
                if slow == nil, r.below(3) == 0 { bytes = CanonicalJSON.encodeBytes(Self.value(&r)) }
            }
        }
        // Both outcomes are exercised, not one.
        #expect(read > 2000 && refused > 10000, "read \(read), refused \(refused)")
    }

    /// As deep as the parser reads (64 levels) and no deeper.
    @Test func nestsAsDeepAsTheParser() {
        for depth in [63, 64, 65] {
            let bytes = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
            #expect((CanonicalJSONReader.read(bytes) != nil) == (depth <= 64))
            #expect((CanonicalJSONReader.read(bytes) != nil) == (Self.expected(bytes) != nil))
        }
    }

    /// The marked member's range is the one the encoder marks, wherever it sorts; a member of
    /// that name inside another value is not it.
    @Test func marksTheMemberTheEncoderMarks() {
        var r = SeededRandom(state: 8792)
        for _ in 0..<2000 {
            guard case .object(var members) = Self.value(&r, depth: 3) else { continue }
            if r.below(3) != 0, !members.contains(where: { $0.0 == "hash" }) { members.append(("hash", .string("sha256:\(r.below(100))"))) }
            if r.below(4) == 0 { members.append(("inner", .object([("hash", .string("no"))]))) }
            let encoded = CanonicalJSON.encodeBytes(members: members, markingMember: "hash")
            let read = CanonicalJSONReader.read(encoded.bytes, markingMember: "hash")
            #expect(read?.member == encoded.member)
        }
        #expect(CanonicalJSONReader.read(Array(#"[{"hash":1}]"#.utf8), markingMember: "hash")?.member == nil)
    }

    /// Audit lines read through the reader and through the parser and a second encoding say
    /// the same, line by line: the event, or the same problem, and whether the hash is the
    /// content's; on lines accessctl writes and on edited ones (an empty `resources` or
    /// `details`, which the event leaves out, numbers and times in other forms, members out of
    /// order or unknown, another hash, white space).
    @Test func auditLinesReadTheSameBothWays() {
        var r = SeededRandom(state: 8793)
        let edits: [(String, String)] = [
            (#""seq":"#, #""resources":[],"seq":"#), (#""event":"#, #""details":{},"event":"#), (#""seq":"#, #""seq":1.0,"x":"#),
            (#""time":"2026"#, #""time":"2026-11-23T00:00:00.000Z","t":"2026"#), (#""hash":"sha256:"#, #""hash":"sha256:0"#),
            (#""actor":"#, #""actor":null,"a":"#), (#""details":{"#, #""details":{"z":1,"#), (",", ", "), (#""seq":"#, #""seq":0"#),
            (#""hash":"#, #""hash":1,"h":"#), (#""event":"#, #""zzz":1,"event":"#),
        ]
        var fastLines = 0
        var previous: AuditEvent?
        for n in 0..<1500 {
            var event = AuditEvent(
                time: Timestamp(seconds: 1_795_000_000 + Int64(n)), event: ["request.approved", "grant.activated", "a\"b", "zzz"][r.below(4)],
                request: r.below(2) == 0 ? "r\(n)" : nil, principal: r.below(3) == 0 ? "ann" : nil,
                resources: r.below(2) == 0 ? (0...r.below(2)).map { "site:s\($0)" } : [], actor: r.below(2) == 0 ? "olga" : nil,
                details: r.below(2) == 0 ? [("hash", .string("x")), ("terms", .object([("role", .string("reader\n"))])), ("n", .number(1.5))] : [])
            event.chain(after: previous)
            previous = event
            var line = event.lineBytes
            if r.below(2) == 0 {
                let text = String(decoding: line, as: UTF8.self)
                let (from, to) = edits[r.below(edits.count)]
                if let range = text.range(of: from) { line = Array(text.replacingCharacters(in: range, with: to).utf8) }
                if r.below(4) == 0 { line = Self.mutate(line, &r) }
            }
            for content in [true, false] {
                let read = AuditLog.read(line, content: content), parsed = AuditLog.readParsed(line, content: content)
                #expect(Self.describe(read) == Self.describe(parsed), "\(String(decoding: line, as: UTF8.self))")
                if content, line == event.lineBytes { #expect(AuditLog.readCanonical(line, content: true) != nil) }
                if AuditLog.readCanonical(line, content: content) != nil { fastLines += 1 }
            }
        }
        #expect(fastLines > 1500, "\(fastLines) lines read in one pass")
    }

    static func describe(_ line: AuditLog.LineRead) -> String {
        switch line.event {
        case .success(let event): "event \(event.line) hash matches: \(line.hashMatches)"
        case .failure(let problem): "problem \(problem.message)"
        }
    }
}
