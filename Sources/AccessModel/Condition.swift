import AccessFormats

/// A `when:` expression on a role rule or a policy: it only ever narrows what carries it
/// (the rule allows, or the policy applies, only while the expression holds).
package struct Condition: Sendable {
    /// The expression as written.
    package var text: String
    package var root: ConditionNode
    /// The `when:` value, to map a position in `text` back to the file.
    package var node: Node

    /// Where character `offset` (in `text`, counted in Unicode scalars) was written.
    package func location(ofOffset offset: Int) -> SourceLocation { Self.location(ofOffset: offset, in: node) }

    /// Where character `offset` of the string `node` holds was written.
    package static func location(ofOffset offset: Int, in node: Node) -> SourceLocation {
        guard case .string(let text) = node.value else { return node.location }
        var line = 0, column = 0
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i == offset { break }
            if scalar == "\n" {
                line += 1
                column = 0
            } else {
                column += 1
            }
        }
        return node.location(ofLine: line, column: column)
    }
}

extension Condition {
    /// A condition that holds only where both hold (nil where neither has one): the narrower
    /// reading of a rule or policy whose condition changed and waits for signatures.
    package static func both(_ a: Condition?, _ b: Condition?) -> Condition? {
        guard let a else { return b }
        guard let b, a.text != b.text else { return a }
        return Condition(text: "(\(a.text)) && (\(b.text))", root: ConditionNode(kind: .and(a.root, b.root), offset: 0), node: b.node)
    }
}

/// One node of a condition's syntax tree, with its offset in the text.
package struct ConditionNode: Sendable {
    package indirect enum Kind: Sendable {
        case string(String)
        case bool(Bool)
        case duration(AccessDuration)
        case list([ConditionNode])
        /// A dotted name such as `principal.attributes.region`.
        case path([String])
        /// `has(path)`, `localTime(zone)`, `weekday(zone)`.
        case call(String, [ConditionNode])
        /// `text.startsWith("x")`, `text.endsWith("x")`.
        case method(ConditionNode, String, [ConditionNode])
        case not(ConditionNode)
        case and(ConditionNode, ConditionNode)
        case or(ConditionNode, ConditionNode)
        case compare(ConditionOperator, ConditionNode, ConditionNode)
        case isIn(ConditionNode, ConditionNode)
    }

    package var kind: Kind
    /// Where this node starts in the text, in Unicode scalars.
    package var offset: Int
}

/// The comparison operators.
package enum ConditionOperator: String, Sendable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// A syntax or type error in a condition, at an offset of its text.
package struct ConditionError: Error, Sendable, Equatable {
    package var offset: Int
    package var message: String

    package init(_ message: String, at offset: Int) {
        self.offset = offset
        self.message = message
    }
}
