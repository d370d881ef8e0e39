import Testing

@testable import AccessFormats

/// The loader refuses a file that is not UTF-8 at the first bad byte; the check reads eight
/// ASCII bytes at a time, so a bad byte must be found at every place in and across those words.
@Suite struct UTF8ValidationTests {
    @Test func aBadByteIsFoundAtEveryOffset() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE9, 0x41], [0xF4, 0x90, 0x80, 0x80]] {
            for offset in 0..<40 {
                let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: offset) + bad + [UInt8](repeating: UInt8(ascii: "b"), count: 17)
                #expect(UTF8Validation.firstInvalidOffset(bytes) == offset, "\(bad) at \(offset)")
            }
        }
    }

    /// Against Swift's own UTF-8 decoder on seeded random mixes of ASCII runs and high bytes:
    /// valid exactly when Swift accepts the bytes, and when not, everything before the offset
    /// is valid and the offset is not past the end.
    @Test func agreesWithSwiftsDecoder() {
        var random = SeededRandom(state: 3629)
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), Array("é".utf8), Array("名".utf8), Array("😀".utf8), [0x80], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
            [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xED, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF], [0x7F],
        ]
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 12) {
                let piece = pieces[Int(random.next() % UInt64(pieces.count))]
                bytes += random.next() % 3 == 0 ? piece : Array(repeating: UInt8(ascii: "x"), count: Int(random.next() % 20))
            }
            let offset = UTF8Validation.firstInvalidOffset(bytes)
            #expect((offset == nil) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            if let offset {
                #expect(offset < bytes.count && String(validating: bytes[..<offset], as: UTF8.self) != nil, "\(bytes) at \(offset)")
            }
        }
    }
}
