import Foundation
import XCTest
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// The cache of verified signatures: identical bytes are answered from it, anything changed
/// is checked again, only good verdicts are kept, and a damaged file is an empty cache.
final class SignatureCacheTests: XCTestCase {
    /// The fake tool with an identity (so its verdicts may be cached), counting its checks.
    final class Counting: SignatureTool, @unchecked Sendable {
        let fake: FakeSignatures
        let name: String?
        private let lock = NSLock()
        private(set) var checks = 0
        init(_ fake: FakeSignatures, name: String? = "fake-keygen") {
            self.fake = fake
            self.name = name
        }
        var isAvailable: Bool { true }
        var identity: String? { name }
        func sign(_ message: [UInt8], keyPath: String, namespace: String, environment: [String: String]?) throws -> String {
            try fake.sign(message, keyPath: keyPath, namespace: namespace, environment: environment)
        }
        func verify(_ message: [UInt8], armor: String, signer: String, publicKeys: [String], namespace: String, time: Timestamp) throws -> SignatureVerdict {
            lock.lock()
            checks += 1
            lock.unlock()
            return try fake.verify(message, armor: armor, signer: signer, publicKeys: publicKeys, namespace: namespace, time: time)
        }
    }

    private let fake = FakeSignatures(["olga", "sam"])
    private let time = Timestamp(rfc3339: "2026-12-01T04:00:00Z")!
    private let namespace = "accessctl@example"

    private func job(_ request: String, _ message: String, by signer: String = "olga", signedBy key: String = "olga", keys: [String]? = nil) throws -> SignatureJob {
        let armor = try fake.sign(Array(message.utf8), keyPath: "key/\(key)", namespace: namespace)
        return SignatureJob(request: request, index: 0, message: Array(message.utf8), armor: armor, signer: signer, publicKeys: keys ?? [FakeSignatures.publicKey(signer)])
    }

    func testIdenticalChecksAreAnsweredFromTheCacheAndChangedOnesCheckedAgain() throws {
        let inner = Counting(fake)
        let cache = SignatureCache()
        let tool = CachingSignatureTool(inner, cache: cache)
        let jobs = [try job("a", "one"), try job("b", "two"), try job("c", "forged", by: "olga", signedBy: "sam")]
        let first = tool.verifyAll(jobs, namespace: namespace, time: time, parallel: 2)
        XCTAssertEqual(first["a"]?[0], .good)
        XCTAssertEqual(first["b"]?[0], .good)
        XCTAssertEqual(first["c"]?[0], .bad("signature does not verify"))
        XCTAssertEqual(inner.checks, 3)
        XCTAssertTrue(cache.changed)

        // The same bytes again: only the bad one is checked again, and the verdicts are the same.
        let again = CachingSignatureTool(inner, cache: SignatureCache.decode(cache.encoded))
        XCTAssertEqual(again.verifyAll(jobs, namespace: namespace, time: time, parallel: 2), first)
        XCTAssertEqual(inner.checks, 4)

        // Any input changed is a new check: the message, the signature, the signer's keys,
        // the namespace, the tool.
        var message = jobs[0]
        message.message += [0x20]
        var armor = jobs[0]
        armor.armor = jobs[1].armor
        var keys = jobs[0]
        keys.publicKeys = [FakeSignatures.publicKey("sam")]
        XCTAssertEqual(again.verifyAll([message], namespace: namespace, time: time, parallel: 1)["a"]?[0], .bad("signature does not verify"))
        XCTAssertEqual(again.verifyAll([armor], namespace: namespace, time: time, parallel: 1)["a"]?[0], .bad("signature does not verify"))
        XCTAssertEqual(again.verifyAll([keys], namespace: namespace, time: time, parallel: 1)["a"]?[0], .bad("signature does not verify"))
        XCTAssertEqual(try again.verify(jobs[0].message, armor: jobs[0].armor, signer: "olga", publicKeys: jobs[0].publicKeys, namespace: "other@example", time: time),
                       .bad("signature does not verify"))
        XCTAssertEqual(inner.checks, 8)
        let otherTool = Counting(fake, name: "another-keygen")
        XCTAssertEqual(CachingSignatureTool(otherTool, cache: cache).verifyAll([jobs[0]], namespace: namespace, time: time, parallel: 1)["a"]?[0], .good)
        XCTAssertEqual(otherTool.checks, 1)
        // A key comment does not matter to ssh-keygen, so it does not change the key either.
        var comment = jobs[0]
        comment.publicKeys = [FakeSignatures.publicKey("olga").replacingOccurrences(of: "olga@fake", with: "laptop")]
        XCTAssertEqual(again.verifyAll([comment], namespace: namespace, time: time, parallel: 1)["a"]?[0], .good)
        XCTAssertEqual(inner.checks, 8)
    }

