import AccessFormats

/// The organization's settings: `accessctl.yaml` at the root of the tree.
public struct Settings: Sendable {
    public var header: ManifestHeader
    /// The organization id; part of every signed payload.
    public var organization: Located<String>
    public var displayName: String
    /// The `ssh-keygen -n` namespace of signatures.
    public var signatureNamespace: String
    public var reportTitle: String?
    public var resourceTypes: [ResourceType]
    public var durationPresets: [(name: String, duration: AccessDuration)]

    /// The declared type named `name`.
    public func resourceType(_ name: String) -> ResourceType? {
        resourceTypes.first { $0.name == name }
    }

    /// Every action any resource type declares.
    public var allActions: Set<String> { Set(resourceTypes.flatMap(\.actions)) }
}

/// A resource type and the actions its resources support.
public struct ResourceType: Sendable {
    public var name: String
    public var location: SourceLocation
    public var description: String?
    public var actions: [String]
    /// Holding the key action also grants the listed ones (for example admin implies read).
    public var implies: [String: [String]] = [:]
    /// The key action is allowed only if the listed ones are too (for example share requires update).
    public var requires: [String: [String]] = [:]
}
