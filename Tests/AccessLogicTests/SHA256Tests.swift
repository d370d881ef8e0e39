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
    /// Lengths at and around the padding's edges (55, 56 and 63 bytes leave room for the
    /// length or not), each fed whole and in two pieces split anywhere. The digests are
    /// Python's `hashlib.sha256` of the bytes `(i * 7 + 3) % 256`.
    func testPaddingEdges() {
        let expected: [(Int, String)] = [
            (1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5"),
            (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
            (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
            (57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"),
            (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
            (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
            (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
            (111, "67d9492e628fd376e0b2efec8ca2b99b123e202cf620deb270728df979b2f73e"),
            (112, "96b928cff8528dbb99602c709a65b846cb6467acb8b722f0d758e4dc27bfc508"),
            (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
            (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
            (127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"),
            (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
            (1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"),
        ]
        for (count, digest) in expected {
            let message = (0..<count).map { UInt8(($0 * 7 + 3) % 256) }
            XCTAssertEqual(SHA256.hex(message), digest, "\(count) bytes")
            for split in Set([0, 1, count / 2, max(0, count - 1), count]) where split <= count {
                var hasher = SHA256()
                hasher.update(message[..<split])
                hasher.update(message[split...])
                XCTAssertEqual(Hex.encode(hasher.finalize()), digest, "\(count) bytes split at \(split)")
            }
        }
    }

    /// Finalizing does not change the hasher: more bytes after a look at the digest so far
    /// give the digest of the whole message.
    func testFinalizeLeavesTheHasherAsItWas() {
        let message = (0..<200).map { UInt8($0) }
        var hasher = SHA256()
        hasher.update(message[..<70])
        _ = hasher.finalize()
        hasher.update(message[70...])
        XCTAssertEqual(Hex.encode(hasher.finalize()), SHA256.hex(message))
    }

    /// Digests are written in lower-case hex, two digits per byte, for every byte value, from
    /// an array or any other sequence.
    func testHexOfEveryByte() {
        let bytes = (0...255).map { UInt8($0) }
        let expected = bytes.map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(Hex.encode(bytes), expected)
        XCTAssertEqual(Hex.encode(bytes[1...]), String(expected.dropFirst(2)))
        XCTAssertEqual(Hex.encode([UInt8]()), "")
        XCTAssertEqual(Hex.encode(AnySequence(bytes)), expected, "a sequence without contiguous storage")
        XCTAssertEqual(Hex.digest(bytes: Array(Hex.encode(bytes[..<32]).utf8)), Array(bytes[..<32]))
    }
}
