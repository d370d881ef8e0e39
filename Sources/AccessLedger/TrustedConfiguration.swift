import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// The configuration reconcile trusts: its digest and the text of each of its files, kept in
/// `state/configuration.json` so a later run can compute access from it while a change waits
/// for signatures. Its digest is checked against its files and against the audit log.
package struct TrustedConfiguration: Sendable, Equatable {
    package var digest: String
    /// File text by path relative to the tree's root.
    package var files: [String: String]

    package static let relativePath = "state/configuration.json"

    package init(digest: String, files: [String: String]) {
        self.digest = digest
        self.files = files
    }

    /// The snapshot's configuration, loaded and checked as a tree would be.
    package func load(display: String) -> TreeLoader.Result {
        TreeLoader.load(InMemoryTreeSource(root: "/trusted", files: files), displayRoot: display)
    }

    package var text: String {
        CanonicalJSON.pretty(.object([
            ("apiVersion", .string("accessctl/v1")), ("kind", .string("TrustedConfiguration")), ("digest", .string(digest)),
            ("files", .object(files.keys.sorted().map { ($0, .string(files[$0]!)) })),
        ]), sortKeys: false)
    }

    package static func decode(_ bytes: [UInt8], display: String) throws(Diagnostic) -> TrustedConfiguration {
        let node = try JSONParser.parse(bytes: bytes, file: display)
        let json = node.json
        guard json["kind"]?.stringValue == "TrustedConfiguration", let digest = json["digest"]?.stringValue, case .object(let members)? = json["files"] else {
            throw Diagnostic(file: display, location: node.location, message: "not an accessctl trusted configuration (kind TrustedConfiguration with 'digest' and 'files')")
        }
        var files: [String: String] = [:]
        for (path, value) in members {
            guard let text = value.stringValue else { throw Diagnostic(file: display, location: node["files"]?[path]?.location ?? node.location, message: "file '\(path)' must be text") }
            files[path] = text
        }
        return TrustedConfiguration(digest: digest, files: files)
    }
}

extension LedgerStore {
    package var trustedPath: String { TreeLoader.join(root, TrustedConfiguration.relativePath) }
    package var trustedDisplay: String { TreeLoader.join(displayRoot, TrustedConfiguration.relativePath) }
    package var statementsPath: String { TreeLoader.join(treeRoot, ConfigurationStatement.relativePath) }
    package var statementsDisplay: String { TreeLoader.join(treeDisplay, ConfigurationStatement.relativePath) }

    /// The trusted snapshot: nil if there is none.
    package func readTrusted() throws(Diagnostic) -> TrustedConfiguration? {
        guard FileManager.default.fileExists(atPath: trustedPath) else { return nil }
        guard let data = FileManager.default.contents(atPath: trustedPath) else { throw Diagnostic(file: trustedDisplay, message: "cannot read the trusted configuration") }
        return try TrustedConfiguration.decode([UInt8](data), display: trustedDisplay)
    }

    /// Replaces the snapshot atomically, unless it already holds these bytes.
    package func write(_ trusted: TrustedConfiguration) throws {
        let bytes = Array(trusted.text.utf8)
        if FileManager.default.contents(atPath: trustedPath).map({ [UInt8]($0) }) != bytes {
            try FileManager.default.createDirectory(atPath: (trustedPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: trustedPath)
        }
    }

    /// The statements in `trust/configuration.jsonl` (none if the file does not exist).
    package func readStatements() throws(Diagnostic) -> [ConfigurationStatement] {
        guard FileManager.default.fileExists(atPath: statementsPath) else { return [] }
        guard let data = FileManager.default.contents(atPath: statementsPath) else { throw Diagnostic(file: statementsDisplay, message: "cannot read the configuration statements") }
        guard let text = String(data: data, encoding: .utf8) else { throw Diagnostic(file: statementsDisplay, message: "the configuration statements are not UTF-8 text") }
        return try ConfigurationStatement.parse(text, file: statementsDisplay)
    }

    /// The text of each of the tree's configuration files, for a snapshot.
    package func snapshot(_ tree: AccessTree) throws(Diagnostic) -> TrustedConfiguration {
        var files: [String: String] = [:]
        for entry in tree.configuration {
            guard let data = FileManager.default.contents(atPath: TreeLoader.join(treeRoot, entry.path)), let text = String(data: data, encoding: .utf8) else {
                throw Diagnostic(file: TreeLoader.join(treeDisplay, entry.path), message: "cannot read this file for the trusted configuration")
            }
            files[entry.path] = text
        }
        return TrustedConfiguration(digest: ConfigurationEntry.digest(tree.configuration), files: files)
    }
}
