/// SHA-256 as FIPS 180-4 defines it, for spec digests and the audit chain.
package struct SHA256: Sendable {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Eight 32-bit words and 64 bytes, held inline: a hasher allocates nothing, which
    /// matters for the 100,000 small spec digests of a load, each a new hasher.
    private typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private var h: Words = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// Bytes not yet compressed (fewer than 64), at the start of `pending`.
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var processedBlocks: UInt64 = 0

    package init() {}

    /// Adds bytes to the message.
    package mutating func update<S: Sequence>(_ data: S) where S.Element == UInt8 {
        // Contiguous bytes (the usual case) are compressed where they lie, not copied first.
        let done: Void? = data.withContiguousStorageIfAvailable { bytes in update(raw: UnsafeRawBufferPointer(bytes)) }
        if done == nil { Array(data).withUnsafeBytes { update(raw: $0) } }
    }

    private mutating func update(raw bytes: UnsafeRawBufferPointer) {
        guard var source = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        if pendingCount > 0 {
            let take = min(64 - pendingCount, remaining)
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.advanced(by: pendingCount).copyMemory(from: source, byteCount: take) }
            pendingCount += take
            source += take
            remaining -= take
            guard pendingCount == 64 else { return }
            compressPending()
            pendingCount = 0
        }
        while remaining >= 64 {
            compress(source)
            source += 64
            remaining -= 64
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: source, byteCount: remaining) }
            pendingCount = remaining
        }
    }

    private mutating func compressPending() {
        var block = pending
        withUnsafeBytes(of: &block) { compress($0.baseAddress!) }
    }

    /// The 32-byte digest of everything added.
    package func finalize() -> [UInt8] {
        var copy = self
        return copy.finish()
    }

    private mutating func finish() -> [UInt8] {
        let bitLength = (processedBlocks * 64 + UInt64(pendingCount)) * 8
        // The padding: 0x80, zeros, then the length in bits as a big-endian 64-bit number,
        // in this block if eight bytes are left after the 0x80, else in one more.
        withUnsafeMutableBytes(of: &pending) { raw in
            raw[pendingCount] = 0x80
            for i in (pendingCount + 1)..<64 { raw[i] = 0 }
        }
        if pendingCount >= 56 {
            compressPending()
            pending = (0, 0, 0, 0, 0, 0, 0, 0)
        }
        pending.7 = bitLength.bigEndian
        compressPending()
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { raw in
            withUnsafeBytes(of: h) { words in
                for i in 0..<8 { raw.storeBytes(of: words.load(fromByteOffset: i * 4, as: UInt32.self).bigEndian, toByteOffset: i * 4, as: UInt32.self) }
            }
        }
        return out
    }

    private mutating func compress(_ block: UnsafeRawPointer) {
        processedBlocks += 1
        // A fixed-size tuple keeps the message schedule on the stack, not in a new array.
        var schedule: (Block, Block, Block, Block) = ((0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0))
        withUnsafeMutableBytes(of: &schedule) { raw in
            compress(block, w: raw.bindMemory(to: UInt32.self))
        }
    }

    private mutating func compress(_ block: UnsafeRawPointer, w: UnsafeMutableBufferPointer<UInt32>) {
        for t in 0..<16 {
            w[t] = block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self).bigEndian
        }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        // Eight rounds per pass with the letters renamed instead of moved: the words stay
        // in registers.
        SHA256.k.withUnsafeBufferPointer { k in
            for t in stride(from: 0, to: 64, by: 8) {
                round(a, b, c, &d, e, f, g, &hh, k[t] &+ w[t])
                round(hh, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
                round(g, hh, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
                round(f, g, hh, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
                round(e, f, g, &hh, a, b, c, &d, k[t + 4] &+ w[t + 4])
                round(d, e, f, &g, hh, a, b, &c, k[t + 5] &+ w[t + 5])
                round(c, d, e, &f, g, hh, a, &b, k[t + 6] &+ w[t + 6])
                round(b, c, d, &e, f, g, hh, &a, k[t + 7] &+ w[t + 7])
            }
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }

    /// One round: `d` becomes the next `e`, `h` the next `a`.
    @inline(__always) private func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d = d &+ t1
        h = t1 &+ t2
    }

    @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    /// The digest of `data`, in one call.
    package static func digest<S: Sequence>(_ data: S) -> [UInt8] where S.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalize()
    }

    /// The digest of `data` as lower-case hex.
    package static func hex<S: Sequence>(_ data: S) -> String where S.Element == UInt8 { Hex.encode(digest(data)) }

    /// The digest of a string's UTF-8 bytes as lower-case hex.
    package static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}