    func testToolsWithoutIdentityAndCertificateKeysAreNeverCached() throws {
        let anonymous = Counting(fake, name: nil)
        let cache = SignatureCache()
        let tool = CachingSignatureTool(anonymous, cache: cache)
        let one = try job("a", "one")
        _ = tool.verifyAll([one], namespace: namespace, time: time, parallel: 1)
        _ = tool.verifyAll([one], namespace: namespace, time: time, parallel: 1)
        XCTAssertEqual(anonymous.checks, 2)
        XCTAssertFalse(cache.changed)
        XCTAssertNil(SignatureCache.key(tool: "t", namespace: namespace, signer: "olga", publicKeys: ["ssh-ed25519-cert-v01@openssh.com AAAA"], message: [], armor: ""))
        XCTAssertNotNil(SignatureCache.key(tool: "t", namespace: namespace, signer: "olga", publicKeys: ["ssh-ed25519 AAAA"], message: [], armor: ""))
    }

    func testTheFileReadsBackAndAnyDamageEmptiesIt() {
        let keys = (0..<5).map { i in [UInt8](repeating: UInt8(i), count: 32) }
        let cache = SignatureCache(keys: keys)
        let decoded = SignatureCache.decode(cache.encoded)
        for key in keys { XCTAssertTrue(decoded.contains(key)) }
        XCTAssertEqual(decoded.encoded, cache.encoded)
        let text = String(decoding: cache.encoded, as: UTF8.self)
        let damaged = [
            text.replacingOccurrences(of: "0101010101", with: "0101010102"),
            text.replacingOccurrences(of: "accessctl-verified-signatures 1", with: "accessctl-verified-signatures 2"),
            String(text.dropLast()),
            text.components(separatedBy: "\n").dropLast(2).joined(separator: "\n") + "\n",
            "",
        ]
        for bad in damaged {
            let read = SignatureCache.decode(Array(bad.utf8))
            XCTAssertFalse(keys.contains(where: read.contains), bad)
        }
    }

    /// The file is read only when a check asks, and once: commands that verify nothing
    /// never read it.
    func testTheFileIsReadOnFirstUseOnly() {
        final class Reads: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
        }
        let reads = Reads()
        let key = [UInt8](repeating: 7, count: 32)
        let file = SignatureCache(keys: [key]).encoded
        let cache = SignatureCache(reading: {
            reads.lock.lock()
            reads.count += 1
            reads.lock.unlock()
            return file
        })
        XCTAssertFalse(cache.changed)
        XCTAssertEqual(reads.count, 0)
        XCTAssertTrue(cache.contains(key))
        XCTAssertFalse(cache.contains([UInt8](repeating: 8, count: 32)))
        cache.insert([UInt8](repeating: 8, count: 32))
        XCTAssertEqual(reads.count, 1)
        XCTAssertTrue(SignatureCache.decode(cache.encoded).contains(key), "the keys read are written back with the new one")
        XCTAssertTrue(SignatureCache(reading: { nil }).encoded.count > 0, "no file is an empty cache")
    }

    func testOnlyTheNewestKeysAreKeptPastTheCapacity() {
        let count = 13
        let keys = (0..<count).map { i -> [UInt8] in
            var hasher = SHA256()
            hasher.update(Array(String(i).utf8))
            return hasher.finalize()
        }
        let read = SignatureCache.decode(SignatureCache(keys: keys, capacity: 10).encoded)
        XCTAssertFalse(read.contains(keys[0]))
        XCTAssertFalse(read.contains(keys[2]))
        XCTAssertTrue(read.contains(keys[3]))
        XCTAssertTrue(read.contains(keys[count - 1]))
    }
}
