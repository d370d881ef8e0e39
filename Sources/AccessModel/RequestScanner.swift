import AccessFormats

/// Reads an AccessRequest file in the plain shape people and `accessctl approve` write
/// straight from its bytes into the model, without a node tree; for anything else it gives
/// nil and the file goes to the YAML parser and `ManifestDecoder`, which report its problems.
///
/// Requests are most of a tree's files, and building a node per scalar, then looking each key
/// up again, was about half of loading. The scanner accepts only a subset of what the parser
/// accepts (one-line plain and double-quoted values without escapes, one-line flow lists of
/// simple items, `|` signatures, no comments, tabs, CR or control characters, block mappings
/// and lists at any indentation), and within it gives exactly the value `ManifestDecoder`
/// decodes, positions included; wherever the decoder would report anything it gives nil. A
/// differential test holds the two together on generated and mutated files.
package enum RequestScanner {
    /// The request `bytes` hold, or nil when the general path must read them. `bytes` must be
    /// UTF-8 and within the size limit (`ManifestReader.check`); `file` names the file in the
    /// model, as `ManifestDecoder` would get it; `baseName` is its name without extension.
    package static func decode(_ bytes: [UInt8], file: String, baseName: String) -> AccessRequest? {
        bytes.withUnsafeBufferPointer { buffer in
            guard Scanner.plainCharacters(buffer) else { return nil }
            var scanner = Scanner(b: buffer)
            return scanner.request(file: file, baseName: baseName)
        }
    }
}

/// A cursor over the file's lines; every method returns nil or false to give up.
private struct Scanner {
    let b: UnsafeBufferPointer<UInt8>
    /// Where the next unread line starts, and its 1-based number.
    var pos = 0
    var lineNumber = 1

    init(b: UnsafeBufferPointer<UInt8>) {
        self.b = b
    }

