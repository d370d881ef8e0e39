import AccessFormats

/// A standing grant: subjects get a role on resources, optionally within a window.
public struct Binding: Sendable {
    public var header: ManifestHeader
    public var description: String?
    /// Principals and teams; roles are not allowed as binding subjects.
    public var subjects: SubjectSet
    public var role: Located<String>
    /// Who gave the role; checked against the role's `assignableBy`.
    public var assignedBy: Located<String>? = nil
    public var resources: [Located<ResourcePattern>]
    public var validFrom: Located<Timestamp>?
    public var validTo: Located<Timestamp>?

    public var id: String { header.id }
}
