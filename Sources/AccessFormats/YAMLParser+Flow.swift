// Flow sequences and mappings of scalars.
extension YAMLParser {
    /// `[a, b]` or `{k: v}` holding scalars only; may span lines indented more than the parent.
    mutating func parseFlowCollection(parentIndent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = locate(start)
        try enter(at: start)
        defer { depth -= 1 }
        let isMapping = bytes[pos] == Byte.lbrace
        let close = isMapping ? Byte.rbrace : Byte.rbracket
        let closeName = isMapping ? "'}'" : "']'"
        pos += 1
        var items: [Node] = []
        var entries: [Node.Entry] = []
        var seen = SeenKeys()
        var expectSeparator = false
        while true {
            try skipFlowSpace(parentIndent: parentIndent, collectionStart: start)
            let b = bytes[pos]
            if b == close {
                pos += 1
                break
            }
            if expectSeparator {
                guard b == Byte.comma else { throw fail("expected ',' or \(closeName)", at: pos) }
                pos += 1
                expectSeparator = false
                continue
            }
            if b == Byte.comma { throw fail("empty entry in a flow collection", at: pos) }
            let itemStart = pos
            let item = try parseFlowScalar(parentIndent: parentIndent)
            try skipFlowSpace(parentIndent: parentIndent, collectionStart: start)
            if isMapping {
                guard bytes[pos] == Byte.colon else {
                    throw fail("expected ':' after the key; a flow mapping holds 'key: value' pairs", at: pos)
                }
                pos += 1
                guard case .string(let key) = item.value else { preconditionFailure() }
                if key == "<<", bytes[itemStart] != Byte.dquote, bytes[itemStart] != Byte.squote {
                    throw fail("merge keys ('<<') are not supported", at: itemStart)
                }
                if let first = seen.duplicate(key, at: item.location, among: entries) {
                    throw fail("duplicate key '\(key)' (first at line \(first.line), column \(first.column))", at: itemStart)
                }
                try skipFlowSpace(parentIndent: parentIndent, collectionStart: start)
                if bytes[pos] == Byte.comma || bytes[pos] == close {
                    throw fail("missing value after ':'; write '' for an empty string", at: pos)
                }
                let value = try parseFlowScalar(parentIndent: parentIndent)
                entries.append(Node.Entry(key: key, keyLocation: item.location, value: value))
            } else {
                if bytes[pos] == Byte.colon {
                    throw fail("'key: value' inside a flow list is not supported; use a flow mapping '{ }'", at: pos)
                }
                items.append(item)
            }
            expectSeparator = true
        }
        return isMapping ? Node(.mapping(entries), at: location) : Node(.sequence(items), at: location)
    }

    /// Spaces, line breaks and comments inside a flow collection.
    mutating func skipFlowSpace(parentIndent: Int, collectionStart: Int) throws(Diagnostic) {
        var lineBegin: Int?
        while true {
            guard pos < bytes.count else {
                throw fail("unterminated flow collection: missing '\(bytes[collectionStart] == Byte.lbrace ? "}" : "]")'", at: collectionStart)
            }
            let b = bytes[pos]
            if b == Byte.tab {
                throw tabError(at: pos)
            } else if b == Byte.space {
                pos += 1
            } else if b == Byte.lf {
                pos += 1
                lineBegin = pos
            } else if b == Byte.hash, pos == 0 || isBlank(bytes[pos - 1]) || bytes[pos - 1] == Byte.lf {
                while pos < bytes.count, bytes[pos] != Byte.lf { pos += 1 }
            } else {
                if let lineBegin {
                    if pos - lineBegin <= parentIndent || (pos == lineBegin && isDocumentMarker(at: pos)) {
                        throw fail("a continued flow collection must be indented more than its key", at: pos)
                    }
                }
                return
            }
        }
    }

    /// A scalar inside a flow collection: quoted, or plain up to `,` `]` `}` `: ` or a comment.
    mutating func parseFlowScalar(parentIndent: Int) throws(Diagnostic) -> Node {
        let start = pos
        let location = locate(start)
        if isQuote(bytes[pos]) {
            return Node(.string(try parseQuoted(parentIndent: parentIndent)), at: location, style: .quoted)
        }
        try checkPlainStart(at: pos, flow: true)
        var end = pos
        while !atBreak(pos) {
            let b = bytes[pos]
            if isFlowIndicator(b) { break }
            if b == Byte.colon, blankOrBreak(pos + 1) || isFlowIndicator(byte(pos + 1)) { break }
            if b == Byte.hash, isBlank(bytes[pos - 1]) { break }
            if b == Byte.tab { throw tabError(at: pos) }
            pos += 1
            if !isBlank(b) { end = pos }
        }
        pos = end
        return Node(.string(String(decoding: bytes[start..<end], as: UTF8.self)), at: location)
    }
}
