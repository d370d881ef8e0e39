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
    /// A principal seen as a resource (`principal:ID`), made by validation, not written.
    package var derived = false

    package init(
        header: ManifestHeader, type: Located<String>, displayName: String?, owner: Located<String>, parent: Located<ResourceRef>?, attributes: [(key: String, value: String)]
    ) {
        self.header = header
        self.type = type
        self.displayName = displayName
        self.owner = owner
        self.parent = parent
        self.attributes = attributes
    }

    package var ref: ResourceRef { ResourceRef(type: type.value, name: header.id) }
}
