/// The keys of one mapping seen so far, compared byte for byte (never by Unicode
/// equivalence), for the duplicate-key error. A mapping of a manifest has a handful of keys:
/// a list is searched then, with no hashing and no copy of each key; a large one (a hostile
/// file can hold many thousands) switches to a dictionary, so the check stays linear.
struct SeenKeys {
    private var few: [(key: String, location: SourceLocation)] = []
    private var many: [[UInt8]: SourceLocation]?

    /// Beyond this many keys, a dictionary.
    static let listLimit = 16

    /// Records `key`; returns where it was first seen when it is a duplicate.
    mutating func insert(_ key: String, at location: SourceLocation) -> SourceLocation? {
        if many != nil {
            let bytes = Array(key.utf8)
            if let first = many![bytes] { return first }
            many![bytes] = location
            return nil
        }
        if let first = few.first(where: { $0.key.exactlyEquals(key) }) { return first.location }
        few.append((key, location))
        if few.count > Self.listLimit {
            many = Dictionary(few.map { (Array($0.key.utf8), $0.location) }, uniquingKeysWith: { a, _ in a })
            few = []
        }
        return nil
    }
}
