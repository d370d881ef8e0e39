import AccessFormats

/// Every manifest of an access tree, decoded; lists are sorted by id.
package struct AccessTree: Sendable {
    package var root: String
    package var settings: Settings?
    package var principals: [Principal] = []
    package var teams: [Team] = []
    package var roles: [Role] = []
    package var resources: [Resource] = []
    package var policies: [Policy] = []
    package var bindings: [Binding] = []
    package var requests: [AccessRequest] = []
    /// Every configuration manifest (all kinds but AccessRequest) as read, for its digest.
    package var configuration: [ConfigurationEntry] = [] {
        didSet { knownConfigurationDigest = nil }
    }
    /// The digest of `configuration`, when the loader worked it out beside validation; any
    /// change to `configuration` forgets it.
    private var knownConfigurationDigest: String?
    /// The report's templates from the tree's `templates/` folder, by file name; they are
    /// configuration (in its digest), so they restyle the report only once trusted.
    package var templates: [TemplateFile] = []
    /// How many manifest files were read.
    package var fileCount = 0
    /// Ids (file names) of manifests that had errors; references to them are not reported
    /// again as unknown, so one broken file gives one error, not one per reference.
    package var unreadableIDs: Set<String> = []

    package init(root: String) { self.root = root }

    /// `ConfigurationEntry.digest(configuration)`: what configuration trust compares.
    package var configurationDigest: String { knownConfigurationDigest ?? ConfigurationEntry.digest(configuration) }

    /// Keeps `digest`, worked out from `entries`, if they are still this tree's configuration:
    /// the same storage, which a change since would have copied (`entries` shares it).
    package mutating func remember(configurationDigest digest: String, of entries: [ConfigurationEntry]) {
        let same = entries.count == configuration.count
            && entries.withUnsafeBufferPointer { a in configuration.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
        if same { knownConfigurationDigest = digest }
    }

    /// Adds the manifests of `fragment` (one file's, decoded apart) after this tree's. Only
    /// `accessctl.yaml` at the root may hold Settings, so at most one fragment has them.
    package mutating func join(_ fragment: AccessTree) {
        if settings == nil { settings = fragment.settings }
        principals += fragment.principals
        teams += fragment.teams
        roles += fragment.roles
        resources += fragment.resources
        policies += fragment.policies
        bindings += fragment.bindings
        requests += fragment.requests
        configuration += fragment.configuration
    }

    package var manifestCount: Int {
        (settings == nil ? 0 : 1) + principals.count + teams.count + roles.count + resources.filter { !$0.derived }.count
            + policies.count + bindings.count + requests.count
    }
}
