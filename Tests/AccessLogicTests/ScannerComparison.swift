import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel

/// One file read by `ManifestScanner` and by the parser and decoder it stands in for.
enum ScannerComparison {
    /// The tree the parser and decoder make of the file, and their diagnostics.
    static func general(_ bytes: [UInt8], file: String, relative: String) -> (tree: AccessTree, diagnostics: [Diagnostic]) {
        let log = DiagnosticCollector()
        var tree = AccessTree(root: "")
        let fileName = Paths.lastComponent(relative)
        do throws(Diagnostic) {
            let node = try ManifestReader.parseChecked(bytes: bytes, file: file)
            ManifestDecoder.decode(
                node, file: file, relative: relative, baseName: Paths.deletingExtension(fileName), fileName: fileName, atRoot: Paths.isTopLevel(relative),
                into: &tree, log: log)
        } catch {
            log.add(error)
        }
        return (tree, log.diagnostics)
    }

    static func dumped(_ tree: AccessTree) -> String {
        var out = ""
        dump(tree, to: &out)
        return out
    }

    /// Checks one file both ways: whenever the scanner reads it, the decoder reports nothing
    /// and makes the same tree (values, positions, configuration entries). True when the
    /// scanner read it.
    static func compare(_ bytes: [UInt8], relative: String, _ context: @autoclosure () -> String) -> Bool {
        // The loader checks size and UTF-8 before either path reads the text.
        guard (try? ManifestReader.check(bytes: bytes, file: "f")) != nil else { return false }
        let file = "tree/" + relative
        let baseName = Paths.deletingExtension(Paths.lastComponent(relative))
        guard let fast = ManifestScanner.decode(bytes, file: file, relative: relative, baseName: baseName) else { return false }
        var scanned = AccessTree(root: "")
        fast.add(to: &scanned)
        let slow = general(bytes, file: file, relative: relative)
        #expect(
            slow.diagnostics.isEmpty,
            "\(context()): the scanner read a file the decoder refuses: \(slow.diagnostics.map(\.headline))\n\(String(decoding: bytes, as: UTF8.self))")
        let a = dumped(scanned), b = dumped(slow.tree)
        #expect(a == b, "\(context()): the scanner and the decoder disagree\n\(String(decoding: bytes, as: UTF8.self))\n\(textDifference(a, b) ?? "")")
        return true
    }

    /// Loads `files` with and without the scanner and records any difference: the trees
    /// (dumped, the unreadable ids compared as a set) and the messages. Both trees are
    /// returned for further checks. The files must hold some the loader refuses.
    @discardableResult
    static func compareLoads(_ files: [String: [UInt8]]) throws -> (scanned: AccessTree, parsed: AccessTree) {
        var source = InMemoryTreeSource(files: [:])
        source.files = files
        let scannedLog = DiagnosticCollector(), parsedLog = DiagnosticCollector()
        let a = try #require(TreeLoader.read(source, displayRoot: "tree", log: scannedLog))
        let b = try #require(TreeLoader.read(source, displayRoot: "tree", log: parsedLog, scanManifests: false))
        // A set, whose order a dump would show: compared as a set.
        #expect(a.unreadableIDs == b.unreadableIDs && !a.unreadableIDs.isEmpty)
        var x = a, y = b
        x.unreadableIDs = []
        y.unreadableIDs = []
        let xl = dumped(x).components(separatedBy: "\n"), yl = dumped(y).components(separatedBy: "\n")
        let common = min(xl.count, yl.count)
        if let first = (0..<common).first(where: { xl[$0] != yl[$0] }) ?? (xl.count == yl.count ? nil : common) {
            let from = max(0, first - 12)
            let scannedPart = xl[from..<min(xl.count, first + 4)].joined(separator: "\n")
            let parsedPart = yl[from..<min(yl.count, first + 4)].joined(separator: "\n")
            Issue.record("the trees differ from line \(first) of their dumps:\n\(scannedPart)\n-- without the scanner:\n\(parsedPart)")
        }
        #expect(scannedLog.diagnostics.map(\.headline) == parsedLog.diagnostics.map(\.headline))
        #expect(!parsedLog.diagnostics.isEmpty)
        return (a, b)
    }
}
