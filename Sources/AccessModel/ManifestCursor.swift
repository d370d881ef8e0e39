import AccessFormats

/// A cursor over a manifest's lines for `ManifestScanner`; every method returns nil or false
/// to give up, and the file goes the general way.
struct ManifestCursor {
    let b: UnsafeBufferPointer<UInt8>
    /// Where the next unread line starts, and its 1-based number.
    var pos = 0
    var lineNumber = 1

    init(b: UnsafeBufferPointer<UInt8>) {
        self.b = b
    }

    static let lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), colon = UInt8(ascii: ":"), dash = UInt8(ascii: "-")
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), pipe = UInt8(ascii: "|")
    static let open = UInt8(ascii: "["), close = UInt8(ascii: "]")

    /// No byte the scanner leaves to the parser: control characters (the parser refuses them),
    /// tabs and CR (rules about where they may stand), `#` (comments), a byte order mark.
    static func plainCharacters(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return false }
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x20 {
                if c != lf { return false }
            } else if c == 0x7F || c == UInt8(ascii: "#") {
                return false
            } else if c == 0xC2, i + 1 < n, b[i + 1] >= 0x80, b[i + 1] <= 0x9F {
                return false
            }
            i += 1
        }
        return true
    }

    // MARK: - Lines

    /// A line with content: its number, where it starts, its indentation and its end (the
    /// line feed's offset, or the file's end).
    struct Line {
        var number: Int
        var start: Int
        var indent: Int
        var end: Int
        var content: Int { start + indent }
    }

    /// The next line that is not blank, not consumed; nil at the end.
    func peek() -> Line? {
        var i = pos
        var number = lineNumber
        let n = b.count
        while i < n {
            let start = i
            while i < n, b[i] == Self.space { i += 1 }
            if i < n, b[i] != Self.lf {
                var end = i
                while end < n, b[end] != Self.lf { end += 1 }
                return Line(number: number, start: start, indent: i - start, end: end)
            }
            i += 1
            number += 1
        }
        return nil
    }

    mutating func consume(_ line: Line) {
        pos = min(line.end + 1, b.count)
        lineNumber = line.number + 1
    }

    func location(_ line: Line, _ offset: Int) -> SourceLocation {
        // Columns count scalars; every offset asked about has only ASCII before it on its line
        // (indentation, keys, and flow items of ASCII characters).
        SourceLocation(line: line.number, column: offset - line.start + 1)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let t = text.utf8Start
        for k in 0..<range.count where b[range.lowerBound + k] != t[k] { return false }
        return true
    }

    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    static func isAlphanumeric(_ c: UInt8) -> Bool { isLetter(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) }
    /// What a flow list item may hold here: enough for ids and resource references.
    static func isItemByte(_ c: UInt8) -> Bool {
        isAlphanumeric(c) || c == dash || c == colon || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/")
    }

    // MARK: - Values

    /// A value written on the key's line, or below it.
    enum Value {
        /// A plain or double-quoted scalar's text.
        case scalar(String, SourceLocation)
        /// A flow list's items.
        case list([Located<String>], SourceLocation)
        /// A `|` block's text.
        case block(String, SourceLocation)
        /// Nothing on the key's line: a mapping or list on the lines below.
        case below
    }

    /// One `key: value` line of a mapping at `line`'s indentation, from `start` (the key's
    /// first byte: after `- ` for a list item's first key). Consumes the value's lines, except
    /// for `.below`, where only the key's line is consumed.
    mutating func entry(_ line: Line, from start: Int, indent: Int) -> (key: Range<Int>, location: SourceLocation, value: Value)? {
        var i = start
        while i < line.end, Self.isLetter(b[i]) { i += 1 }
        guard i > start, i < line.end, b[i] == Self.colon else { return nil }
        let key = start..<i, keyLocation = location(line, start)
        i += 1
        while i < line.end, b[i] == Self.space { i += 1 }
        if i == line.end {
            consume(line)
            return (key, keyLocation, .below)
        }
        guard b[i - 1] == Self.space else { return nil }
        let valueLocation = location(line, i)
        let c = b[i]
        let value: Value
        if c == Self.quote {
            // One line, no escapes, and nothing after the closing quote but spaces.
            var j = i + 1
            while j < line.end, b[j] != Self.quote {
                if b[j] == Self.backslash { return nil }
                j += 1
            }
            guard j < line.end else { return nil }
            var k = j + 1
            while k < line.end, b[k] == Self.space { k += 1 }
            guard k == line.end else { return nil }
            value = .scalar(string((i + 1)..<j), valueLocation)
            consume(line)
        } else if c == Self.open {
            guard let items = flowList(line, from: i) else { return nil }
            value = .list(items, valueLocation)
            consume(line)
        } else if c == Self.pipe {
            var k = i + 1
            while k < line.end, b[k] == Self.space { k += 1 }
            guard k == line.end else { return nil }
            consume(line)
            guard let text = literalBlock(above: indent) else { return nil }
            value = .block(text, valueLocation)
        } else if Self.isAlphanumeric(c) || c >= 0x80 {
            guard let end = plainEnd(line, from: i) else { return nil }
            value = .scalar(string(i..<end), valueLocation)
            consume(line)
        } else {
            return nil
        }
        // A more indented line below would continue a plain value or be refused; either way,
        // the parser's.
        if let next = peek(), next.indent > indent { return nil }
        return (key, keyLocation, value)
    }

    /// Where a plain scalar from `start` to the line's end ends, its trailing spaces dropped;
    /// nil if it holds ': ' or ends in ':' (the parser reads a mapping there, or refuses it).
    func plainEnd(_ line: Line, from start: Int) -> Int? {
        var end = start
        var j = start
        while j < line.end {
            if b[j] == Self.colon, j + 1 == line.end || b[j + 1] == Self.space { return nil }
            if b[j] != Self.space { end = j + 1 }
            j += 1
        }
        return end
    }

    /// `[a, b]` on one line, items of `isItemByte` starting with a letter or digit and not
    /// ending in ':'; at least one item.
    func flowList(_ line: Line, from start: Int) -> [Located<String>]? {
        var items: [Located<String>] = []
        var i = start + 1
        while true {
            while i < line.end, b[i] == Self.space { i += 1 }
            guard i < line.end, Self.isAlphanumeric(b[i]) else { return nil }
            let itemStart = i
            while i < line.end, Self.isItemByte(b[i]) { i += 1 }
            guard b[i - 1] != Self.colon else { return nil }
            items.append(Located(string(itemStart..<i), at: location(line, itemStart)))
            while i < line.end, b[i] == Self.space { i += 1 }
            guard i < line.end else { return nil }
            if b[i] == Self.comma {
                i += 1
                continue
            }
            guard b[i] == Self.close else { return nil }
            i += 1
            break
        }
        while i < line.end, b[i] == Self.space { i += 1 }
        return i == line.end ? items : nil
    }

    /// The lines of a `|` block under a key at `indent`: all at one indentation deeper than
    /// the key, none blank, the last one ended by a line feed. The text is the lines, each
    /// followed by a line feed (YAML's clipped literal).
    mutating func literalBlock(above indent: Int) -> String? {
        guard let first = peek(), first.number == lineNumber, first.indent > indent else { return nil }
        let depth = first.indent
        var out: [UInt8] = []
        out.reserveCapacity(512)
        while let line = peek(), line.indent >= depth {
            // Blank lines, deeper lines and a last line without a line feed: the parser's.
            guard line.number == lineNumber, line.indent == depth, line.end < b.count else { return nil }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[line.content..<line.end]))
            out.append(Self.lf)
            consume(line)
        }
        // A line indented between the key and the block would be refused.
        if let next = peek() {
            if next.number != lineNumber || next.indent > indent { return nil }
        } else if pos < b.count {
            // Blank lines run to the end: the parser refuses a last one of spaces without a line feed.
            return nil
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads one entry of a mapping: its key, the key's position, its value and the mapping's
    /// indentation; false for anything the scanner does not keep.
    typealias Field = (inout ManifestCursor, Range<Int>, SourceLocation, Value, Int) -> Bool

    /// The lines of a mapping at `first.indent` (or, for a list item, from `start` on the
    /// item's line at column `indent`): `field` reads each entry and says whether it is one
    /// the scanner keeps; a repeated key gives nil.
    mutating func mapping(_ first: Line, start: Int, indent: Int, _ field: Field) -> Bool {
        var line = first, from = start
        var seen: [Range<Int>] = []
        while true {
            guard let (key, location, value) = entry(line, from: from, indent: indent) else { return false }
            for earlier in seen where earlier.count == key.count {
                if (0..<key.count).allSatisfy({ b[earlier.lowerBound + $0] == b[key.lowerBound + $0] }) { return false }
            }
            seen.append(key)
            guard field(&self, key, location, value, indent) else { return false }
            guard let next = peek(), next.indent >= indent else { return true }
            guard next.indent == indent, !(b[next.content] == Self.dash && (next.content + 1 == next.end || b[next.content + 1] == Self.space)) else { return false }
            line = next
            from = next.content
        }
    }

    /// The mapping on the lines below a key at `indent`.
    mutating func mappingBelow(_ indent: Int, _ field: Field) -> SourceLocation? {
        guard let first = peek(), first.indent > indent else { return nil }
        let location = location(first, first.content)
        return mapping(first, start: first.content, indent: first.indent, field) ? location : nil
    }

    /// The list of mappings below a key at `indent` (its `- ` at the key's indentation or
    /// deeper); `item` reads each mapping from its first key, at the item's position.
    mutating func listBelow(_ indent: Int, _ item: (inout ManifestCursor, Line, Int, Int) -> Bool) -> Bool {
        guard let first = peek(), first.indent >= indent else { return false }
        let depth = first.indent
        var line = first
        while true {
            guard b[line.content] == Self.dash, line.content + 1 < line.end, b[line.content + 1] == Self.space else { return false }
            var start = line.content + 1
            while start < line.end, b[start] == Self.space { start += 1 }
            guard start < line.end, item(&self, line, start, start - line.start) else { return false }
            guard let next = peek(), next.indent >= depth else { return true }
            guard next.indent == depth else { return false }
            // The parent's next key at the list's own indentation ends an indentless list.
            if b[next.content] != Self.dash { return depth == indent }
            line = next
        }
    }

    // MARK: - Fields

    static func id(_ value: Value) -> Located<String>? {
        guard case .scalar(let text, let at) = value, Identifier.problem(text) == nil else { return nil }
        return Located(text, at: at)
    }

    static func ids(_ value: Value) -> [Located<String>]? {
        guard case .list(let items, _) = value, items.allSatisfy({ Identifier.problem($0.value) == nil }) else { return nil }
        return items
    }

    /// Text that starts with a visible ASCII character (the decoder's quick test for "not empty").
    static func text(_ value: Value) -> Located<String>? {
        guard case .scalar(let text, let at) = value, let first = text.utf8.first, first > 0x20, first < 0x7F else { return nil }
        return Located(text, at: at)
    }

    static func timestamp(_ value: Value) -> Located<Timestamp>? {
        guard case .scalar(let text, let at) = value, let time = Timestamp(rfc3339: text) else { return nil }
        return Located(time, at: at)
    }

    static func duration(_ value: Value) -> Located<AccessDuration>? {
        guard case .scalar(let text, let at) = value, let duration = AccessDuration(text) else { return nil }
        return Located(duration, at: at)
    }

    static func resources(_ value: Value) -> [Located<ResourceRef>]? {
        guard case .list(let items, _) = value else { return nil }
        var out: [Located<ResourceRef>] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let ref = ResourceRef(item.value) else { return nil }
            out.append(Located(ref, at: item.location))
        }
        return out
    }
}
