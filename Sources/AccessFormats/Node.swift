import Foundation

/// A parsed YAML or JSON value with the position of every node and key.
///
/// YAML scalars are always `.string`: the schema decides what they mean. JSON keeps its
/// own types, so `parse` can show exactly what was read.
package struct Node: Sendable, Equatable {
    package enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        /// A JSON number: its literal as written and its IEEE 754 value.
        case number(literal: String, value: Double)
        case string(String)
        case sequence([Node])
        case mapping([Entry])
    }

    /// One key and value of a mapping, in source order.
    package struct Entry: Sendable, Equatable {
        package var key: String
        package var keyLocation: SourceLocation
        package var value: Node

        package init(key: String, keyLocation: SourceLocation, value: Node) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    package var value: Value
    package var location: SourceLocation
    /// How a string was written, so a position inside its text (a `when:` expression's
    /// error) maps back to the file. Not part of equality: the data is the same.
    package var style: ScalarStyle = .plain

    package init(_ value: Value, at location: SourceLocation, style: ScalarStyle = .plain) {
        self.value = value
        self.location = location
        self.style = style
    }

    package static func == (a: Node, b: Node) -> Bool { a.value == b.value && a.location == b.location }

    /// How a scalar was written: plain (its text starts at its location), quoted (one
    /// character later) or as a `|`/`>` block (its lines start below, at `indent`).
    package enum ScalarStyle: Sendable {
        case plain, quoted
        /// `firstLine` is the line after the block header; `indent` the content's spaces.
        case block(firstLine: Int, indent: Int)
    }

    /// Where character `column` (0-based) of line `line` (0-based) of this string's text was
    /// written: exact for plain text, block lines and quoted text without escapes.
    package func location(ofLine line: Int, column: Int) -> SourceLocation {
        switch style {
        case .plain: SourceLocation(line: location.line + line, column: (line == 0 ? location.column : 1) + column)
        case .quoted: SourceLocation(line: location.line + line, column: (line == 0 ? location.column + 1 : 1) + column)
        case .block(let firstLine, let indent): SourceLocation(line: firstLine + line, column: indent + 1 + column)
        }
    }

    /// Whether the value is null.
    package var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The value of `key` if this is a mapping that has it.
    package subscript(key: String) -> Node? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key.exactlyEquals(key) }?.value
    }

    /// A short name of the node's type for error messages.
    package var typeName: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The node as a position-free JSON value.
    package var json: JSONValue {
        switch value {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(_, let v): .number(v)
        case .string(let s): .string(s)
        case .sequence(let items): .array(items.map(\.json))
        case .mapping(let entries): .object(entries.map { ($0.key, $0.value.json) })
        }
    }
}

extension String {
    /// Equal code point by code point. Swift's `==` treats canonically equivalent strings as
    /// equal (KELVIN SIGN equals K), which JSON and YAML parsers do not: keys compare exactly.
    package func exactlyEquals(_ other: String) -> Bool {
        // Compared as contiguous bytes: the generic `elementsEqual` walks an iterator, and key
        // lookups do this for every member of every manifest.
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other
        // memcmp: the generic `elementsEqual` compared byte by byte through iterators.
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard let xb = x.baseAddress, let yb = y.baseAddress else { return x.count == y.count }
                return memcmp(xb, yb, x.count) == 0
            }
        }
    }

    /// The code points that are not ASCII, as `U+212A`, for messages about look-alike keys.
    package var nonASCIICodePoints: String {
        unicodeScalars.filter { !$0.isASCII }.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(4) }.joined(separator: ", ")
    }

    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
