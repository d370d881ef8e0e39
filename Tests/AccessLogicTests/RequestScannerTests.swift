import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// The scanner's requests against the parser and decoder it stands in for: on generated
/// requests of every shape, and on seeded mutations of them, whenever the scanner gives a
/// request the general path gives the same one, positions included, with no diagnostic.
@Suite struct RequestScannerTests {
    static let signature = """
        -----BEGIN SSH SIGNATURE-----
        U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgJxC1Tu5+yD1pFucIkLhsAQ7CSy
        JGnJkO40Vj0D03DMGJqpF/mSvXrQk=
        -----END SSH SIGNATURE-----

        """

    /// A request of random shape, written as authors and `accessctl approve` write them.
    static func request(_ r: inout SeededRandom, id: String) throws -> String {
        let ids = ["sam", "ann", "agent-7", "olga_2", "a.b"]
        let refs = ["site:acme-prod", "site:acme-stage", "db:main", "company:c1-hq"]
        func pick<T>(_ items: [T]) -> T { items[r.below(items.count)] }
        let at = Timestamp(rfc3339: "2026-11-22T09:00:00Z")!.adding(Int64(r.below(86_400 * 30)))
        var text = "apiVersion: accessctl/v1\nkind: AccessRequest\nmetadata:\n  name: \(id)\nspec:\n"
        var lines = ["  requester: \(pick(ids))", "  requestedAt: \(at)"]
        let resources = (0...r.below(3)).map { _ in pick(refs) }
        lines.append("  resources: [\(resources.joined(separator: r.below(2) == 0 ? ", " : ","))]")
        let role = r.below(4) != 0
        if role { lines.append("  role: \(pick(["reader", "support-readonly"]))") }
        if !role || r.below(3) == 0 { lines.append("  actions: [\((0...r.below(2)).map { _ in pick(["read", "write", "restart"]) }.joined(separator: ", "))]") }
        lines.append(pick([
            "  reason: Ticket \(r.below(1000)), customer reports a problem", "  reason: \"Quoted: ticket \(r.below(99))\"",
            "  reason: Zugriff für Störung \(r.below(9))", "  reason: He said \"now\" (urgent)",
        ]))
        if r.below(3) == 0 {
            lines.append("  validFrom: \(at)")
            lines.append("  validTo: \(at.adding(3600 * Int64(1 + r.below(48))))")
        } else {
            lines.append("  duration: \(pick(["1h", "4h", "2d12h", "30m", "permanent"]))")
        }
        if r.below(5) == 0 { lines.append("  renews: r\(r.below(100))") }
        // Authors write the spec's fields in any order.
        if r.below(3) == 0 {
            for k in lines.indices.reversed() { lines.swapAt(k, r.below(k + 1)) }
        }
        text += lines.joined(separator: "\n") + "\n"
        for k in 0..<r.below(4) {
            let kind = pick(Decision.Kind.allCases)
            let when = at.adding(Int64(600 * (k + 1)))
            var terms: Terms?
            if kind == .approve {
                let granted = Array(resources.prefix(1 + r.below(resources.count))).map { ResourceRef($0)! }
                terms = r.below(2) == 0
                    ? Terms(validFrom: when, validTo: r.below(5) == 0 ? nil : when.adding(3600), resources: granted, role: "reader", actions: r.below(3) == 0 ? ["read"] : [], location: .start)
                    : Terms(duration: AccessDuration("4h")!, earliest: when, resources: granted, role: r.below(3) == 0 ? nil : "reader", actions: ["read"], location: .start)
            }
            let decision = Decision(
                kind: Located(kind, at: .start), by: Located(pick(ids), at: .start), at: Located(when, at: .start), terms: terms,
                reason: kind == .revoke || r.below(3) == 0 ? pick(["Ticket closed", "done: all good", "Grund: erledigt", ""]) : nil,
                specDigest: Located("sha256:" + String(repeating: "ab", count: 32), at: .start), signature: Located(signature, at: .start), location: .start)
            text = try StatusWriter.appending(decision, to: text, file: id)
        }
        return text
    }

    /// Checks one file both ways; true when the scanner read it.
    @discardableResult
    static func compare(_ bytes: [UInt8], baseName: String, _ context: @autoclosure () -> String) -> Bool {
        ScannerComparison.compare(bytes, relative: "requests/\(baseName).yaml", context())
    }

    @Test func generatedRequestsAreReadByTheScannerExactlyAsDecoded() throws {
        var r = SeededRandom(state: 11)
        var read = 0
        for i in 0..<400 {
            let id = "r\(i)"
            let text = try Self.request(&r, id: id)
            if Self.compare(Array(text.utf8), baseName: id, "request \(i)") { read += 1 }
        }
        // Every generated shape is one the scanner takes: otherwise loading would not gain.
        #expect(read == 400)
    }

