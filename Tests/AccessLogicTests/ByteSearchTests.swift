import Testing

@testable import AccessFormats
@testable import AccessModel

/// Byte-level helpers that replaced character-level ones give the same answers: on random
/// strings of a small alphabet (so matches and near-matches are common), with non-ASCII
/// characters and canonically equivalent spellings among them.
@Suite struct ByteSearchTests {
    static let alphabet: [String] = ["a", "b", "-", ".", "_", "0", "Z", " ", "é", "e\u{301}", "K", "\u{212A}", "/", "ß"]

    static func randomString(_ random: inout SeededRandom, upTo length: Int) -> String {
        (0..<random.below(length + 1)).map { _ in alphabet[random.below(alphabet.count)] }.joined()
    }

    @Test func containsBytesIsASearchOfTheUTF8Bytes() {
        var random = SeededRandom(state: 4_2026)
        var found = 0
        for _ in 0..<5000 {
            let hay = Self.randomString(&random, upTo: 12), needle = Self.randomString(&random, upTo: 3)
            let h = Array(hay.utf8), n = Array(needle.utf8)
            let expected = n.isEmpty || (h.count >= n.count && (0...(h.count - n.count)).contains { Array(h[$0..<($0 + n.count)]) == n })
            #expect(hay.containsBytes(needle) == expected, "\(hay) \(needle)")
            if expected { found += 1 }
        }
        #expect(found > 1000)
    }

    @Test func exactlyEqualsComparesBytes() {
        var random = SeededRandom(state: 5_2026)
        var equal = 0
        for _ in 0..<5000 {
            let a = Self.randomString(&random, upTo: 3), b = Self.randomString(&random, upTo: 3)
            #expect(a.exactlyEquals(b) == (Array(a.utf8) == Array(b.utf8)), "\(a) \(b)")
            if a.exactlyEquals(b) { equal += 1 }
        }
        #expect(equal > 50)
    }

    /// The rule as it was written before it went to bytes: the reference.
    static func reference(_ text: String) -> String? {
        if text.isEmpty { return "an id cannot be empty" }
        if text.utf8.count > Identifier.maximumLength { return "an id may be at most \(Identifier.maximumLength) characters long" }
        for (i, b) in text.utf8.enumerated() {
            let lowerOrDigit = (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            let punctuation = b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            if i == 0, !lowerOrDigit { return "an id must start with a lower-case letter or digit" }
            if !lowerOrDigit, !punctuation { return "an id may contain only lower-case letters, digits, '.', '_' and '-'" }
        }
        return nil
    }

    @Test func identifierProblemsAreThoseOfTheRule() {
        var random = SeededRandom(state: 6_2026)
        var valid = 0
        for _ in 0..<5000 {
            let text = Self.randomString(&random, upTo: 6)
            #expect(Identifier.problem(text) == Self.reference(text), "\(text)")
            if Identifier.problem(text) == nil { valid += 1 }
        }
        let long = String(repeating: "a", count: Identifier.maximumLength + 1)
        #expect(Identifier.problem(long) == Self.reference(long))
        #expect(valid > 100)
    }
}
