import AccessFormats

extension ManifestCursor {
    /// The spec below `spec:` of a Principal, with `ManifestDecoder.decodePrincipal`'s checks,
    /// and its canonical text. Notification channels, attributes and reviews go the general way.
    mutating func principal(_ header: ManifestHeader) -> (Principal, String)? {
        var displayName: Located<String>?, email: Located<String>?, kind: Principal.Kind?, external: Bool?
        var roles: [Located<String>] = [], teams: [Located<String>] = [], sshKeys: [Located<String>] = []
        var assignedBy: Located<String>?, owner: Located<String>?
        let text = configurationSpec { name, value in
            switch name {
            case "displayName": Self.keep(Self.text(value), in: &displayName)
            case "email": Self.keep(Self.scalar(value).flatMap(Self.email), in: &email)
            case "kind": Self.keep(Self.scalar(value).flatMap { Principal.Kind(rawValue: $0.value) }, in: &kind)
            case "external": Self.keep(Self.scalar(value).flatMap { $0.value == "true" ? true : $0.value == "false" ? false : nil }, in: &external)
            case "roles": Self.keep(Self.ids(value), in: &roles)
            case "teams": Self.keep(Self.ids(value), in: &teams)
            case "assignedBy": Self.keep(Self.id(value), in: &assignedBy)
            case "owner": Self.keep(Self.id(value), in: &owner)
            case "sshKeys": Self.keep(Self.keys(value), in: &sshKeys)
            default: false
            }
        }
        guard let text, let displayName else { return nil }
        let principal = Principal(
            header: header, displayName: displayName.value, email: email?.value, kind: kind ?? .person, external: external ?? false, roles: roles,
            assignedBy: assignedBy, teams: teams, sshKeys: sshKeys, owner: owner)
        return (principal, text)
    }

    /// The spec of a Team, with `ManifestDecoder.decodeTeam`'s checks, and its canonical text.
    /// Reviews go the general way.
    mutating func team(_ header: ManifestHeader) -> (Team, String)? {
        var displayName: Located<String>?, description: Located<String>?, parent: Located<String>?, roles: [Located<String>] = []
        var assignedBy: Located<String>?
        let text = configurationSpec { name, value in
            switch name {
            case "displayName": Self.keep(Self.scalar(value), in: &displayName)
            case "description": Self.keep(Self.scalar(value), in: &description)
            case "parent": Self.keep(Self.id(value), in: &parent)
            case "roles": Self.keep(Self.ids(value), in: &roles)
            case "assignedBy": Self.keep(Self.id(value), in: &assignedBy)
            default: false
            }
        }
        guard let text else { return nil }
        return (Team(header: header, displayName: displayName?.value, description: description?.value, parent: parent, roles: roles, assignedBy: assignedBy), text)
    }

    /// The spec of a Resource, with `ManifestDecoder.decodeResource`'s checks, and its
    /// canonical text. Attributes go the general way.
    mutating func resource(_ header: ManifestHeader) -> (Resource, String)? {
        var type: Located<String>?, owner: Located<String>?, displayName: Located<String>?, parent: Located<ResourceRef>?
        let text = configurationSpec { name, value in
            switch name {
            case "type": Self.keep(Self.id(value), in: &type)
            case "owner": Self.keep(Self.id(value), in: &owner)
            case "displayName": Self.keep(Self.scalar(value), in: &displayName)
            case "parent": Self.keep(Self.scalar(value).flatMap { s in ResourceRef(s.value).map { Located($0, at: s.location) } }, in: &parent)
            default: false
            }
        }
        guard let text, let type, let owner else { return nil }
        return (Resource(header: header, type: type, displayName: displayName?.value, owner: owner, parent: parent, attributes: []), text)
    }

    /// Reads the fields of a configuration spec below `spec:`: `field` keeps each one by its
    /// name (false: the scanner gives up), given a one-line value or a block list of one-line
    /// items. Gives the spec's canonical text, written by `ConfigurationEntry.canonicalText`
    /// from the values kept, as the general path writes it from the node tree.
    mutating func configurationSpec(_ field: (String, Value) -> Bool) -> String? {
        var entries: [Node.Entry] = []
        let found = mappingBelow(0) { s, key, location, value, indent in
            var value = value
            if case .below = value {
                guard let items = s.scalarsBelow(indent) else { return false }
                value = .list(items, location)
            }
            let name = s.string(key)
            guard field(name, value), let node = Self.node(value) else { return false }
            entries.append(Node.Entry(key: name, keyLocation: location, value: node))
            return true
        }
        guard found != nil else { return nil }
        return ConfigurationEntry.canonicalText(Node(.mapping(entries), at: .start))
    }

    /// A one-line value or a list as the parser's node: every scalar a string.
    static func node(_ value: Value) -> Node? {
        switch value {
        case .scalar(let text, let at): Node(.string(text), at: at)
        case .list(let items, let at): Node(.sequence(items.map { Node(.string($0.value), at: $0.location) }), at: at)
        case .block, .below: nil
        }
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

    /// SSH public key lines `ManifestDecoder` accepts.
    static func keys(_ value: Value) -> [Located<String>]? {
        guard case .list(let items, _) = value, items.allSatisfy({ SSHPublicKey.problem($0.value) == nil }) else { return nil }
        return items
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
}
