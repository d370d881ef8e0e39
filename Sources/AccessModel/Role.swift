import AccessFormats

/// A named set of permissions.
package struct Role: Sendable {
    package var header: ManifestHeader
    package var description: String?
    /// Holders are listed as administrators in the report.
    package var administrator: Bool
    /// Roles whose holders may assign this role; empty means no restriction.
    package var assignableBy: [Located<String>]
    package var rules: [RoleRule]

    package var id: String { header.id }
}

/// Actions allowed on the resources that match any of the patterns.
package struct RoleRule: Sendable {
    package var resources: [Located<ResourcePattern>]
    /// Action names; `*` means every action of the resource's type.
    package var actions: [Located<String>]
    package var location: SourceLocation
    /// Narrows the rule: it allows only while this holds.
    package var when: Condition? = nil
}
