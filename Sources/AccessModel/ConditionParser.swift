import AccessFormats

/// Reads a `when:` expression: a small hand-written recursive descent parser whose every
/// error names the offset where it went wrong.
///
///     or      := and ('||' and)*
///     and     := unary ('&&' unary)*
///     unary   := '!' unary | compare
///     compare := postfix (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in') postfix)?
///     postfix := primary ('.' NAME '(' args ')')*
///     primary := STRING | DURATION | 'true' | 'false' | '[' args ']' | '(' or ')'
///              | NAME '(' args ')' | NAME ('.' NAME)*
package struct ConditionParser {
    enum Token: Equatable {
        case name(String), string(String), duration(String), symbol(String), end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var index = 0

    /// Parses `text`, or throws the first error with its offset.
    package static func parse(_ text: String) throws(ConditionError) -> ConditionNode {
        var parser = ConditionParser()
        parser.tokens = try tokenize(text)
        let root = try parser.parseOr()
        if parser.current.token != .end {
            throw ConditionError("expected '&&', '||' or the end of the condition, found \(describe(parser.current.token))", at: parser.current.offset)
        }
        return root
    }

    /// A condition ready to evaluate: parsed, not yet type-checked (that needs the settings).
    package static func condition(_ node: Node) throws(ConditionError) -> Condition {
        guard case .string(let text) = node.value else { throw ConditionError("when must be a string", at: 0) }
        if text.allSatisfy(\.isWhitespace) { throw ConditionError("when must not be empty", at: 0) }
        return Condition(text: text, root: try parse(text), node: node)
    }

    private var current: (token: Token, offset: Int) { tokens[index] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private mutating func take(_ symbol: String) -> Bool {
        guard current.token == .symbol(symbol) else { return false }
        advance()
        return true
    }

    private mutating func expect(_ symbol: String, _ context: String) throws(ConditionError) {
        guard take(symbol) else { throw ConditionError("expected '\(symbol)' \(context), found \(Self.describe(current.token))", at: current.offset) }
    }

    private mutating func parseOr() throws(ConditionError) -> ConditionNode {
        var left = try parseAnd()
        while current.token == .symbol("||") {
            let offset = current.offset
            advance()
            left = ConditionNode(kind: .or(left, try parseAnd()), offset: offset)
        }
        return left
    }

    private mutating func parseAnd() throws(ConditionError) -> ConditionNode {
        var left = try parseUnary()
        while current.token == .symbol("&&") {
            let offset = current.offset
            advance()
            left = ConditionNode(kind: .and(left, try parseUnary()), offset: offset)
        }
        return left
    }

    private mutating func parseUnary() throws(ConditionError) -> ConditionNode {
        let offset = current.offset
        if take("!") { return ConditionNode(kind: .not(try parseUnary()), offset: offset) }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(ConditionError) -> ConditionNode {
        let left = try parsePostfix()
        let offset = current.offset
        var node = left
        if case .symbol(let s) = current.token, let op = ConditionOperator(rawValue: s) {
            advance()
            node = ConditionNode(kind: .compare(op, left, try parsePostfix()), offset: offset)
        } else if current.token == .name("in") {
            advance()
            node = ConditionNode(kind: .isIn(left, try parsePostfix()), offset: offset)
        } else {
            return left
        }
        if case .symbol(let s) = current.token, ConditionOperator(rawValue: s) != nil {
            throw ConditionError("comparisons do not chain; join them with '&&'", at: current.offset)
        }
        if current.token == .name("in") { throw ConditionError("comparisons do not chain; join them with '&&'", at: current.offset) }
        return node
    }

    private mutating func parsePostfix() throws(ConditionError) -> ConditionNode {
        var node = try parsePrimary()
        while current.token == .symbol(".") {
            let offset = current.offset
            advance()
            guard case .name(let method) = current.token else {
                throw ConditionError("expected a method name after '.', found \(Self.describe(current.token))", at: current.offset)
            }
            advance()
            try expect("(", "after the method name '\(method)'")
            node = ConditionNode(kind: .method(node, method, try parseArguments(closing: ")")), offset: offset)
        }
        return node
    }

    private mutating func parseArguments(closing: String) throws(ConditionError) -> [ConditionNode] {
        var out: [ConditionNode] = []
        if take(closing) { return out }
        while true {
            out.append(try parseOr())
            if take(closing) { return out }
            try expect(",", "or '\(closing)' in the list")
        }
    }

    private mutating func parsePrimary() throws(ConditionError) -> ConditionNode {
        let (token, offset) = current
        switch token {
        case .string(let s):
            advance()
            return ConditionNode(kind: .string(s), offset: offset)
        case .duration(let text):
            guard let duration = AccessDuration(text), !duration.isPermanent else {
                throw ConditionError("invalid duration '\(text)': write for example 30m, 4h, 1d, 1w or 2d12h", at: offset)
            }
            advance()
            return ConditionNode(kind: .duration(duration), offset: offset)
        case .symbol("("):
            advance()
            let inner = try parseOr()
            try expect(")", "to close the '(' at character \(offset + 1)")
            return inner
        case .symbol("["):
            advance()
            return ConditionNode(kind: .list(try parseArguments(closing: "]")), offset: offset)
        case .name("true"), .name("false"):
            advance()
            return ConditionNode(kind: .bool(token == .name("true")), offset: offset)
        case .name("in"):
            throw ConditionError("expected a value before 'in'", at: offset)
        case .name(let first):
            advance()
            if take("(") { return ConditionNode(kind: .call(first, try parseArguments(closing: ")")), offset: offset) }
            var parts = [first]
            // A dotted name; a '.' followed by NAME '(' is a method call, left to parsePostfix.
            while current.token == .symbol("."), index + 2 < tokens.count, case .name(let next) = tokens[index + 1].token,
                tokens[index + 2].token != .symbol("(")
            {
                parts.append(next)
                advance()
                advance()
            }
            return ConditionNode(kind: .path(parts), offset: offset)
        default:
            throw ConditionError("expected a value, found \(Self.describe(token))", at: offset)
        }
    }

    static func describe(_ token: Token) -> String {
        switch token {
        case .name(let n): "'\(n)'"
        case .string(let s): "the string \"\(s)\""
        case .duration(let d): "'\(d)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the condition"
        }
    }

    /// Splits the text into names, strings, durations and symbols.
    static func tokenize(_ text: String) throws(ConditionError) -> [(token: Token, offset: Int)] {
        let scalars = Array(text.unicodeScalars)
        var out: [(token: Token, offset: Int)] = []
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c.isASCII && (CharacterSetLike.letter(c) || c == "_") }
        func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || CharacterSetLike.digit(c) }
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\n" || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            let start = i
            if isNameStart(c) {
                while i < scalars.count, isNamePart(scalars[i]) { i += 1 }
                out.append((.name(String(String.UnicodeScalarView(scalars[start..<i]))), start))
            } else if CharacterSetLike.digit(c) {
                while i < scalars.count, isNamePart(scalars[i]) { i += 1 }
                let word = String(String.UnicodeScalarView(scalars[start..<i]))
                if word.allSatisfy(\.isNumber) {
                    throw ConditionError("a number needs a unit here: write a duration such as \(word)h or \(word)m, or quote it as a string", at: start)
                }
                out.append((.duration(word), start))
            } else if c == "\"" || c == "'" {
                var value = String.UnicodeScalarView()
                i += 1
                var closed = false
                while i < scalars.count {
                    let s = scalars[i]
                    if s == c {
                        closed = true
                        i += 1
                        break
                    }
                    if s == "\\" {
                        guard i + 1 < scalars.count, ["\\", "\"", "'"].contains(scalars[i + 1]) else {
                            throw ConditionError("unknown escape in a string: only \\\\, \\\" and \\' are allowed", at: i)
                        }
                        value.append(scalars[i + 1])
                        i += 2
                        continue
                    }
                    if s == "\n" { break }
                    value.append(s)
                    i += 1
                }
                if !closed { throw ConditionError("unclosed string: it needs a closing \(c) on the same line", at: start) }
                out.append((.string(String(value)), start))
            } else {
                let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
                if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                    out.append((.symbol(two), start))
                    i += 2
                } else if "()[],.<>!".unicodeScalars.contains(c) {
                    out.append((.symbol(String(c)), start))
                    i += 1
                } else if c == "=" {
                    throw ConditionError("use '==' to compare", at: start)
                } else if c == "&" {
                    throw ConditionError("use '&&' for and", at: start)
                } else if c == "|" {
                    throw ConditionError("use '||' for or", at: start)
                } else {
                    throw ConditionError("unexpected character '\(c)'", at: start)
                }
            }
        }
        out.append((.end, scalars.count))
        return out
    }
}

/// ASCII classes without Foundation.
enum CharacterSetLike {
    static func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    static func digit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
}
