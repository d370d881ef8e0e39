import AccessFormats

/// Every manifest of an access tree, decoded; lists are sorted by id.
public struct AccessTree: Sendable {
    public var root: String
    public var settings: Settings?
    public var principals: [Principal] = []
    public var teams: [Team] = []
    public var roles: [Role] = []
    public var resources: [Resource] = []
    public var policies: [Policy] = []
    public var bindings: [Binding] = []
    public var requests: [AccessRequest] = []
    /// How many manifest files were read.
    public var fileCount = 0
    /// Ids (file names) of manifests that had errors; references to them are not reported
    /// again as unknown, so one broken file gives one error, not one per reference.
    public var unreadableIDs: Set<String> = []

    public init(root: String) { self.root = root }

    public var manifestCount: Int {
        (settings == nil ? 0 : 1) + principals.count + teams.count + roles.count + resources.count
            + policies.count + bindings.count + requests.count
    }
}
