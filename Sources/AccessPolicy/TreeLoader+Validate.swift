import AccessFormats
import AccessModel

extension TreeLoader {
    /// Loads the tree at `root` and checks it as a whole; `displayRoot` prefixes file names in messages.
    package static func load(root: String, displayRoot: String, validate: Bool = true) -> Result {
        load(FileSystemTreeSource(root: root), displayRoot: displayRoot, validate: validate)
    }

    /// Loads the tree `source` holds (files on disk, or in memory for logic tests) and checks it.
    package static func load(_ source: any TreeSource, displayRoot: String, validate: Bool = true) -> Result {
        let log = DiagnosticCollector()
        guard var tree = read(source, displayRoot: displayRoot, log: log) else {
            return Result(tree: AccessTree(root: source.root), diagnostics: log.diagnostics)
        }
        if validate {
            // The configuration's digest, which every command that trusts configuration
            // compares, is worked out on another core while the tree is checked (validation
            // does not change the configuration entries).
            let entries = tree.configuration
            let (digest, _) = Parallel.both({ ConfigurationEntry.digest(entries) }, { TreeValidator.validate(&tree, log: log) })
            tree.remember(configurationDigest: digest, of: entries)
        }
        return Result(tree: tree, diagnostics: log.diagnostics)
    }
}
