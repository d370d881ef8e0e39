import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// Hardening: no manifest content crashes the loader. Seeded mutations of the test tree's
/// files (bytes deleted, inserted, swapped, lines cut or repeated, key lines emptied) are
/// loaded and validated in memory; every problem must point inside its file, and a file with
/// an error must leave the tree (it grants nothing).
@Suite struct ManifestFuzzTests {
    static let alphabet: [UInt8] = Array(":-[]{}#&*!|>'\"\\ \n\t,.0123456789abcxyzé".utf8) + [0x00, 0x1B, 0xFF, 0xC3]

    static func mutate(_ text: String, _ r: inout SeededRandom) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<(1 + r.below(4)) {
            guard !bytes.isEmpty else { break }
            let at = r.below(bytes.count)
            switch r.below(6) {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(alphabet[r.below(alphabet.count)], at: at)
            case 2: bytes[at] = alphabet[r.below(alphabet.count)]
            case 3: bytes = Array(bytes[..<at])
            case 4:
                let lineStart = bytes[..<at].lastIndex(of: 10).map { $0 + 1 } ?? 0
                let lineEnd = bytes[at...].firstIndex(of: 10) ?? bytes.count
                bytes.insert(contentsOf: bytes[lineStart..<lineEnd] + [10], at: lineStart)
            default:
                // A key line with its value cut off: "- ssh-ed25519" and the like.
                if let colon = bytes[at...].firstIndex(of: UInt8(ascii: ":")) {
                    let lineEnd = bytes[colon...].firstIndex(of: 10) ?? bytes.count
                    bytes.removeSubrange((colon + 1)..<lineEnd)
                }
            }
        }
        return bytes
    }

    @Test(arguments: Array(UInt64(1)...UInt64(8)))
    func mutatedManifestsNeverCrashAndPointInsideTheirFile(seed: UInt64) throws {
        var r = SeededRandom(state: seed)
        let names = TreeFiles.files.keys.sorted()
        for _ in 0..<60 {
            var files = TreeFiles.files
            let name = names[r.below(names.count)]
            let bytes = Self.mutate(files[name]!, &r)
            files[name] = String(decoding: bytes, as: UTF8.self)
            var source = InMemoryTreeSource(files: files)
            source.files[name] = bytes
            let loaded = TreeLoader.load(source, displayRoot: "tree")
            let lines = bytes.filter { $0 == 10 }.count + 1
            for d in loaded.diagnostics where d.file == "tree/\(name)" && d.location.isPosition {
                #expect(d.location.line >= 1 && d.location.line <= lines && d.location.column >= 1, "seed \(seed) \(name): \(d.headline)")
            }
            let errors = loaded.diagnostics.contains { $0.file == "tree/\(name)" && $0.severity == .error }
            if errors, name.hasPrefix("principals/") {
                let id = String(name.dropFirst("principals/".count).dropLast(".yaml".count))
                #expect(!loaded.tree.principals.contains { $0.id == id }, "seed \(seed): \(name) has errors but still grants")
            }
        }
    }
}
