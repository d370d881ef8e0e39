/// Joins and splits paths the way every file listing of accessctl spells them.
package enum Paths {
    /// `a/b`, without a doubled slash, and just `b` when `a` is empty or `.`.
    package static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty || a == "." { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// The text after the last `/` of a relative path as the tree's listing spells it (no
    /// trailing slash). `NSString.lastPathComponent` gives the same for such paths, but goes
    /// through Foundation's string bridge: 3% of loading 131,506 files.
    package static func lastComponent(_ path: String) -> String {
        let bytes = path.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[bytes.index(after: slash)...])
    }

    /// A file name without its last `.extension`; a name whose only dot leads it (`.yaml`)
    /// keeps it, as `NSString.deletingPathExtension` does.
    package static func deletingExtension(_ name: String) -> String {
        let bytes = name.utf8
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot != bytes.startIndex else { return name }
        return String(name[..<dot])
    }

    /// Whether a relative path names a file at the top of the tree (no `/` in it).
    package static func isTopLevel(_ relative: String) -> Bool {
        !relative.contains(ascii: "/")
    }
}
