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
}
