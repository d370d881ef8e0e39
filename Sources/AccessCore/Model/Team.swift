/// A group of principals; a child team inherits its parent's roles.
public struct Team: Sendable {
    public var header: ManifestHeader
    public var displayName: String?
    public var description: String?
    public var parent: Located<String>?
    public var roles: [Located<String>]

    public var id: String { header.id }
}
