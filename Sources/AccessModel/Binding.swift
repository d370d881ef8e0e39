import AccessFormats

/// A standing grant: subjects get a role on resources, optionally within a window.
package struct Binding: Sendable {
    package var header: ManifestHeader
    package var description: String?
    /// Principals and teams; roles are not allowed as binding subjects.
    package var subjects: SubjectSet
    package var role: Located<String>
    /// Who gave the role; checked against the role's `assignableBy`.
    package var assignedBy: Located<String>? = nil
    package var resources: [Located<ResourcePattern>]
    package var validFrom: Located<Timestamp>?
    package var validTo: Located<Timestamp>?
    /// How often each grant this binding gives must be confirmed, and by whom.
    package var review: ReviewPolicy? = nil

    package var id: String { header.id }
}