    static let lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), colon = UInt8(ascii: ":"), dash = UInt8(ascii: "-")
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), pipe = UInt8(ascii: "|")
    static let open = UInt8(ascii: "["), close = UInt8(ascii: "]")

    /// No byte the scanner leaves to the parser: control characters (the parser refuses them),
    /// tabs and CR (rules about where they may stand), `#` (comments), a byte order mark.
    static func plainCharacters(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return false }
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x20 {
                if c != lf { return false }
            } else if c == 0x7F || c == UInt8(ascii: "#") {
                return false
            } else if c == 0xC2, i + 1 < n, b[i + 1] >= 0x80, b[i + 1] <= 0x9F {
                return false
            }
            i += 1
        }
        return true
    }

    // MARK: - Lines

    /// A line with content: its number, where it starts, its indentation and its end (the
    /// line feed's offset, or the file's end).
    struct Line {
        var number: Int
        var start: Int
        var indent: Int
        var end: Int
        var content: Int { start + indent }
    }

    /// The next line that is not blank, not consumed; nil at the end.
    func peek() -> Line? {
        var i = pos
        var number = lineNumber
        let n = b.count
        while i < n {
            let start = i
            while i < n, b[i] == Self.space { i += 1 }
            if i < n, b[i] != Self.lf {
                var end = i
                while end < n, b[end] != Self.lf { end += 1 }
                return Line(number: number, start: start, indent: i - start, end: end)
            }
            i += 1
            number += 1
        }
        return nil
    }

    mutating func consume(_ line: Line) {
        pos = min(line.end + 1, b.count)
        lineNumber = line.number + 1
    }

    func location(_ line: Line, _ offset: Int) -> SourceLocation {
        // Columns count scalars; every offset asked about has only ASCII before it on its line
        // (indentation, keys, and flow items of ASCII characters).
        SourceLocation(line: line.number, column: offset - line.start + 1)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let t = text.utf8Start
        for k in 0..<range.count where b[range.lowerBound + k] != t[k] { return false }
        return true
    }

    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    static func isAlphanumeric(_ c: UInt8) -> Bool { isLetter(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) }
    /// What a flow list item may hold here: enough for ids and resource references.
    static func isItemByte(_ c: UInt8) -> Bool {
        isAlphanumeric(c) || c == dash || c == colon || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/")
    }

    // MARK: - Values

    /// A value written on the key's line, or below it.
    enum Value {
        /// A plain or double-quoted scalar's text.
        case scalar(String, SourceLocation)
        /// A flow list's items.
        case list([Located<String>], SourceLocation)
        /// A `|` block's text.
        case block(String, SourceLocation)
        /// Nothing on the key's line: a mapping or list on the lines below.
        case below
    }

    /// One `key: value` line of a mapping at `line`'s indentation, from `start` (the key's
    /// first byte: after `- ` for a list item's first key). Consumes the value's lines, except
    /// for `.below`, where only the key's line is consumed.
    mutating func entry(_ line: Line, from start: Int, indent: Int) -> (key: Range<Int>, location: SourceLocation, value: Value)? {
        var i = start
        while i < line.end, Self.isLetter(b[i]) { i += 1 }
        guard i > start, i < line.end, b[i] == Self.colon else { return nil }
        let key = start..<i, keyLocation = location(line, start)
        i += 1
        while i < line.end, b[i] == Self.space { i += 1 }
        if i == line.end {
            consume(line)
            return (key, keyLocation, .below)
        }
        guard b[i - 1] == Self.space else { return nil }
        let valueLocation = location(line, i)
        let c = b[i]
        let value: Value
        if c == Self.quote {
            // One line, no escapes, and nothing after the closing quote but spaces.
            var j = i + 1
            while j < line.end, b[j] != Self.quote {
                if b[j] == Self.backslash { return nil }
                j += 1
            }
            guard j < line.end else { return nil }
            var k = j + 1
            while k < line.end, b[k] == Self.space { k += 1 }
            guard k == line.end else { return nil }
            value = .scalar(string((i + 1)..<j), valueLocation)
            consume(line)
        } else if c == Self.open {
            guard let items = flowList(line, from: i) else { return nil }
            value = .list(items, valueLocation)
            consume(line)
        } else if c == Self.pipe {
            var k = i + 1
            while k < line.end, b[k] == Self.space { k += 1 }
            guard k == line.end else { return nil }
            consume(line)
            guard let text = literalBlock(above: indent) else { return nil }
            value = .block(text, valueLocation)
        } else if Self.isAlphanumeric(c) || c >= 0x80 {
            // A plain scalar: no ': ' inside (the parser refuses it), trailing spaces dropped.
            var end = i
            var j = i
            while j < line.end {
                if b[j] == Self.colon, j + 1 == line.end || b[j + 1] == Self.space { return nil }
                if b[j] != Self.space { end = j + 1 }
                j += 1
            }
            value = .scalar(string(i..<end), valueLocation)
            consume(line)
        } else {
            return nil
        }
        // A more indented line below would continue a plain value or be refused; either way,
        // the parser's.
        if let next = peek(), next.indent > indent { return nil }
        return (key, keyLocation, value)
    }

    /// `[a, b]` on one line, items of `isItemByte` starting with a letter or digit and not
    /// ending in ':'; at least one item.
    func flowList(_ line: Line, from start: Int) -> [Located<String>]? {
        var items: [Located<String>] = []
        var i = start + 1
        while true {
            while i < line.end, b[i] == Self.space { i += 1 }
            guard i < line.end, Self.isAlphanumeric(b[i]) else { return nil }
            let itemStart = i
            while i < line.end, Self.isItemByte(b[i]) { i += 1 }
            guard b[i - 1] != Self.colon else { return nil }
            items.append(Located(string(itemStart..<i), at: location(line, itemStart)))
            while i < line.end, b[i] == Self.space { i += 1 }
            guard i < line.end else { return nil }
            if b[i] == Self.comma {
                i += 1
                continue
            }
            guard b[i] == Self.close else { return nil }
            i += 1
            break
        }
        while i < line.end, b[i] == Self.space { i += 1 }
        return i == line.end ? items : nil
    }

    /// The lines of a `|` block under a key at `indent`: all at one indentation deeper than
    /// the key, none blank, the last one ended by a line feed. The text is the lines, each
    /// followed by a line feed (YAML's clipped literal).
    mutating func literalBlock(above indent: Int) -> String? {
        guard let first = peek(), first.number == lineNumber, first.indent > indent else { return nil }
        let depth = first.indent
        var out: [UInt8] = []
        out.reserveCapacity(512)
        while let line = peek(), line.indent >= depth {
            // Blank lines, deeper lines and a last line without a line feed: the parser's.
            guard line.number == lineNumber, line.indent == depth, line.end < b.count else { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[line.content..<line.end]))
            out.append(Self.lf)
            consume(line)
        }
        // A line indented between the key and the block would be refused.
        if let next = peek() {
            if next.number != lineNumber || next.indent > indent { return nil }
        } else if pos < b.count {
            // Blank lines run to the end: the parser refuses a last one of spaces without a line feed.
            return nil
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads one entry of a mapping: its key, the key's position, its value and the mapping's
    /// indentation; false for anything the scanner does not keep.
    typealias Field = (inout Scanner, Range<Int>, SourceLocation, Value, Int) -> Bool

    /// The lines of a mapping at `first.indent` (or, for a list item, from `start` on the
    /// item's line at column `indent`): `field` reads each entry and says whether it is one
    /// the scanner keeps; a repeated key gives nil.
    mutating func mapping(_ first: Line, start: Int, indent: Int, _ field: Field) -> Bool {
        var line = first, from = start
        var seen: [Range<Int>] = []
        while true {
            guard let (key, location, value) = entry(line, from: from, indent: indent) else { return false }
            for earlier in seen where earlier.count == key.count {
                if (0..<key.count).allSatisfy({ b[earlier.lowerBound + $0] == b[key.lowerBound + $0] }) { return false }
            }
            seen.append(key)
            guard field(&self, key, location, value, indent) else { return false }
            guard let next = peek(), next.indent >= indent else { return true }
            guard next.indent == indent, !(b[next.content] == Self.dash && (next.content + 1 == next.end || b[next.content + 1] == Self.space)) else { return false }
            line = next
            from = next.content
        }
    }

    /// The mapping on the lines below a key at `indent`.
    mutating func mappingBelow(_ indent: Int, _ field: Field) -> SourceLocation? {
        guard let first = peek(), first.indent > indent else { return nil }
        let location = location(first, first.content)
        return mapping(first, start: first.content, indent: first.indent, field) ? location : nil
    }

    /// The list of mappings below a key at `indent` (its `- ` at the key's indentation or
    /// deeper); `item` reads each mapping from its first key, at the item's position.
    mutating func listBelow(_ indent: Int, _ item: (inout Scanner, Line, Int, Int) -> Bool) -> Bool {
        guard let first = peek(), first.indent >= indent else { return false }
        let depth = first.indent
        var line = first
        while true {
            guard b[line.content] == Self.dash, line.content + 1 < line.end, b[line.content + 1] == Self.space else { return false }
            var start = line.content + 1
            while start < line.end, b[start] == Self.space { start += 1 }
            guard start < line.end, item(&self, line, start, start - line.start) else { return false }
            guard let next = peek(), next.indent >= depth else { return true }
            guard next.indent == depth else { return false }
            // The parent's next key at the list's own indentation ends an indentless list.
            if b[next.content] != Self.dash { return depth == indent }
            line = next
        }
    }

    // MARK: - The request

    mutating func request(file: String, baseName: String) -> AccessRequest? {
        guard let first = peek(), first.indent == 0 else { return nil }
        var versionOK = false, kindOK = false
        var name: Located<String>?
        var spec: RequestSpec?
        var decisions: [Decision] = []
        var statusLocation: SourceLocation?
        let done = mapping(first, start: first.content, indent: 0) { s, key, location, value, _ in
            if s.equals(key, "apiVersion") {
                guard case .scalar(let text, _) = value, text == ManifestDecoder.apiVersion else { return false }
                versionOK = true
            } else if s.equals(key, "kind") {
                guard case .scalar(let text, _) = value, text == ManifestKind.accessRequest.rawValue else { return false }
                kindOK = true
            } else if s.equals(key, "metadata") {
                guard case .below = value else { return false }
                return s.mappingBelow(0) { s, key, _, value, _ in
                    guard s.equals(key, "name"), let id = Self.id(value), id.value == baseName else { return false }
                    name = id
                    return true
                } != nil
            } else if s.equals(key, "spec") {
                guard case .below = value, let read = s.spec() else { return false }
                spec = read
            } else if s.equals(key, "status") {
                guard case .below = value else { return false }
                statusLocation = location
                var read: [Decision]?
                guard s.mappingBelow(0, { s, key, _, value, indent in
                    guard s.equals(key, "decisions"), case .below = value else { return false }
                    var list: [Decision] = []
                    guard s.listBelow(indent, { s, line, start, column in
                        guard let decision = s.decision(line, start: start, indent: column) else { return false }
                        list.append(decision)
                        return true
                    }) else { return false }
                    read = list
                    return true
                }) != nil, let read else { return false }
                decisions = read
            } else {
                return false
            }
            return true
        }
        guard done, versionOK, kindOK, let name, let spec else { return nil }
        return AccessRequest(
            header: ManifestHeader(file: file, kind: .accessRequest, name: name), spec: spec, decisions: decisions, statusLocation: statusLocation)
    }

    /// The spec below `spec:`, with the checks `ManifestDecoder.decodeRequest` makes.
    mutating func spec() -> RequestSpec? {
        var requester: Located<String>?, renews: Located<String>?, reason: Located<String>?, requestedAt: Located<Timestamp>?
        var asked = Grantable()
        let found = mappingBelow(0) { s, key, _, value, _ in
            if let kept = asked.read(s, key, value) { return kept }
            if s.equals(key, "requester") {
                requester = Self.id(value)
                return requester != nil
            } else if s.equals(key, "requestedAt") {
                requestedAt = Self.timestamp(value)
                return requestedAt != nil
            } else if s.equals(key, "reason") {
                reason = Self.text(value)
                return reason != nil
            } else if s.equals(key, "renews") {
                renews = Self.id(value)
                return renews != nil
            }
            return false
        }
        guard found != nil, let requester, let requestedAt, let resources = asked.resources, let reason, asked.grantsSomething else { return nil }
        // Either a duration or a whole window, which must not end before it starts.
        if asked.duration == nil {
            guard let from = asked.from, let to = asked.to, to.value > from.value else { return nil }
        } else if asked.from != nil || asked.to != nil {
            return nil
        }
        return RequestSpec(
            requester: requester, requestedAt: requestedAt, resources: resources, role: asked.role, actions: asked.actions, reason: reason,
            duration: asked.duration, validFrom: asked.from, validTo: asked.to, renews: renews)
    }

    /// The fields a spec and an approval's terms share: what is granted, and for how long.
    struct Grantable {
        var resources: [Located<ResourceRef>]?
        var role: Located<String>?
        var actions: [Located<String>] = []
        var duration: Located<AccessDuration>?
        var from: Located<Timestamp>?
        var to: Located<Timestamp>?

        /// A role or actions (the decoder refuses a spec or terms with neither).
        var grantsSomething: Bool { role != nil || !actions.isEmpty }

        /// Reads `key` if it is one of these fields: whether its value is kept; nil for any other key.
        mutating func read(_ s: Scanner, _ key: Range<Int>, _ value: Value) -> Bool? {
            if s.equals(key, "resources") {
                resources = Scanner.resources(value)
                return resources != nil
            } else if s.equals(key, "role") {
                role = Scanner.id(value)
                return role != nil
            } else if s.equals(key, "actions") {
                guard let ids = Scanner.ids(value) else { return false }
                actions = ids
                return true
            } else if s.equals(key, "duration") {
                duration = Scanner.duration(value)
                return duration != nil
            } else if s.equals(key, "validFrom") {
                from = Scanner.timestamp(value)
                return from != nil
            } else if s.equals(key, "validTo") {
                to = Scanner.timestamp(value)
                return to != nil
            }
            return nil
        }
    }

    /// One decision, a list item's mapping from `start`, with `ManifestDecoder.decodeDecision`'s checks.
    mutating func decision(_ line: Line, start: Int, indent: Int) -> Decision? {
        let location = location(line, start)
        var kind: Located<Decision.Kind>?, by: Located<String>?, at: Located<Timestamp>?
        var reason: String?, specDigest: Located<String>?, signature: Located<String>?
        var terms: TermsFields?
        let found = mapping(line, start: start, indent: indent) { s, key, _, value, indent in
            if s.equals(key, "decision") {
                guard case .scalar(let text, let where_) = value, let parsed = Decision.Kind(rawValue: text) else { return false }
                kind = Located(parsed, at: where_)
            } else if s.equals(key, "by") {
                by = Self.id(value)
                return by != nil
            } else if s.equals(key, "at") {
                at = Self.timestamp(value)
                return at != nil
            } else if s.equals(key, "reason") {
                guard case .scalar(let text, _) = value else { return false }
                reason = text
            } else if s.equals(key, "specDigest") {
                guard case .scalar(let text, let where_) = value, text.hasPrefix("sha256:"), text.utf8.count == 71 else { return false }
                specDigest = Located(text, at: where_)
            } else if s.equals(key, "signature") {
                guard case .block(let text, let where_) = value,
                    text.containsBytes("-----BEGIN SSH SIGNATURE-----"), text.containsBytes("-----END SSH SIGNATURE-----")
                else { return false }
                signature = Located(text, at: where_)
            } else if s.equals(key, "terms") {
                guard case .below = value, let read = s.terms(below: indent) else { return false }
                terms = read
            } else {
                return false
            }
            return true
        }
        guard found, let kind, let by, let at, let specDigest, let signature else { return nil }
        guard (kind.value == .approve) == (terms != nil), kind.value != .revoke || reason != nil else { return nil }
        var granted: Terms?
        if let t = terms {
            if let duration = t.duration {
                granted = Terms(duration: duration, earliest: at.value, resources: t.resources, role: t.role, actions: t.actions, location: t.location)
            } else if let from = t.from {
                granted = Terms(validFrom: from, validTo: t.to, resources: t.resources, role: t.role, actions: t.actions, location: t.location)
            }
        }
        return Decision(kind: kind, by: by, at: at, terms: granted, reason: reason, specDigest: specDigest, signature: signature, location: location)
    }

    /// An approval's terms as written.
    struct TermsFields {
        var duration: AccessDuration?
        var from: Timestamp?
        var to: Timestamp?
        var resources: [ResourceRef]
        var role: String?
        var actions: [String]
        var location: SourceLocation
    }

    /// The terms below `terms:` (a key at `indent`), with the decoder's checks.
    mutating func terms(below indent: Int) -> TermsFields? {
        var granted = Grantable()
        let location = mappingBelow(indent) { s, key, _, value, _ in granted.read(s, key, value) ?? false }
        guard let location, let resources = granted.resources, granted.grantsSomething else { return nil }
        if granted.duration == nil {
            guard let from = granted.from else { return nil }
            if let to = granted.to, to.value <= from.value { return nil }
        } else if granted.from != nil || granted.to != nil {
            return nil
        }
        return TermsFields(
            duration: granted.duration?.value, from: granted.from?.value, to: granted.to?.value, resources: resources.map(\.value),
            role: granted.role?.value, actions: granted.actions.map(\.value), location: location)
    }

    // MARK: - Fields

    static func id(_ value: Value) -> Located<String>? {
        guard case .scalar(let text, let at) = value, Identifier.problem(text) == nil else { return nil }
        return Located(text, at: at)
    }

    static func ids(_ value: Value) -> [Located<String>]? {
        guard case .list(let items, _) = value, items.allSatisfy({ Identifier.problem($0.value) == nil }) else { return nil }
        return items
    }

    /// Text that starts with a visible ASCII character (the decoder's quick test for "not empty").
    static func text(_ value: Value) -> Located<String>? {
        guard case .scalar(let text, let at) = value, let first = text.utf8.first, first > 0x20, first < 0x7F else { return nil }
        return Located(text, at: at)
    }

    static func timestamp(_ value: Value) -> Located<Timestamp>? {
        guard case .scalar(let text, let at) = value, let time = Timestamp(rfc3339: text) else { return nil }
        return Located(time, at: at)
    }

    static func duration(_ value: Value) -> Located<AccessDuration>? {
        guard case .scalar(let text, let at) = value, let duration = AccessDuration(text) else { return nil }
        return Located(duration, at: at)
    }

    static func resources(_ value: Value) -> [Located<ResourceRef>]? {
        guard case .list(let items, _) = value else { return nil }
        var out: [Located<ResourceRef>] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let ref = ResourceRef(item.value) else { return nil }
            out.append(Located(ref, at: item.location))
        }
        return out
    }
}
