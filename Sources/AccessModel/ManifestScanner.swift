import AccessFormats

/// Reads the files in the plain shape people and `accessctl approve` write, straight from
/// their bytes into the model, without a node tree: requests, principals, teams and
/// resources. For anything else it gives nil and the file goes to the YAML parser and
/// `ManifestDecoder`, which report its problems.
///
/// These kinds are nearly all of a tree's files, and building a node per scalar, then looking
/// each key up again, was about half of loading. The scanner accepts only a subset of what
/// the parser accepts (one-line plain and double-quoted values without escapes, one-line
/// flow lists of simple items, block lists of plain one-line items, `|` signatures, no
/// comments, tabs, CR or control characters, block mappings and lists at any indentation,
/// `kind` and `metadata` before `spec`), and within it gives exactly what `ManifestDecoder`
/// decodes, positions and the configuration entry's canonical spec included; wherever the
/// decoder would report anything it gives nil. A differential test holds the two together on
/// generated and mutated files.
package enum ManifestScanner {
    /// The kinds the scanner reads; every other kind goes the general way.
    static let kinds: Set<ManifestKind> = [.accessRequest, .principal, .team, .resource]

    /// The manifest `bytes` hold, or nil when the general path must read them. `bytes` must be
    /// UTF-8 and within the size limit (`ManifestReader.check`); `file` names the file in the
    /// model, as `ManifestDecoder` would get it; `relative` is its path in the tree and
    /// `baseName` its name without extension.
    package static func decode(_ bytes: [UInt8], file: String, relative: String, baseName: String) -> ScannedManifest? {
        bytes.withUnsafeBufferPointer { buffer in
            guard ManifestCursor.plainCharacters(buffer) else { return nil }
            var cursor = ManifestCursor(b: buffer)
            return cursor.manifest(file: file, relative: relative, baseName: baseName)
        }
    }
}

/// One manifest `ManifestScanner` read: the model value, and for configuration its entry in
/// the configuration digest, as `ManifestDecoder` makes them.
package enum ScannedManifest: Sendable {
    case request(AccessRequest)
    case principal(Principal, ConfigurationEntry)
    case team(Team, ConfigurationEntry)
    case resource(Resource, ConfigurationEntry)

    /// Adds the manifest to `tree` as `ManifestDecoder.decode` does: the configuration entry,
    /// then the value.
    package func add(to tree: inout AccessTree) {
        switch self {
        case .request(let request): tree.requests.append(request)
        case .principal(let principal, let entry):
            tree.configuration.append(entry)
            tree.principals.append(principal)
        case .team(let team, let entry):
            tree.configuration.append(entry)
            tree.teams.append(team)
        case .resource(let resource, let entry):
            tree.configuration.append(entry)
            tree.resources.append(resource)
        }
    }
}
