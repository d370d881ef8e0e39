import AccessFormats

/// A named set of permissions.
public struct Role: Sendable {
    public var header: ManifestHeader
    public var description: String?
    /// Holders are listed as administrators in the report.
    public var administrator: Bool
    /// Roles whose holders may assign this role; empty means no restriction.
    public var assignableBy: [Located<String>]
    public var rules: [RoleRule]

    public var id: String { header.id }
}

/// Actions allowed on the resources that match any of the patterns.
public struct RoleRule: Sendable {
    public var resources: [Located<ResourcePattern>]
    /// Action names; `*` means every action of the resource's type.
    public var actions: [Located<String>]
    public var location: SourceLocation
}
