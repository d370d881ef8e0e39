import AccessFormats

/// The kinds of manifest DESIGN.md section 2 defines.
public enum ManifestKind: String, Sendable, CaseIterable {
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
public struct ManifestHeader: Sendable {
    /// The path shown in errors, relative to the working directory.
    public var file: String
    public var kind: ManifestKind
    public var name: Located<String>

    public init(file: String, kind: ManifestKind, name: Located<String>) {
        self.file = file
        self.kind = kind
        self.name = name
    }

    public var id: String { name.value }
}
