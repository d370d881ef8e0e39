import AccessFormats

extension ManifestCursor {
    /// The spec below `spec:` of a Principal, with `ManifestDecoder.decodePrincipal`'s checks,
    /// and its canonical text. Notification channels, attributes and reviews go the general way.
    mutating func principal(_ header: ManifestHeader) -> (Principal, String)? {
        var displayName: Located<String>?, email: Located<String>?, kind = Principal.Kind.person, external = false
        var roles: [Located<String>] = [], teams: [Located<String>] = [], sshKeys: [Located<String>] = []
        var assignedBy: Located<String>?, owner: Located<String>?
        var text = CanonicalSpec()
        let found = mappingBelow(0) { s, key, _, value, indent in
            let name = s.string(key)
            switch name {
            case "displayName": displayName = Self.text(value)
            case "email":
                guard case .scalar(let address, let at) = value, ManifestDecoder.isPlausibleEmail(address) else { return false }
                email = Located(address, at: at)
            case "kind":
                guard case .scalar(let word, _) = value, let read = Principal.Kind(rawValue: word) else { return false }
                kind = read
            case "external":
                guard case .scalar(let word, _) = value, word == "true" || word == "false" else { return false }
                external = word == "true"
            case "roles": roles = Self.ids(value) ?? []
            case "teams": teams = Self.ids(value) ?? []
            case "assignedBy": assignedBy = Self.id(value)
            case "owner": owner = Self.id(value)
            case "sshKeys":
                guard case .below = value, let keys = s.scalarsBelow(indent), keys.allSatisfy({ SSHPublicKey.problem($0.value) == nil }) else { return false }
                sshKeys = keys
                text.add(name, keys.map(\.value))
                return true
            default: return false
            }
            return text.add(name, value)
        }
        // A value the decoder would refuse left its field nil or empty; the checks below give up then.
        guard found != nil, let displayName, text.has("roles") == !roles.isEmpty, text.has("teams") == !teams.isEmpty,
            text.has("assignedBy") == (assignedBy != nil), text.has("owner") == (owner != nil)
        else { return nil }
        let principal = Principal(
            header: header, displayName: displayName.value, email: email?.value, kind: kind, external: external, roles: roles,
            assignedBy: assignedBy, teams: teams, sshKeys: sshKeys, owner: owner)
        return (principal, text.text)
    }

    /// The spec of a Team, with `ManifestDecoder.decodeTeam`'s checks, and its canonical text.
    /// Reviews go the general way.
    mutating func team(_ header: ManifestHeader) -> (Team, String)? {
        var displayName: String?, description: String?, parent: Located<String>?, roles: [Located<String>] = [], assignedBy: Located<String>?
        var text = CanonicalSpec()
        let found = mappingBelow(0) { s, key, _, value, _ in
            let name = s.string(key)
            switch name {
            case "displayName": displayName = Self.scalar(value)
            case "description": description = Self.scalar(value)
            case "parent": parent = Self.id(value)
            case "roles": roles = Self.ids(value) ?? []
            case "assignedBy": assignedBy = Self.id(value)
            default: return false
            }
            return text.add(name, value)
        }
        guard found != nil, text.has("displayName") == (displayName != nil), text.has("description") == (description != nil),
            text.has("parent") == (parent != nil), text.has("roles") == !roles.isEmpty, text.has("assignedBy") == (assignedBy != nil)
        else { return nil }
        return (Team(header: header, displayName: displayName, description: description, parent: parent, roles: roles, assignedBy: assignedBy), text.text)
    }

    /// The spec of a Resource, with `ManifestDecoder.decodeResource`'s checks, and its
    /// canonical text. Attributes go the general way.
    mutating func resource(_ header: ManifestHeader) -> (Resource, String)? {
        var type: Located<String>?, owner: Located<String>?, displayName: String?, parent: Located<ResourceRef>?
        var text = CanonicalSpec()
        let found = mappingBelow(0) { s, key, _, value, _ in
            let name = s.string(key)
            switch name {
            case "type": type = Self.id(value)
            case "owner": owner = Self.id(value)
            case "displayName": displayName = Self.scalar(value)
            case "parent":
                guard case .scalar(let written, let at) = value, let ref = ResourceRef(written) else { return false }
                parent = Located(ref, at: at)
            default: return false
            }
            return text.add(name, value)
        }
        guard found != nil, let type, let owner, text.has("displayName") == (displayName != nil) else { return nil }
        return (Resource(header: header, type: type, displayName: displayName, owner: owner, parent: parent, attributes: []), text.text)
    }

    /// A block list of plain one-line scalars below a key at `indent`.
    mutating func scalarsBelow(_ indent: Int) -> [Located<String>]? {
        var items: [Located<String>] = []
        let read = listBelow(indent) { s, line, start, _ in
            guard Self.isAlphanumeric(s.b[start]), let end = s.plainEnd(line, from: start) else { return false }
            items.append(Located(s.string(start..<end), at: s.location(line, start)))
            s.consume(line)
            return true
        }
        return read ? items : nil
    }

    static func scalar(_ value: Value) -> String? {
        guard case .scalar(let text, _) = value else { return nil }
        return text
    }

    /// A spec's canonical text as `ConfigurationEntry.canonicalText` writes it from the node
    /// tree: members in key order, every scalar as a string.
    struct CanonicalSpec {
        var members: [(key: String, json: [UInt8])] = []

        /// Adds a scalar or a flow list; false for any other value.
        mutating func add(_ key: String, _ value: Value) -> Bool {
            switch value {
            case .scalar(let text, _):
                var json: [UInt8] = []
                CanonicalJSON.writeString(text, to: &json)
                members.append((key, json))
            case .list(let items, _): add(key, items.map(\.value))
            case .block, .below: return false
            }
            return true
        }

        mutating func add(_ key: String, _ strings: [String]) {
            var json: [UInt8] = [UInt8(ascii: "[")]
            for (i, s) in strings.enumerated() {
                if i > 0 { json.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(s, to: &json)
            }
            json.append(UInt8(ascii: "]"))
            members.append((key, json))
        }

        func has(_ key: String) -> Bool { members.contains { $0.key == key } }

        var text: String {
            var out: [UInt8] = [UInt8(ascii: "{")]
            for (i, member) in members.sorted(by: { CanonicalJSON.utf16Less($0.key, $1.key) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                out += member.json
            }
            out.append(UInt8(ascii: "}"))
            return String(decoding: out, as: UTF8.self)
        }
    }
}
