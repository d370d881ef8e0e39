/// The duplicate-key check of one mapping, comparing keys byte for byte (never by Unicode
/// equivalence). A mapping of a manifest has a handful of keys: the entries read so far are
/// searched then, with no hashing and no list of its own to allocate; a large one (a hostile
/// file can hold many thousands) switches to a dictionary, so the check stays linear.
struct SeenKeys {
    private var many: [[UInt8]: SourceLocation]?

    /// Up to this many entries, a search of the entries.
    static let listLimit = 16

    /// Where `key` was first seen among `entries`, the mapping's entries so far, when it is a
    /// duplicate; otherwise nil, and `key` (at `location`) counts as seen. Called once per key,
    /// before its entry is appended.
    mutating func duplicate(_ key: String, at location: SourceLocation, among entries: [Node.Entry]) -> SourceLocation? {
        if many == nil {
            if entries.count < Self.listLimit {
                for i in entries.indices where entries[i].key.exactlyEquals(key) { return entries[i].keyLocation }
                return nil
            }
            many = Dictionary(entries.map { (Array($0.key.utf8), $0.keyLocation) }, uniquingKeysWith: { a, _ in a })
        }
        let bytes = Array(key.utf8)
        if let first = many![bytes] { return first }
        many![bytes] = location
        return nil
    }
}
