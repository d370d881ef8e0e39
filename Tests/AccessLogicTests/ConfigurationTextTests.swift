import Testing

@testable import AccessFormats
@testable import AccessModel

/// A configuration manifest's spec text is written straight from its node; on random nodes
/// (YAML's strings and JSON's numbers, booleans and nulls, nested, keys that sort differently
/// in UTF-8 and UTF-16) it is RFC 8785's encoding of the spec's JSON with scalars as text.
@Suite struct ConfigurationTextTests {
    /// The definition: scalars as text, so `threshold: 2` in YAML and `"threshold": 2` in
    /// JSON are one value.
    static func textual(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null, .string: value
        case .bool(let b): .string(b ? "true" : "false")
        case .number: .string(CanonicalJSON.encode(value))
        case .array(let items): .array(items.map(textual))
        case .object(let members): .object(members.map { ($0.0, textual($0.1)) })
        }
    }

    static let keys = ["a", "b", "B", "role", "roles", "é", "\u{FB01}", "\u{1F600}", "z\u{10000}", "ab", "", "\"q\"", "tab\t", "\u{7F}"]
    static let texts = ["x", "2", "true", "line\nbreak", "quote\"", "back\\slash", "\u{1}", "é", "\u{2028}", ""]
    static let numbers: [Double] = [0, -0.0, 1, 2.5, 1e21, 1e-7, 123456789012, -3.75, 0.1]

    static func node(_ random: inout SeededRandom, depth: Int) -> Node {
        let at = SourceLocation(line: 1, column: 1)
        switch random.below(depth > 3 ? 5 : 7) {
        case 0: return Node(.null, at: at)
        case 1: return Node(.bool(random.below(2) == 0), at: at)
        case 2:
            let value = numbers[random.below(numbers.count)]
            return Node(.number(literal: "\(value)", value: value), at: at)
        case 3, 4: return Node(.string(texts[random.below(texts.count)]), at: at)
        case 5: return Node(.sequence((0..<random.below(4)).map { _ in node(&random, depth: depth + 1) }), at: at)
        default:
            var seen = Set<[UInt8]>()
            var entries: [Node.Entry] = []
            for _ in 0..<random.below(6) {
                let key = keys[random.below(keys.count)]
                guard seen.insert(Array(key.utf8)).inserted else { continue }
                entries.append(Node.Entry(key: key, keyLocation: at, value: node(&random, depth: depth + 1)))
            }
            return Node(.mapping(entries), at: at)
        }
    }

    @Test func writtenFromTheNodeAsEncodedFromItsJSON() {
        var random = SeededRandom(state: 61_000)
        var mappings = 0
        for _ in 0..<3000 {
            let node = Self.node(&random, depth: 0)
            #expect(ConfigurationEntry.canonicalText(node) == CanonicalJSON.encode(Self.textual(node.json)), "\(node.json)")
            if case .mapping(let entries) = node.value, entries.count > 1 { mappings += 1 }
        }
        #expect(mappings > 200)
    }
}
