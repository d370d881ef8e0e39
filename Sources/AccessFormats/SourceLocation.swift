/// A 1-based line and column in a source file; columns count Unicode scalars.
package struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The start of a file.
    package static let start = SourceLocation(line: 1, column: 1)

    /// No position: the problem is about a whole file or folder (it may not even exist), so
    /// messages name the path alone rather than a made-up `:1:1`.
    package static let whole = SourceLocation(line: 0, column: 0)

    /// Whether this is a real position in the file.
    package var isPosition: Bool { line > 0 }

    package static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    package var description: String { "\(line):\(column)" }
}
