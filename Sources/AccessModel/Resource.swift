import AccessFormats

/// A customer resource: account, company, site, or any type the settings declare.
public struct Resource: Sendable {
    public var header: ManifestHeader
    public var type: Located<String>
    public var displayName: String?
    /// The team that owns it; its members approve requests when a policy says `owner`.
    public var owner: Located<String>
    /// Access to the parent covers this resource.
    public var parent: Located<ResourceRef>?
    public var attributes: [(key: String, value: String)]

    public var ref: ResourceRef { ResourceRef(type: type.value, name: header.id) }
}
