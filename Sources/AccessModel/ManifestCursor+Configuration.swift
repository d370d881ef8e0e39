import AccessFormats

extension ManifestCursor {
    /// The spec below `spec:` of a Principal, with `ManifestDecoder.decodePrincipal`'s checks,
    /// and its canonical text. Notification channels, attributes and reviews go the general way.
    mutating func principal(_ header: ManifestHeader) -> (Principal, String)? {
        var displayName: Located<String>?, email: Located<String>?, kind: Principal.Kind?, external: Bool?
        var roles: [Located<String>] = [], teams: [Located<String>] = [], sshKeys: [Located<String>] = []
        var assignedBy: Located<String>?, owner: Located<String>?
        var text = CanonicalSpec()
        let found = mappingBelow(0) { s, key, _, value, indent in
            let name = s.string(key)
            switch name {
            case "displayName": return Self.keep(Self.text(value), in: &displayName) && text.add(name, value)
            case "email": return Self.keep(Self.scalar(value).flatMap(Self.email), in: &email) && text.add(name, value)
            case "kind": return Self.keep(Self.scalar(value).flatMap { Principal.Kind(rawValue: $0.value) }, in: &kind) && text.add(name, value)
            case "external": return Self.keep(Self.scalar(value).flatMap { $0.value == "true" ? true : $0.value == "false" ? false : nil }, in: &external) && text.add(name, value)
            case "roles": return Self.keep(Self.ids(value), in: &roles) && text.add(name, value)
            case "teams": return Self.keep(Self.ids(value), in: &teams) && text.add(name, value)
            case "assignedBy": return Self.keep(Self.id(value), in: &assignedBy) && text.add(name, value)
            case "owner": return Self.keep(Self.id(value), in: &owner) && text.add(name, value)
            case "sshKeys":
                guard case .below = value, let keys = s.scalarsBelow(indent), keys.allSatisfy({ SSHPublicKey.problem($0.value) == nil }) else { return false }
                sshKeys = keys
                text.add(name, keys.map(\.value))
                return true
            default: return false
            }
        }
        guard found != nil, let displayName else { return nil }
        let principal = Principal(
            header: header, displayName: displayName.value, email: email?.value, kind: kind ?? .person, external: external ?? false, roles: roles,
            assignedBy: assignedBy, teams: teams, sshKeys: sshKeys, owner: owner)
        return (principal, text.text)
    }

    /// The spec of a Team, with `ManifestDecoder.decodeTeam`'s checks, and its canonical text.
    /// Reviews go the general way.
    mutating func team(_ header: ManifestHeader) -> (Team, String)? {
        var displayName: Located<String>?, description: Located<String>?, parent: Located<String>?, roles: [Located<String>] = []
        var assignedBy: Located<String>?
        var text = CanonicalSpec()
        let found = mappingBelow(0) { s, key, _, value, _ in
            let name = s.string(key)
            switch name {
            case "displayName": return Self.keep(Self.scalar(value), in: &displayName) && text.add(name, value)
            case "description": return Self.keep(Self.scalar(value), in: &description) && text.add(name, value)
            case "parent": return Self.keep(Self.id(value), in: &parent) && text.add(name, value)
            case "roles": return Self.keep(Self.ids(value), in: &roles) && text.add(name, value)
            case "assignedBy": return Self.keep(Self.id(value), in: &assignedBy) && text.add(name, value)
            default: return false
            }
        }
        guard found != nil else { return nil }
        let team = Team(header: header, displayName: displayName?.value, description: description?.value, parent: parent, roles: roles, assignedBy: assignedBy)
        return (team, text.text)
    }

    /// The spec of a Resource, with `ManifestDecoder.decodeResource`'s checks, and its
    /// canonical text. Attributes go the general way.
    mutating func resource(_ header: ManifestHeader) -> (Resource, String)? {
        var type: Located<String>?, owner: Located<String>?, displayName: Located<String>?, parent: Located<ResourceRef>?
        var text = CanonicalSpec()
        let found = mappingBelow(0) { s, key, _, value, _ in
            let name = s.string(key)
            switch name {
            case "type": return Self.keep(Self.id(value), in: &type) && text.add(name, value)
            case "owner": return Self.keep(Self.id(value), in: &owner) && text.add(name, value)
            case "displayName": return Self.keep(Self.scalar(value), in: &displayName) && text.add(name, value)
            case "parent": return Self.keep(Self.scalar(value).flatMap { s in ResourceRef(s.value).map { Located($0, at: s.location) } }, in: &parent) && text.add(name, value)
            default: return false
            }
        }
        guard found != nil, let type, let owner else { return nil }
        return (Resource(header: header, type: type, displayName: displayName?.value, owner: owner, parent: parent, attributes: []), text.text)
    }

    /// Keeps a field's value; false (the scanner gives up) when the decoder would refuse it.
    static func keep<T>(_ value: T?, in field: inout T?) -> Bool {
        field = value
        return value != nil
    }

    static func keep<T>(_ value: [T]?, in field: inout [T]) -> Bool {
        guard let value else { return false }
        field = value
        return true
    }

    /// A one-line scalar value with its position.
    static func scalar(_ value: Value) -> Located<String>? {
        guard case .scalar(let text, let at) = value else { return nil }
        return Located(text, at: at)
    }

    /// An address `ManifestDecoder` accepts for a principal's email.
    static func email(_ address: Located<String>) -> Located<String>? {
        ManifestDecoder.isPlausibleEmail(address.value) ? address : nil
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
