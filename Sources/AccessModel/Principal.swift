import AccessFormats

/// A person or service account that can hold access.
package struct Principal: Sendable {
    package enum Kind: String, Sendable {
        case person, service
    }

    package var header: ManifestHeader
    package var displayName: String
    package var email: String?
    package var kind: Kind
    /// An outside consultant or contractor: may never be an administrator.
    package var external: Bool
    package var roles: [Located<String>]
    /// Who gave this principal its roles; checked against each role's `assignableBy`.
    package var assignedBy: Located<String>? = nil
    package var teams: [Located<String>]
    /// OpenSSH public key lines that may sign this principal's decisions.
    package var sshKeys: [Located<String>]
    /// The channels this principal is notified on; nil: the settings' default.
    package var notify: [NotificationChannel]? = nil
    /// Free attributes that conditions read (`principal.attributes.NAME`), in source order.
    package var attributes: [(key: String, value: String)] = []
    /// The team that answers for this principal (a customer's user: the customer's
    /// administrators); it owns the principal as an impersonation target `principal:ID`.
    package var owner: Located<String>? = nil
    /// How often the roles this principal names must be confirmed, and by whom.
    package var review: ReviewPolicy? = nil

    package var id: String { header.id }
}
