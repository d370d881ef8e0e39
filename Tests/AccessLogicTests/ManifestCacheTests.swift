import Foundation
import XCTest
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// The cache of decoded requests: identical bytes are reused, a changed file is read again,
/// a cache made from other bytes (or damaged) is ignored, and a load gives the same tree and
/// messages with or without it.
final class ManifestCacheTests: XCTestCase {
    private var cacheFile: String!

    override func setUpWithError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-cache-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        cacheFile = folder.appendingPathComponent("manifests").path
    }

    /// An armor indented for the block scalar below; decoding checks only its markers.
    private static let armor = "-----BEGIN SSH SIGNATURE-----\n        U1NIU0lHAAAAAQ==\n        -----END SSH SIGNATURE-----"

    /// A request with every field the model has: decisions with and without terms, a
    /// duration and a window, text with tabs, backslashes and non-ASCII letters.
    private static func request(reason: String = "Ticket 7: \\\"quoted\\\", a tab\\there, a backslash \\\\ and Ünïcode") -> String {
        """
        apiVersion: accessctl/v1
        kind: AccessRequest
        metadata:
          name: sam-full
        spec:
          requester: sam
          requestedAt: 2026-11-22T09:00:00Z
          resources: [site:acme-prod, account:acme]
          role: reader
          actions: [read]
          reason: "\(reason)"
          duration: 4h
          renews: sam-debug
        status:
          decisions:
            - decision: approve
              by: ann
              at: 2026-11-22T09:30:00Z
              terms:
                duration: 2h
                resources: [site:acme-prod]
                role: reader
                actions: [read]
              specDigest: sha256:\(String(repeating: "a", count: 64))
              signature: |
                \(armor)
            - decision: approve
              by: olga
              at: 2026-11-22T09:40:00Z
              terms:
                validFrom: 2026-11-22T10:00:00Z
                validTo: 2026-11-22T12:00:00Z
                resources: [site:acme-prod]
                actions: [read]
              specDigest: sha256:\(String(repeating: "b", count: 64))
              signature: |
                \(armor)
            - decision: revoke
              by: ann
              at: 2026-11-22T11:00:00Z
              reason: "done\\tearly"
              specDigest: sha256:\(String(repeating: "c", count: 64))
              signature: |
                \(armor)

        """
    }

    private func files(_ changes: [String: String] = [:]) -> [String: String] {
        var files = TreeFiles.files
        files["requests/sam-full.yaml"] = Self.request()
        for (path, text) in changes { files[path] = text }
        return files
    }

    private func load(_ files: [String: String], cache: Bool = true) -> TreeLoader.Result {
        TreeLoader.load(InMemoryTreeSource(root: "/memory", files: files), displayRoot: "tree", cacheFile: cache ? cacheFile : nil)
    }

    /// Every stored property of the tree's requests, and every message, as text.
    private func describe(_ result: TreeLoader.Result) -> String {
        result.tree.requests.map { String(reflecting: $0) }.joined(separator: "\n") + "\n" + result.diagnostics.map { String(reflecting: $0) }.joined(separator: "\n")
    }

    private func cached() -> ManifestCache { ManifestCache.read(path: cacheFile) }

    func testTheSameTreeWithAndWithoutTheCacheAndAfterDeletingIt() throws {
        let plain = describe(load(files(), cache: false))
        let full = try XCTUnwrap(load(files(), cache: false).tree.requests.first { $0.id == "sam-full" })
        XCTAssertEqual(full.spec.reason.value, "Ticket 7: \"quoted\", a tab\there, a backslash \\ and Ünïcode")
        XCTAssertEqual(full.decisions.count, 3)
        assertText(describe(load(files())), plain, "first run, filling the cache")
        XCTAssertEqual(cached().entries.count, 2, "both requests decoded cleanly")
        assertText(describe(load(files())), plain, "second run, from the cache")
        try FileManager.default.removeItem(atPath: cacheFile)
        assertText(describe(load(files())), plain, "after deleting the cache")
    }

    func testIdenticalBytesAreReusedAndAChangedFileIsReadAgain() throws {
        _ = load(files())
        // Mark the cached request so that its reuse shows: the same key, another reason.
        var cache = cached()
        let key = try XCTUnwrap(cache.entries.first { $0.value.id == "sam-full" }?.key)
        cache.entries[key]!.spec.reason.value = "from the cache"
        cache.write(path: cacheFile)
        XCTAssertEqual(load(files()).tree.requests.first { $0.id == "sam-full" }?.spec.reason.value, "from the cache", "identical bytes are not parsed again")

        // One byte more: another key, the file is read again, and the cache follows.
        let changed = files(["requests/sam-full.yaml": Self.request(reason: "Ticket 8")])
        XCTAssertEqual(load(changed).tree.requests.first { $0.id == "sam-full" }?.spec.reason.value, "Ticket 8")
        XCTAssertEqual(cached().entries.count, 2)
        XCTAssertNil(cached().entries[key], "the old file's entry is dropped")
        XCTAssertEqual(cached().entries.values.first { $0.id == "sam-full" }?.spec.reason.value, "Ticket 8")

        // The same bytes under another name (display root) are another key, too.
        let other = TreeLoader.load(InMemoryTreeSource(root: "/memory", files: changed), displayRoot: "elsewhere", cacheFile: cacheFile)
        XCTAssertEqual(other.tree.requests.first { $0.id == "sam-full" }?.header.file, "elsewhere/requests/sam-full.yaml")
    }

    func testACacheMadeFromOtherBytesOrDamagedIsIgnored() throws {
        // A cache filled from another version of the file, its entry marked.
        _ = load(files(["requests/sam-full.yaml": Self.request(reason: "another version")]))
        var cache = cached()
        for (key, request) in cache.entries where request.id == "sam-full" { cache.entries[key]!.spec.reason.value = "forged" }
        cache.write(path: cacheFile)
        let loaded = load(files())
        XCTAssertFalse(describe(loaded).contains("forged"))
        assertText(describe(loaded), describe(load(files(), cache: false)))

        // A damaged file fails its digest and is read as no cache at all.
        _ = load(files())
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: cacheFile))
        let at = try XCTUnwrap(bytes.lastIndex(of: UInt8(ascii: "a")))
        bytes[at] = UInt8(ascii: "b")
        try bytes.write(to: URL(fileURLWithPath: cacheFile))
        XCTAssertTrue(cached().entries.isEmpty)
        XCTAssertNil(ManifestCache.decode(Array("accessctl-manifest-cache 0\n".utf8)))
        assertText(describe(load(files())), describe(load(files(), cache: false)))
    }

    func testFilesWithProblemsAreNotCachedAndTheirMessagesStay() throws {
        let broken = files(["requests/sam-full.yaml": Self.request().replacingOccurrences(of: "role: reader\n  actions", with: "role: Reader!\n  actions")])
        let first = load(broken)
        XCTAssertTrue(first.diagnostics.contains { $0.file == "tree/requests/sam-full.yaml" }, "\(first.diagnostics)")
        XCTAssertFalse(cached().entries.values.contains { $0.id == "sam-full" })
        assertText(describe(load(broken)), describe(first), "the second run gives the same messages")
    }

    func testEveryBundledRequestRoundTrips() throws {
        let bundled = TreeLoader.load(root: Fixtures.repositoryRoot.appendingPathComponent("access").path, displayRoot: "access")
        XCTAssertGreaterThan(bundled.tree.requests.count, 3)
        let cache = ManifestCache(entries: Dictionary(uniqueKeysWithValues: bundled.tree.requests.map { ($0.id, $0) }))
        let decoded = try XCTUnwrap(ManifestCache.decode(cache.encoded))
        for request in bundled.tree.requests {
            XCTAssertEqual(decoded.entries[request.id].map { String(reflecting: $0) }, String(reflecting: request))
        }
    }
}
