import AccessFormats

/// The organization's settings: `accessctl.yaml` at the root of the tree.
package struct Settings: Sendable {
    package var header: ManifestHeader
    /// The organization id; part of every signed payload.
    package var organization: Located<String>
    package var displayName: String
    /// The `ssh-keygen -n` namespace of signatures.
    package var signatureNamespace: String
    package var reportTitle: String?
    package var resourceTypes: [ResourceType]
    package var durationPresets: [(name: String, duration: AccessDuration)]
    /// How many administrators of the trusted configuration must sign a new one (`trust.threshold`).
    package var trustThreshold = 2
    /// The `notifications` block (defaults when absent).
    package var notifications = NotificationSettings()
    /// Attributes principals may carry and that conditions may read (`attributes.principal`).
    package var principalAttributes: [Located<String>] = []
    /// Resource attributes that conditions may read (`attributes.resource`).
    package var resourceAttributes: [Located<String>] = []
    /// The `reviews` block: grace and what an overdue review does.
    package var reviews = ReviewSettings()

    /// What a condition in a rule or a policy may refer to.
    package func conditionScope(_ place: ConditionScope.Place) -> ConditionScope {
        ConditionScope(place: place, principalAttributes: Set(principalAttributes.map(\.value)), resourceAttributes: Set(resourceAttributes.map(\.value)))
    }

    /// The declared type named `name`.
    package func resourceType(_ name: String) -> ResourceType? {
        resourceTypes.first { $0.name == name }
    }

    /// Every action any resource type declares.
    package var allActions: Set<String> { Set(resourceTypes.flatMap(\.actions)) }
}

/// A resource type and the actions its resources support.
package struct ResourceType: Sendable {
    package var name: String
    package var location: SourceLocation
    package var description: String?
    package var actions: [String]
    /// Holding the key action also grants the listed ones (for example admin implies read).
    package var implies: [String: [String]] = [:]
    /// The key action is allowed only if the listed ones are too (for example share requires update).
    package var requires: [String: [String]] = [:]
}
