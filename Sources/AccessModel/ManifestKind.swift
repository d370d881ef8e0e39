import AccessFormats

/// The kinds of manifest DESIGN.md section 2 defines.
package enum ManifestKind: String, Sendable, CaseIterable {
    case settings = "Settings"
    case principal = "Principal"
    case team = "Team"
    case role = "Role"
    case resource = "Resource"
    case policy = "Policy"
    case binding = "Binding"
    case accessRequest = "AccessRequest"
}

/// What every manifest has: its file, kind and id.
package struct ManifestHeader: Sendable {
    /// The path shown in errors, relative to the working directory.
    package var file: String
    package var kind: ManifestKind
    package var name: Located<String>

    package init(file: String, kind: ManifestKind, name: Located<String>) {
        self.file = file
        self.kind = kind
        self.name = name
    }

    package var id: String { name.value }
}
