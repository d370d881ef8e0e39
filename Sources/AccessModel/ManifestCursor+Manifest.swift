import AccessFormats

extension ManifestCursor {
    /// The whole file: `apiVersion`, `kind`, `metadata` and `spec` (and a request's `status`),
    /// with `ManifestDecoder.decode`'s checks. The spec is read by its kind, so `kind` and
    /// `metadata` must come before it, as every file we write has them.
    mutating func manifest(file: String, relative: String, baseName: String) -> ScannedManifest? {
        guard let first = peek(), first.indent == 0 else { return nil }
        var versionOK = false
        var kind: ManifestKind?
        var name: Located<String>?
        var spec: RequestSpec?
        var configuration: ScannedManifest?
        var decisions: [Decision] = []
        var statusLocation: SourceLocation?
        let done = mapping(first, start: first.content, indent: 0) { s, key, location, value, _ in
            if s.equals(key, "apiVersion") {
                guard case .scalar(let text, _) = value, text == ManifestDecoder.apiVersion else { return false }
                versionOK = true
            } else if s.equals(key, "kind") {
                guard case .scalar(let text, _) = value, let read = ManifestKind(rawValue: text), ManifestScanner.kinds.contains(read) else { return false }
                kind = read
            } else if s.equals(key, "metadata") {
                guard case .below = value else { return false }
                return s.mappingBelow(0) { s, key, _, value, _ in
                    guard s.equals(key, "name"), let id = Self.id(value), id.value == baseName else { return false }
                    name = id
                    return true
                } != nil
            } else if s.equals(key, "spec") {
                guard case .below = value, let kind, let name else { return false }
                let header = ManifestHeader(file: file, kind: kind, name: name)
                func entry(_ text: String) -> ConfigurationEntry {
                    ConfigurationEntry(kind: kind.rawValue, name: name.value, path: relative, canonicalSpec: text)
                }
                switch kind {
                case .accessRequest:
                    spec = s.spec()
                    return spec != nil
                case .principal:
                    guard let (principal, text) = s.principal(header) else { return false }
                    configuration = .principal(principal, entry(text))
                case .team:
                    guard let (team, text) = s.team(header) else { return false }
                    configuration = .team(team, entry(text))
                case .resource:
                    guard let (resource, text) = s.resource(header) else { return false }
                    configuration = .resource(resource, entry(text))
                default:
                    return false
                }
            } else if s.equals(key, "status") {
                guard case .below = value, kind == .accessRequest, let read = s.status() else { return false }
                statusLocation = location
                decisions = read
            } else {
                return false
            }
            return true
        }
        guard done, versionOK, let kind, let name else { return nil }
        if kind == .accessRequest {
            guard let spec else { return nil }
            return .request(AccessRequest(
                header: ManifestHeader(file: file, kind: .accessRequest, name: name), spec: spec, decisions: decisions, statusLocation: statusLocation))
        }
        return configuration
    }
}
