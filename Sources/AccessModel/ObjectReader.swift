import AccessFormats

/// Reads the fields of one mapping strictly: wrong types, bad values and unknown fields are
/// each reported at their position; a missing or bad field reads as nil.
struct ObjectReader {
    let file: String
    /// The dotted path of this mapping in the manifest, for messages ("spec.terms").
    let path: String
    let location: SourceLocation
    /// Where a missing field is reported: the key that holds this mapping, or the mapping.
    let anchor: SourceLocation
    let entries: [Node.Entry]
    let log: DiagnosticCollector

    /// A reader for `node`, or nil (with an error) if it is not a mapping.
    init?(_ node: Node, file: String, path: String, log: DiagnosticCollector, anchor: SourceLocation? = nil) {
        guard case .mapping(let entries) = node.value else {
            log.add(file, node.location, "\(path) must be a mapping, found \(node.typeName)")
            return nil
        }
        self.file = file
        self.path = path
        self.location = node.location
        self.anchor = anchor ?? node.location
        self.entries = entries
        self.log = log
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Reports every field not in `allowed`, suggesting the closest allowed one.
    func allow(_ allowed: [String]) {
        // By position: iterating the entries would copy each key and value (a retain and a
        // release per field of every manifest).
        for i in entries.indices where !allowed.contains(where: { $0.exactlyEquals(entries[i].key) }) {
            let entry = entries[i]
            var message = "unknown field '\(entry.key)'" + (path.isEmpty ? "" : " in \(path)")
            if let lookAlike = allowed.first(where: { $0 == entry.key || $0.lowercased() == entry.key.lowercased() }) {
                // Canonically equivalent or differing in case only: the same to the eye, not to a parser.
                message += "; did you mean '\(lookAlike)'?" + (entry.key.nonASCIICodePoints.isEmpty ? "" : " This one is spelled with \(entry.key.nonASCIICodePoints)")
            } else if let guess = closestMatch(to: entry.key, in: allowed) {
                message += "; did you mean '\(guess)'?"
            } else {
                message += "; expected one of: " + allowed.joined(separator: ", ")
            }
            log.add(file, entry.keyLocation, message)
        }
    }

    /// The position of `key` among the entries. Lookups go by position so that only the
    /// value asked for is copied, not each entry looked at (a third of decoding was copies).
    private func index(of key: String) -> Int? {
        entries.firstIndex { $0.key.exactlyEquals(key) }
    }

    /// The value of `key`; a null value counts as absent.
    func node(_ key: String, required: Bool = false) -> Node? {
        if let i = index(of: key) {
            if entries[i].value.isNull {
                if required { log.add(file, entries[i].value.location, "\(name(key)) needs a value") }
                return nil
            }
            return entries[i].value
        }
        if required { log.add(file, anchor, "missing required field '\(name(key))'") }
        return nil
    }

    /// Whether `key` has a value that is not null, without copying it.
    func has(_ key: String) -> Bool {
        guard let i = index(of: key) else { return false }
        return !entries[i].value.isNull
    }

    /// The location of the key itself, for errors about the whole field.
    func keyLocation(_ key: String) -> SourceLocation {
        index(of: key).map { entries[$0].keyLocation } ?? location
    }

    func string(_ key: String, required: Bool = false) -> Located<String>? {
        guard let node = node(key, required: required) else { return nil }
        return scalarString(node, name(key))
    }

    /// `what` names the field in a message; worked out only when there is one to print.
    func scalarString(_ node: Node, _ what: @autoclosure () -> String) -> Located<String>? {
        guard case .string(let s) = node.value else {
            log.add(file, node.location, "\(what()) must be a string, found \(node.typeName)")
            return nil
        }
        return Located(s, at: node.location)
    }

    /// A string that must not be empty or only white space.
    func text(_ key: String, required: Bool = false) -> Located<String>? {
        guard let s = string(key, required: required) else { return nil }
        // Most text starts with an ASCII letter: then its first character is not white space,
        // and Unicode's character properties need not be asked for every reason of every request.
        if let first = s.value.utf8.first, first > 0x20, first < 0x7F { return s }
        if s.value.allSatisfy(\.isWhitespace) {
            log.add(file, s.location, "\(name(key)) must not be empty")
            return nil
        }
        return s
    }

    func id(_ key: String, required: Bool = false) -> Located<String>? {
        guard let s = string(key, required: required) else { return nil }
        return checkedID(s, name(key))
    }

    /// `what` is worked out only for a message, as in `scalarString`.
    func checkedID(_ s: Located<String>, _ what: @autoclosure () -> String) -> Located<String>? {
        if let problem = Identifier.problem(s.value) {
            log.add(file, s.location, "invalid \(what()) '\(s.value)': \(problem)")
            return nil
        }
        return s
    }

    func bool(_ key: String) -> Bool? {
        guard let node = node(key) else { return nil }
        switch node.value {
        case .bool(let b): return b
        case .string("true"): return true
        case .string("false"): return false
        default:
            log.add(file, node.location, "\(name(key)) must be true or false")
            return nil
        }
    }

    func int(_ key: String, range: ClosedRange<Int>) -> Located<Int>? {
        guard let node = node(key) else { return nil }
        var parsed: Int?
        switch node.value {
        case .string(let s) where !s.isEmpty && s.utf8.count < 10 && s.allSatisfy({ $0.isASCII && $0.isNumber }):
            parsed = Int(s)
        case .number(_, let v) where v.rounded() == v && abs(v) < 1e9:
            parsed = Int(v)
        default: break
        }
        guard let value = parsed, range.contains(value) else {
            log.add(file, node.location, "\(name(key)) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return Located(value, at: node.location)
    }

    /// A list; absent or null reads as empty.
    func list(_ key: String, required: Bool = false) -> [Node] {
        guard let node = node(key, required: required) else { return [] }
        guard case .sequence(let items) = node.value else {
            log.add(file, node.location, "\(name(key)) must be a list, found \(node.typeName)")
            return []
        }
        if required, items.isEmpty {
            log.add(file, node.location, "\(name(key)) must not be empty")
        }
        return items
    }

    func strings(_ key: String, required: Bool = false) -> [Located<String>] {
        list(key, required: required).compactMap { scalarString($0, "each entry of \(name(key))") }
    }

    func ids(_ key: String, required: Bool = false) -> [Located<String>] {
        strings(key, required: required).compactMap { checkedID($0, "entry of \(name(key))") }
    }

    func object(_ key: String, required: Bool = false) -> ObjectReader? {
        guard let node = node(key, required: required) else { return nil }
        return ObjectReader(node, file: file, path: name(key), log: log, anchor: keyLocation(key))
    }

    /// Converts a string with `parse`, or logs "invalid WHAT 'text' in FIELD: HINT".
    func convert<T>(_ s: Located<String>, _ what: String, in field: @autoclosure () -> String, hint: String, _ parse: (String) -> T?) -> Located<T>? {
        guard let value = parse(s.value) else {
            log.add(file, s.location, "invalid \(what) '\(s.value)' in \(field()): \(hint)")
            return nil
        }
        return Located(value, at: s.location)
    }

    static let timeHint = "write RFC 3339 in UTC, like 2026-11-22T09:00:00Z"
    static let durationHint = "write for example 30m, 4h, 1d, 1w, 2d12h or permanent"
    static let resourceHint = "write TYPE:NAME, like site:acme-prod"
    static let patternHint = "write TYPE:NAME, TYPE:prefix-*, TYPE:* or *"

    func timestamp(_ key: String, required: Bool = false) -> Located<Timestamp>? {
        string(key, required: required).flatMap { convert($0, "time", in: name(key), hint: Self.timeHint, Timestamp.init(rfc3339:)) }
    }

    func duration(_ key: String, required: Bool = false) -> Located<AccessDuration>? {
        string(key, required: required).flatMap { convert($0, "duration", in: name(key), hint: Self.durationHint, AccessDuration.init) }
    }

    func resourceRef(_ key: String) -> Located<ResourceRef>? {
        string(key).flatMap { convert($0, "resource", in: name(key), hint: Self.resourceHint, ResourceRef.init) }
    }

    func resourceRefs(_ key: String, required: Bool = false) -> [Located<ResourceRef>] {
        strings(key, required: required).compactMap { convert($0, "resource", in: name(key), hint: Self.resourceHint, ResourceRef.init) }
    }

    func patterns(_ key: String, required: Bool = false) -> [Located<ResourcePattern>] {
        strings(key, required: required).compactMap { convert($0, "resource pattern", in: name(key), hint: Self.patternHint, ResourcePattern.init) }
    }

    /// A mapping of string keys to string values, in source order.
    func stringMap(_ key: String) -> [(key: String, value: String)] {
        guard let reader = object(key) else { return [] }
        return reader.entries.compactMap { entry in
            guard let value = scalarString(entry.value, "\(name(key)).\(entry.key)") else { return nil }
            return (entry.key, value.value)
        }
    }
}
