/// The data a Mustache template renders. Text from the access tree is `text` and is always
/// escaped; only markup the report builds itself is `html`, which raw tags may print as is.
/// Not `indirect`: lists and objects already hold their members in arrays, and boxing every
/// value cost one allocation per text of every row of every page.
package enum MustacheValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    /// Any text, escaped wherever it is printed.
    case text(String)
    /// Trusted markup built by accessctl (never manifest text): printed as is by `{{{x}}}` and `{{& x}}`.
    case html(String)
    /// Trusted markup as UTF-8 bytes (a page's content rendered by a template), printed as is
    /// like `html`: the report puts each page into its layout without making a `String` of it.
    case markup([UInt8])
    case list([MustacheValue])
    case object(MustacheObject)

    /// `text`, or null for nil.
    package static func text(_ value: String?) -> MustacheValue { value.map { .text($0) } ?? .null }

    /// Whether a section renders (and an inverted section does not): false for null, false,
    /// an empty list and empty text.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .number: true
        case .text(let s), .html(let s): !s.isEmpty
        case .markup(let bytes): !bytes.isEmpty
        case .list(let items): !items.isEmpty
        case .object: true
        }
    }

    /// The text an interpolation prints, before escaping.
    var interpolated: String {
        switch self {
        case .null, .list, .object: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .text(let s), .html(let s): s
        case .markup(let bytes): String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Named values, in the order given. A few keys searched in order beat a hashed dictionary
/// here: a report builds and reads hundreds of thousands of small objects.
package struct MustacheObject: Sendable, ExpressibleByDictionaryLiteral {
    /// Keys and values side by side in one array: a literal's own array is kept as it is,
    /// where separate arrays of keys and values cost two more allocations per object, and a
    /// report builds millions of objects.
    var members: [(String, MustacheValue)]

    package init(dictionaryLiteral elements: (String, MustacheValue)...) {
        members = elements
    }

    /// The members of a dictionary, keys sorted.
    package init(_ dictionary: [String: MustacheValue]) {
        members = dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Where `key` is. Lengths are compared first: unequal keys of the same length are rare
    /// here, and comparing two different strings calls into the standard library, which
    /// was most of a template name's lookup.
    private func position(of key: String) -> Int? {
        let count = key.utf8.count
        return members.firstIndex { $0.0.utf8.count == count && $0.0 == key }
    }

    package subscript(key: String) -> MustacheValue? {
        get { position(of: key).map { members[$0].1 } }
        set {
            if let i = position(of: key) {
                if let newValue { members[i].1 = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Puts a member first (a key the object does not have yet).
    package mutating func prepend(_ key: String, _ value: MustacheValue) {
        members.insert((key, value), at: 0)
    }

    /// Adds the members of `other` whose keys this object lacks.
    package mutating func merge(_ other: MustacheObject) {
        for member in other.members where position(of: member.0) == nil {
            members.append(member)
        }
    }
}

extension MustacheValue {
    /// Appends an unambiguous encoding of the value (kind, length, content) to `out`: two
    /// values encode alike only when they are equal, so a digest of it stands for the value.
    /// With `collapsing`, an object whose first member has that name encodes as an object of
    /// that member alone (the report's rows carry their own digest there, and a page's digest
    /// covers a row by it).
    package func encode(into out: inout [UInt8], collapsing marker: String? = nil) {
        switch self {
        case .null: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .number(let n):
            out.append(3)
            withUnsafeBytes(of: n.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .text(let s):
            out.append(4)
            Self.append(s, to: &out)
        case .html(let s):
            out.append(5)
            Self.append(s, to: &out)
        case .markup(let bytes):
            // As the same markup in `html`: both print the same bytes.
            out.append(5)
            Self.append(UInt64(bytes.count), to: &out)
            out += bytes
        case .list(let items):
            out.append(6)
            Self.append(UInt64(items.count), to: &out)
            // By position: iterating would copy each item (a retain and a release), for every
            // row of every page the report hashes.
            for i in items.indices { items[i].encode(into: &out, collapsing: marker) }
        case .object(let object): object.encode(into: &out, collapsing: marker)
        }
    }

    /// A length or count in seven-bit groups, least significant first, the high bit set on
    /// every byte but the last (LEB128): one byte below 128, and no number's bytes begin
    /// another's, so the encoding stays unambiguous. Eight fixed bytes made a kept report's
    /// hashed bytes a third larger (every key and text has a length).
    package static func append(_ number: UInt64, to out: inout [UInt8]) {
        var rest = number
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    package static func append(_ text: String, to out: inout [UInt8]) {
        append(UInt64(text.utf8.count), to: &out)
        out.append(contentsOf: text.utf8)
    }
}

extension MustacheObject {
    /// Appends an unambiguous encoding of the members, in their order (see `MustacheValue.encode`).
    package func encode(into out: inout [UInt8], collapsing marker: String? = nil) {
        // A collapsed object is encoded as the object of its first member alone would be.
        let collapsed = marker != nil && members.first?.0 == marker
        let shown = collapsed ? members[..<1] : members[...]
        out.append(7)
        MustacheValue.append(UInt64(shown.count), to: &out)
        for i in shown.indices {
            MustacheValue.append(shown[i].0, to: &out)
            shown[i].1.encode(into: &out, collapsing: collapsed ? nil : marker)
        }
    }
}
