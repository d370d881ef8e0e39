import Foundation
import AccessFormats
import AccessModel

/// Signatures a run saw verify, kept by a SHA-256 key over everything the verdict depends on
/// (the tool, the namespace, the signer, the signer's keys, the signed bytes and the
/// signature), so a later run does not start ssh-keygen again for the same bytes. Only good
/// verdicts are kept: a bad one is checked again, and a change to any of those inputs is a
/// new key. Shared by the workers of one run.
package final class SignatureCache: @unchecked Sendable {
    static let header = "accessctl-verified-signatures 1"
    /// The most keys kept by default; the oldest are dropped past it, so the file stays small.
    package static let defaultCapacity = 200_000
    let capacity: Int

    private let lock = NSLock()
    private var known: Set<[UInt8]> = []
    private var order: [[UInt8]] = []
    private var added = 0
    /// Where the keys come from, read on first use: a command that checks no signature never
    /// reads or decodes the file.
    private var source: (@Sendable () -> [UInt8]?)?

    /// A cache holding `keys`, oldest first, that writes at most `capacity` of them.
    package init(keys: [[UInt8]] = [], capacity: Int = SignatureCache.defaultCapacity) {
        self.capacity = capacity
        add(keys)
    }

    /// A cache of the keys in the file `source` returns (see `encoded`), read when first asked.
    package init(reading source: @escaping @Sendable () -> [UInt8]?) {
        capacity = Self.defaultCapacity
        self.source = source
    }

    private func add(_ keys: [[UInt8]]) {
        for key in keys where known.insert(key).inserted { order.append(key) }
    }

    /// Reads the source once; call with the lock held.
    private func load() {
        guard let read = source else { return }
        source = nil
        let earlier = order
        known = []
        order = []
        add(read().map(Self.keys) ?? [])
        add(earlier)
    }

    /// The key of one check. Nil when the verdict could depend on the time of the check (a
    /// certificate key, whose validity ssh-keygen checks at `-Overify-time`), or when the
    /// tool has no identity to key it by: those are never cached.
    package static func key(tool: String?, namespace: String, signer: String, publicKeys: [String], message: [UInt8], armor: String) -> [UInt8]? {
        guard let tool, !publicKeys.contains(where: { $0.split(separator: " ").first?.contains("cert") ?? true }) else { return nil }
        var bytes: [UInt8] = []
        for field in [header, tool, namespace, signer] { append(Array(field.utf8), to: &bytes) }
        append(Array(String(publicKeys.count).utf8), to: &bytes)
        // Only the type and key matter to ssh-keygen, not the comment.
        for key in publicKeys { append(Array(key.split(separator: " ").prefix(2).joined(separator: " ").utf8), to: &bytes) }
        append(message, to: &bytes)
        append(Array(SSHKeygen.normalizedArmor(armor).utf8), to: &bytes)
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    private static func append(_ field: [UInt8], to out: inout [UInt8]) {
        out += Array(String(field.count).utf8) + [0x3A]
        out += field
    }

    /// Whether `key` was seen to verify.
    package func contains(_ key: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        load()
        return known.contains(key)
    }

    /// Records that the check with `key` verified.
    package func insert(_ key: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        load()
        if known.insert(key).inserted {
            order.append(key)
            added += 1
        }
    }

    /// Whether this run added keys (the file needs writing).
    package var changed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return added > 0
    }

    /// The file: a header, one hex key per line (at most its capacity, newest kept), and a
    /// last line with the SHA-256 of everything before it.
    package var encoded: [UInt8] {
        lock.lock()
        load()
        let keys = order.suffix(capacity)
        lock.unlock()
        var text = Self.header + "\n"
        for key in keys { text += Hex.encode(key) + "\n" }
        return Array((text + "end " + SHA256.hex(Array(text.utf8)) + "\n").utf8)
    }

    /// A cache read back from `encoded`; an empty one when anything in the file is not as
    /// written (a damaged file only costs the checks again).
    package static func decode(_ bytes: [UInt8]) -> SignatureCache {
        SignatureCache(keys: keys(bytes))
    }

    /// The keys of a file written by `encoded`, oldest first; none when anything in it is not as written.
    static func keys(_ bytes: [UInt8]) -> [[UInt8]] {
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else { return [] }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines.first == Substring(header), let last = lines.last, last.hasPrefix("end ") else { return [] }
        let body = text.utf8.dropLast(last.utf8.count + 1)
        guard SHA256.hex(Array(body)) == last.dropFirst(4) else { return [] }
        var keys: [[UInt8]] = []
        for line in lines.dropFirst().dropLast() {
            guard let key = Hex.digest(line) else { return [] }
            keys.append(key)
        }
        return keys
    }
}

/// A signature tool that answers checks it has seen verify from a `SignatureCache`, and asks
/// `inner` (ssh-keygen) for the rest, recording the good ones.
package struct CachingSignatureTool: SignatureTool {
    package var inner: any SignatureTool
    package var cache: SignatureCache

    package init(_ inner: any SignatureTool, cache: SignatureCache) {
        self.inner = inner
        self.cache = cache
    }

    package var isAvailable: Bool { inner.isAvailable }
    package var identity: String? { inner.identity }

    package func sign(_ message: [UInt8], keyPath: String, namespace: String, environment: [String: String]?) throws -> String {
        try inner.sign(message, keyPath: keyPath, namespace: namespace, environment: environment)
    }

    package func verify(_ message: [UInt8], armor: String, signer: String, publicKeys: [String], namespace: String, time: Timestamp) throws -> SignatureVerdict {
        let key = SignatureCache.key(tool: inner.identity, namespace: namespace, signer: signer, publicKeys: publicKeys, message: message, armor: armor)
        if let key, cache.contains(key) { return .good }
        let verdict = try inner.verify(message, armor: armor, signer: signer, publicKeys: publicKeys, namespace: namespace, time: time)
        if let key, verdict == .good { cache.insert(key) }
        return verdict
    }

    package func verifyAll(_ jobs: [SignatureJob], namespace: String, time: Timestamp, parallel: Int) -> [String: [Int: SignatureVerdict]] {
        let keys = jobs.map { SignatureCache.key(tool: inner.identity, namespace: namespace, signer: $0.signer, publicKeys: $0.publicKeys, message: $0.message, armor: $0.armor) }
        var out: [String: [Int: SignatureVerdict]] = [:]
        var misses: [SignatureJob] = []
        var missKeys: [String: [Int: [UInt8]]] = [:]
        for (job, key) in zip(jobs, keys) {
            if let key, cache.contains(key) {
                out[job.request, default: [:]][job.index] = .good
            } else {
                misses.append(job)
                if let key { missKeys[job.request, default: [:]][job.index] = key }
            }
        }
        guard !misses.isEmpty else { return out }
        for (request, verdicts) in inner.verifyAll(misses, namespace: namespace, time: time, parallel: parallel) {
            for (index, verdict) in verdicts {
                out[request, default: [:]][index] = verdict
                if verdict == .good, let key = missKeys[request]?[index] { cache.insert(key) }
            }
        }
        return out
    }
}