    @Test func shapesLeftToTheParser() throws {
        var r = SeededRandom(state: 3)
        let base = try Self.request(&r, id: "x")
        #expect(Self.compare(Array(base.utf8), baseName: "x", "base"))
        let variants: [(String, String)] = [
            ("comment", base.replacingOccurrences(of: "spec:\n", with: "spec:  # what is asked\n")),
            ("CR LF", base.replacingOccurrences(of: "\n", with: "\r\n")),
            ("tab", base.replacingOccurrences(of: "requester: ", with: "requester:\t")),
            ("escape", base.replacingOccurrences(of: "kind: AccessRequest", with: "kind: \"Access\\u0052equest\"")),
            ("single quotes", base.replacingOccurrences(of: "apiVersion: accessctl/v1", with: "apiVersion: 'accessctl/v1'")),
            ("document marker", "---\n" + base),
            ("other kind", base.replacingOccurrences(of: "kind: AccessRequest", with: "kind: Principal")),
            ("wrong name", base.replacingOccurrences(of: "name: x", with: "name: y")),
            ("continued value", base.replacingOccurrences(of: "spec:\n", with: "spec:\n  reason2: a\n    b\n")),
        ]
        for (name, text) in variants {
            #expect(!Self.compare(Array(text.utf8), baseName: "x", name), "\(name) should be left to the parser")
        }
        // Indentless lists, wider indentation and blank lines are read, and read the same.
        let wide = base.components(separatedBy: "\n").map { line -> String in
            let spaces = line.prefix { $0 == " " }.count
            // A list item's first key moves with the keys below it.
            let rest = line.dropFirst(spaces)
            return String(repeating: " ", count: spaces * 2) + (rest.hasPrefix("- ") ? "-   " + rest.dropFirst(2) : rest)
        }.joined(separator: "\n")
        #expect(Self.compare(Array(wide.utf8), baseName: "x", "wide"))
        let indentless = "apiVersion: accessctl/v1\nkind: AccessRequest\n\nmetadata:\n  name: x\nspec:\n  requester: sam\n  requestedAt: 2026-11-22T09:00:00Z\n  resources: [site:a]\n  role: r\n  reason: R\n  duration: 4h   \nstatus:\n  decisions:\n  - decision: deny\n    by: ann\n    at: 2026-11-22T10:00:00Z\n    specDigest: sha256:\(String(repeating: "0", count: 64))\n    signature: |\n      -----BEGIN SSH SIGNATURE-----\n      -----END SSH SIGNATURE-----\n"
        #expect(Self.compare(Array(indentless.utf8), baseName: "x", "indentless"))
    }

    /// Line-level changes the byte mutations rarely make: indentation moved, lines swapped,
    /// removed or blanked, values quoted.
    static func mutateLines(_ text: String, _ r: inout SeededRandom) -> [UInt8] {
        var lines = text.components(separatedBy: "\n")
        guard lines.count > 2 else { return Array(text.utf8) }
        let at = r.below(lines.count - 1)
        switch r.below(7) {
        case 6: lines.remove(at: at)
        case 0: lines[at] = " " + lines[at]
        case 1: if lines[at].hasPrefix(" ") { lines[at].removeFirst() }
        case 2: lines.swapAt(at, at + 1)
        case 3: lines.insert("", at: at)
        case 4: lines[at] += "  "
        default:
            if let colon = lines[at].firstIndex(of: ":"), lines[at].index(after: colon) < lines[at].endIndex {
                let value = lines[at][(lines[at].index(colon, offsetBy: 2, limitedBy: lines[at].endIndex) ?? lines[at].endIndex)...]
                lines[at] = String(lines[at][...colon]) + " \"" + value + "\""
            }
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    @Test(arguments: Array(UInt64(1)...UInt64(6)))
    func mutatedRequestsAreReadTheSameOrLeftToTheParser(seed: UInt64) throws {
        var r = SeededRandom(state: seed)
        var read = 0
        for i in 0..<1500 {
            let text = try Self.request(&r, id: "m")
            var bytes = i % 2 == 0 ? ManifestFuzzTests.mutate(text, &r) : Self.mutateLines(text, &r)
            if r.below(4) == 0 { bytes = Self.mutateLines(String(decoding: bytes, as: UTF8.self), &r) }
            if Self.compare(bytes, baseName: "m", "seed \(seed) case \(i)") { read += 1 }
        }
        // Many mutations leave a readable request (a changed reason, a swapped line): the
        // comparison above ran on them, not only on refusals.
        #expect(read > 150, "only \(read) mutated requests were read by the scanner")
    }

    /// The loader with and without the scanner, on a tree of generated requests, some of
    /// them mutated (so both ways and the files with problems are in it): the same tree,
    /// requests in the same order, and the same messages.
    @Test func theLoaderGivesTheSameTreeWithAndWithoutTheScanner() throws {
        var r = SeededRandom(state: 21)
        var files = TreeFiles.files.mapValues { Array($0.utf8) }
        for i in 0..<300 {
            let id = "g\(i)"
            let text = try Self.request(&r, id: id)
            files["requests/\(i % 7)/\(id).yaml"] = i % 5 == 0 ? ManifestFuzzTests.mutate(text, &r) : Array(text.utf8)
        }
        let (scanned, _) = try ScannerComparison.compareLoads(files)
        #expect(scanned.requests.count > 200)
    }
}
