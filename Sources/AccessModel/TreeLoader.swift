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
    package static func read(root: String, displayRoot: String, log: DiagnosticCollector, cache: String? = nil) -> AccessTree? {
        read(FileSystemTreeSource(root: root), displayRoot: displayRoot, log: log, cache: cache)
    }

    /// Reads and decodes the tree that `source` holds. With `cache` (a file), requests whose
    /// bytes, path and name are unchanged since a run that cached them are not parsed again.
    package static func read(_ source: any TreeSource, displayRoot: String, log: DiagnosticCollector, cache: String? = nil) -> AccessTree? {
        var tree = AccessTree(root: source.root)
        guard source.exists else {
            log.add(displayRoot, .whole, "the access tree '\(displayRoot)' does not exist or is not a folder")
            return nil
        }
        let files = source.manifests(displayRoot: displayRoot, log: log)
        tree.fileCount = files.count
        // Each file is read, parsed and decoded on its own, in parallel, into a fragment of
        // the tree with its own diagnostics; the fragments are joined in file order, so the
        // result and the messages' order are those of one file after another.
        let cached = cache.map { ManifestCache.read(path: $0) }
        let decoded = Parallel.map(files, workers: min(ProcessInfo.processInfo.activeProcessorCount, files.count / 64)) { relative -> Decoded in
            let display = join(displayRoot, relative)
            let log = DiagnosticCollector()
            var fragment = AccessTree(root: "")
            var key: String?
            do throws(Diagnostic) {
                let bytes = try source.bytes(relative, display: display)
                if cached != nil {
                    key = ManifestCache.key(display: display, relative: relative, bytes: bytes)
                    if let request = cached?.entries[key!] {
                        fragment.requests = [request]
                        return Decoded(fragment: fragment, diagnostics: [], key: key, reused: true)
                    }
                }
                let node = try ManifestReader.parse(bytes: bytes, file: display)
                let fileName = (relative as NSString).lastPathComponent
                ManifestDecoder.decode(
                    node, file: display, relative: relative, baseName: (fileName as NSString).deletingPathExtension, fileName: fileName,
                    atRoot: !relative.contains("/"), into: &fragment, log: log)
            } catch {
                log.add(error)
            }
            // Only a request that decoded cleanly is kept: a file with problems is read again,
            // so its messages are given again.
            let clean = log.diagnostics.isEmpty && fragment.requests.count == 1 && fragment.manifestCount == 1 && fragment.configuration.isEmpty
            return Decoded(fragment: fragment, diagnostics: log.diagnostics, key: clean ? key : nil, reused: false)
        }
        var kept = ManifestCache()
        for (relative, file) in zip(files, decoded) {
            if !file.diagnostics.isEmpty {
                tree.unreadableIDs.insert(((relative as NSString).lastPathComponent as NSString).deletingPathExtension)
                for diagnostic in file.diagnostics { log.add(diagnostic) }
            }
            if let key = file.key { kept.entries[key] = file.fragment.requests[0] }
            tree.join(file.fragment)
        }
        // Written only when it changed: the requests of this run, no more, no fewer.
        if let cache, decoded.contains(where: { $0.key != nil && !$0.reused }) || kept.entries.count != cached?.entries.count {
            kept.write(path: cache)
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

    /// One file's part of the tree, its problems, and its cache key when it is cacheable.
    struct Decoded: Sendable {
        var fragment: AccessTree
        var diagnostics: [Diagnostic]
        var key: String?
        var reused: Bool
    }
}
