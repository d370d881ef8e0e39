/// A 1-based line and column in a source file; columns count Unicode scalars.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The start of a file.
    public static let start = SourceLocation(line: 1, column: 1)

    /// No position: the problem is about a whole file or folder (it may not even exist), so
    /// messages name the path alone rather than a made-up `:1:1`.
    public static let whole = SourceLocation(line: 0, column: 0)

    /// Whether this is a real position in the file.
    public var isPosition: Bool { line > 0 }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}
