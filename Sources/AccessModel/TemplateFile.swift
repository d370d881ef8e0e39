import AccessFormats

/// One file of the tree's `templates/` folder: a report template or a stylesheet.
package struct TemplateFile: Sendable, Equatable {
    package var name: String
    package var bytes: [UInt8]

    package init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// The folder, at the tree's root, whose files override the built-in report templates.
    package static let folder = "templates"
    /// The largest template file read.
    package static let maximumSize = 4 << 20

    /// Its entry in the configuration digest: the file's SHA-256, so a restyled report is a
    /// configuration change like any other.
    package var configurationEntry: ConfigurationEntry {
        ConfigurationEntry(
            kind: "Template", name: name, path: TemplateFile.folder + "/" + name,
            canonicalSpec: CanonicalJSON.encode(.object([("sha256", .string(SHA256.hex(bytes)))])))
    }
}
