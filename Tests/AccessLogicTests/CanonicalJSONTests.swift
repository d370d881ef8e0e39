import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// RFC 8785 (JCS): the examples of the RFC and its reference test data.
final class CanonicalJSONTests: XCTestCase {
    private func canonical(_ json: String) throws -> String {
        CanonicalJSON.encode(try JSONParser.parse(json).json)
    }

    /// RFC 8785 section 3.2.2 and testdata/values.json.
    func testValues() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        XCTAssertEqual(
            try canonical(input),
            #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    /// RFC 8785 section 3.2.3: sorting by UTF-16 code units (testdata/weird.json).
    func testPropertySorting() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control\u007f",
              "\u00f6": "Latin Small Letter O With Diaeresis",
              "</script>": "Browser Challenge"
            }
            """#
        // Bytes, not strings: String's == holds canonically equivalent text equal (U+FB33 and
        // U+05D3 U+05BC), which sort apart.
        XCTAssertEqual(
            Array(try canonical(input).utf8),
            Array(("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7f}\","
                + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
                + "\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}").utf8))
    }

    /// The key order's fast path (bytes, while they are ASCII) agrees with UTF-16 order on
    /// seeded random keys mixing ASCII, two-, three- and four-byte characters.
    func testKeyOrderAgreesWithUTF16() {
        let alphabet: [Character] = ["a", "b", "A", "1", "\u{7f}", "\u{80}", "ö", "€", "\u{e000}", "\u{fb33}", "\u{ffff}", "😀", "\u{10000}"]
        var random = SeededRandom(state: 8785)
        func key() -> String { String((0..<Int(random.next() % 4)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }) }
        for _ in 0..<5000 {
            let a = key(), b = key()
            XCTAssertEqual(CanonicalJSON.utf16Less(a, b), a.utf16.lexicographicallyPrecedes(b.utf16), "\(a.unicodeScalars.map(\.value)) \(b.unicodeScalars.map(\.value))")
        }
    }

    /// An object encoded once with one member's place marked: cutting that place out gives the
    /// encoding of the object without the member, wherever the member sorts (first, last, in
    /// between, alone) and whatever the other members hold (a nested member of the same name).
    func testMarkedMemberCutsOutToTheObjectWithoutIt() throws {
        let names = ["hash", "a", "actor", "prev", "zz", "Hash", "ö", "\u{e000}", "😀", "h"]
        var random = SeededRandom(state: 8786)
        for _ in 0..<3000 {
            var members: [(String, JSONValue)] = []
            for name in names where random.below(2) == 0 {
                let value: JSONValue = switch random.below(4) {
                case 0: .string("sha256:\(random.below(1000))")
                case 1: .number(Double(random.below(100)))
                case 2: .object([("hash", .string("inner")), ("b", .array([.null, .bool(true)]))])
                default: .array([])
                }
                members.append((name, value))
            }
            for k in members.indices.reversed() { members.swapAt(k, random.below(k + 1)) }
            let (bytes, member) = CanonicalJSON.encodeBytes(members: members, markingMember: "hash")
            XCTAssertEqual(bytes, CanonicalJSON.encodeBytes(.object(members)))
            guard let index = members.firstIndex(where: { $0.0 == "hash" }) else {
                XCTAssertNil(member)
                continue
            }
            let range = try XCTUnwrap(member)
            var without = members
            without.remove(at: index)
            XCTAssertEqual(Array(bytes[..<range.lowerBound]) + bytes[range.upperBound...], CanonicalJSON.encodeBytes(.object(without)), "\(members.map(\.0))")
        }
    }

    /// An audit event's line checked from one encoding says what the two encodings made apart
    /// say: canonical, and whether the hash is the content's.
    func testAuditLineAndHashedBytesFromOneEncoding() {
        var random = SeededRandom(state: 8787)
        for n in 0..<500 {
            var event = AuditEvent(
                seq: n + 1, time: Timestamp(seconds: 1_795_000_000 + Int64(n)), event: ["request.approved", "grant.added", "a", "zzz"][random.below(4)],
                request: random.below(2) == 0 ? "r\(n)" : nil, actor: random.below(2) == 0 ? "ann" : nil,
                details: random.below(2) == 0 ? [("hash", .string("x")), ("terms", .object([("role", .string("reader"))]))] : [],
                prev: "sha256:" + String(repeating: "0", count: 64))
            event.hash = event.computedHash
            XCTAssertTrue(event.check(line: event.lineBytes) == (true, true))
            var edited = event
            edited.hash = "sha256:" + String(repeating: "1", count: 64)
            XCTAssertTrue(edited.check(line: edited.lineBytes) == (true, false), "a hash that is not the content's")
            XCTAssertTrue(event.check(line: event.lineBytes + [0x20]) == (false, false), "bytes that are not the line")
        }
    }

    /// testdata/structures.json: nested objects and arrays.
    func testStructures() throws {
        let input = #"{"1": {"f": {"f": "hi","F": 5} ,"\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}"#
        XCTAssertEqual(try canonical(input), #"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}"#)
    }

    /// RFC 8785 Appendix B: IEEE 754 doubles and their ECMAScript serialization.
    func testNumberSerializationAppendixB() {
        let table: [(UInt64, String)] = [
            (0x0000_0000_0000_0000, "0"), (0x8000_0000_0000_0000, "0"),
            (0x0000_0000_0000_0001, "5e-324"), (0x8000_0000_0000_0001, "-5e-324"),
            (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"), (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"),
            (0x4340_0000_0000_0000, "9007199254740992"), (0xc340_0000_0000_0000, "-9007199254740992"),
            (0x4430_0000_0000_0000, "295147905179352830000"),
            (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"), (0x44b5_2d02_c7e1_4af6, "1e+23"),
            (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"),
            (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"), (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"),
            (0x444b_1ae4_d6e2_ef50, "1e+21"),
            (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"), (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
            (0x41b3_de43_5555_5553, "333333333.3333332"), (0x41b3_de43_5555_5554, "333333333.33333325"),
            (0x41b3_de43_5555_5555, "333333333.3333333"), (0x41b3_de43_5555_5556, "333333333.3333334"),
            (0x41b3_de43_5555_5557, "333333333.33333343"),
            (0xbecb_f647_612f_3696, "-0.0000033333333333333333"),
            (0x4314_3ff3_c1cb_0959, "1424953923781206.2"),
            (0x4340_0000_0000_0001, "9007199254740994"), (0x4340_0000_0000_0002, "9007199254740996"),
        ]
        for (bits, expected) in table {
            XCTAssertEqual(CanonicalJSON.formatNumber(Double(bitPattern: bits)), expected, String(bits, radix: 16))
        }
    }

    func testPrettyOutputKeepsOrderOrSorts() {
        let value = JSONValue.object([("b", .array([.number(1), .null])), ("a", .object([]))])
        XCTAssertEqual(CanonicalJSON.pretty(value, sortKeys: false), "{\n  \"b\": [\n    1,\n    null\n  ],\n  \"a\": {}\n}\n")
        XCTAssertEqual(CanonicalJSON.pretty(value, sortKeys: true), "{\n  \"a\": {},\n  \"b\": [\n    1,\n    null\n  ]\n}\n")
    }
}
