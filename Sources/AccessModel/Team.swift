import AccessFormats

/// A group of principals; a child team inherits its parent's roles.
package struct Team: Sendable {
    package var header: ManifestHeader
    package var displayName: String?
    package var description: String?
    package var parent: Located<String>?
    package var roles: [Located<String>]
    /// Who gave this team its roles; checked against each role's `assignableBy`.
    package var assignedBy: Located<String>? = nil
    /// How often the roles this team gives each member must be confirmed, and by whom.
    package var review: ReviewPolicy? = nil

    package var id: String { header.id }
}
