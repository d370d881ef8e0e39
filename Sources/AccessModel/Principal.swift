import AccessFormats

/// A person or service account that can hold access.
public struct Principal: Sendable {
    public enum Kind: String, Sendable {
        case person, service
    }

    public var header: ManifestHeader
    public var displayName: String
    public var email: String?
    public var kind: Kind
    /// An outside consultant or contractor: may never be an administrator.
    public var external: Bool
    public var roles: [Located<String>]
    /// Who gave this principal its roles; checked against each role's `assignableBy`.
    public var assignedBy: Located<String>? = nil
    public var teams: [Located<String>]
    /// OpenSSH public key lines that may sign this principal's decisions.
    public var sshKeys: [Located<String>]

    public var id: String { header.id }
}
