import AccessFormats

/// A group of principals; a child team inherits its parent's roles.
public struct Team: Sendable {
    public var header: ManifestHeader
    public var displayName: String?
    public var description: String?
    public var parent: Located<String>?
    public var roles: [Located<String>]
    /// Who gave this team its roles; checked against each role's `assignableBy`.
    public var assignedBy: Located<String>? = nil

    public var id: String { header.id }
}
