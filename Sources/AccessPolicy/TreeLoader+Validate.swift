import AccessFormats
import AccessModel

extension TreeLoader {
    /// Loads the tree at `root` and checks it as a whole; `displayRoot` prefixes file names in messages.
    /// With `cache` (the cache folder), unchanged requests are not parsed again.
    package static func load(root: String, displayRoot: String, validate: Bool = true, cache: String? = nil) -> Result {
        load(FileSystemTreeSource(root: root), displayRoot: displayRoot, validate: validate, cacheFile: cache.map { ManifestCache.path(in: $0, for: root, "manifests") })
    }

    /// Loads the tree `source` holds (files on disk, or in memory for logic tests) and checks it.
    package static func load(_ source: any TreeSource, displayRoot: String, validate: Bool = true, cacheFile: String? = nil) -> Result {
        let log = DiagnosticCollector()
        guard var tree = read(source, displayRoot: displayRoot, log: log, cache: cacheFile) else {
            return Result(tree: AccessTree(root: source.root), diagnostics: log.diagnostics)
        }
        if validate { TreeValidator.validate(&tree, log: log) }
        return Result(tree: tree, diagnostics: log.diagnostics)
    }
}
