import Foundation
import AccessFormats

/// Finds, reads and decodes every manifest under a root.
package enum TreeLoader {
    /// Folders at the root that belong to accessctl and hold no manifests.
    package static let reservedFolders: Set<String> = ["state", "audit", "trust", TemplateFile.folder]

    /// The result of loading: the decoded tree and every problem found.
    package struct Result: Sendable {
        package var tree: AccessTree
        package var diagnostics: [Diagnostic]

        package init(tree: AccessTree, diagnostics: [Diagnostic]) {
            self.tree = tree
            self.diagnostics = diagnostics
        }
    }

    /// Reads and decodes the tree at `root` without checking it as a whole (AccessPolicy's
    /// `load` adds the checks); `displayRoot` prefixes file names in messages. Nil when
    /// there is no tree at `root` (said in `log`).
    package static func read(root: String, displayRoot: String, log: DiagnosticCollector) -> AccessTree? {
        read(FileSystemTreeSource(root: root), displayRoot: displayRoot, log: log)
    }

    /// Reads and decodes the tree that `source` holds. `scanManifests: false` sends every file
    /// through the parser and decoder, for the test that compares the two ways.
    package static func read(_ source: any TreeSource, displayRoot: String, log: DiagnosticCollector, scanManifests: Bool = true) -> AccessTree? {
        var tree = AccessTree(root: source.root)
        guard source.exists else {
            log.add(displayRoot, .whole, "the access tree '\(displayRoot)' does not exist or is not a folder")
            return nil
        }
        let files = source.manifests(displayRoot: displayRoot, log: log)
        tree.fileCount = files.count
        // Files are read, parsed and decoded in parallel, a run of neighbouring files at a
        // time into a part of the tree with each file's diagnostics; the parts are joined in
        // file order, so the result and the messages' order are those of one file after
        // another. (A part per file meant 131,506 small trees copied, joined and freed on
        // one core.)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, files.count / 64)
        let partCount = min(files.count, max(1, workers) * 64)
        let parts = (0..<partCount).map { k in (k * files.count / partCount)..<((k + 1) * files.count / partCount) }
        let decoded = Parallel.map(parts, workers: workers) { range -> (AccessTree, [(relative: String, diagnostics: [Diagnostic])]) in
            var part = AccessTree(root: "")
            var problems: [(relative: String, diagnostics: [Diagnostic])] = []
            for relative in files[range] {
                let display = join(displayRoot, relative)
                let log = DiagnosticCollector()
                do throws(Diagnostic) {
                    let bytes = try source.bytes(relative, display: display)
                    try ManifestReader.check(bytes: bytes, file: display)
                    let fileName = Paths.lastComponent(relative)
                    let baseName = Paths.deletingExtension(fileName)
                    // Most files are requests, principals, teams and resources in the plain
                    // shape: read straight into the model. Anything else, and every problem,
                    // goes the general way.
                    if scanManifests, !relative.hasSuffix(".json"),
                        let scanned = ManifestScanner.decode(bytes, file: display, relative: relative, baseName: baseName)
                    {
                        scanned.add(to: &part)
                        continue
                    }
                    let node = try ManifestReader.parseChecked(bytes: bytes, file: display)
                    ManifestDecoder.decode(
                        node, file: display, relative: relative, baseName: baseName, fileName: fileName,
                        atRoot: Paths.isTopLevel(relative), into: &part, log: log)
                } catch {
                    log.add(error)
                }
                if !log.diagnostics.isEmpty { problems.append((relative, log.diagnostics)) }
            }
            return (part, problems)
        }
        for (part, problems) in decoded {
            for problem in problems {
                tree.unreadableIDs.insert(Paths.deletingExtension(Paths.lastComponent(problem.relative)))
                for diagnostic in problem.diagnostics { log.add(diagnostic) }
            }
            tree.join(part)
        }
        let templates = source.templates(displayRoot: displayRoot, log: log)
        tree.configuration += templates.map(\.configurationEntry)
        // A template that does not compile is an error here, and the report keeps the
        // built-in page in its place.
        tree.templates = templates.filter { file in
            guard file.name.hasSuffix(".mustache") else { return true }
            do throws(Diagnostic) {
                _ = try MustacheTemplate(String(decoding: file.bytes, as: UTF8.self), file: join(displayRoot, TemplateFile.folder + "/" + file.name))
                return true
            } catch {
                log.add(error)
                return false
            }
        }
        if tree.settings == nil, !log.diagnostics.contains(where: { $0.file.hasSuffix(ManifestDecoder.settingsFileName) }) {
            log.add(join(displayRoot, ManifestDecoder.settingsFileName), .whole, "missing settings: create '\(ManifestDecoder.settingsFileName)' at the root of the tree (accessctl init writes one)")
        }
        return tree
    }

    package static func join(_ a: String, _ b: String) -> String { Paths.join(a, b) }
}
