import AccessFormats

/// A customer resource: account, company, site, or any type the settings declare.
package struct Resource: Sendable {
    package var header: ManifestHeader
    package var type: Located<String>
    package var displayName: String?
    /// The team that owns it; its members approve requests when a policy says `owner`.
    package var owner: Located<String>
    /// Access to the parent covers this resource.
    package var parent: Located<ResourceRef>?
    package var attributes: [(key: String, value: String)]

    package var ref: ResourceRef { ResourceRef(type: type.value, name: header.id) }
}
