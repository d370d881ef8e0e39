import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// FIPS 180-4 / NIST example vectors for SHA-256.
final class SHA256Tests: XCTestCase {
    func testFIPSVectors() {
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testOneMillionA() {
        XCTAssertEqual(
            SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testIncrementalUpdatesAcrossBlockBoundaries() {
        let message = [UInt8]((0..<300).map { UInt8($0 % 251) })
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 299] {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            XCTAssertEqual(hasher.finalize().map { String(format: "%02x", $0) }.joined(), SHA256.hex(message), "split at \(split)")
        }
    }

    /// Many small pieces, and bytes that are not contiguous (a lazy sequence), hash as the whole.
    func testSmallPiecesAndNonContiguousBytes() {
        let message = [UInt8]((0..<1000).map { UInt8($0 % 253) })
        var hasher = SHA256()
        var offset = 0
        for size in [1, 2, 61, 3, 64, 0, 127, 5, 200] + Array(repeating: 7, count: 77) where offset < message.count {
            let end = min(message.count, offset + size)
            hasher.update(message[offset..<end])
            offset = end
        }
        hasher.update(message[offset...])
        XCTAssertEqual(hasher.finalize(), { var h = SHA256(); h.update(message); return h.finalize() }())
        var lazy = SHA256()
        lazy.update(message.lazy.map { $0 })
        XCTAssertEqual(SHA256.hex(message), lazy.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
