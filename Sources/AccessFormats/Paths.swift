/// Joins paths the way every file listing of accessctl spells them.
package enum Paths {
    /// `a/b`, without a doubled slash, and just `b` when `a` is empty or `.`.
    package static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty || a == "." { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }
}
