/// Reads bytes that are one JSON value in its RFC 8785 canonical spelling, the one
/// `CanonicalJSON.encodeBytes` writes, in one pass and without positions.
///
/// Every audit line accessctl writes is such bytes. Reading them with `JSONParser` (a node
/// tree with a position for every value) and then encoding the value again to see whether
/// the line is canonical took about a quarter of a `plan` without the cache on a long log.
/// This reader checks the spelling as it reads: it gives a value only for the bytes
/// `CanonicalJSON.encodeBytes` makes of that value, and nil for anything else, valid JSON in
/// another spelling or not JSON at all, which callers then read with `JSONParser` for its
/// value or its message. So it never decides what is accepted, only how fast.
package enum CanonicalJSONReader {
    /// The value whose canonical encoding is `bytes`, or nil.
    package static func read(_ bytes: [UInt8]) -> JSONValue? {
        read(bytes, markingMember: nil)?.value
    }

    /// As `read(_:)`, and where the top-level object's member `key` lies in `bytes`, with the
    /// comma that joins it to a neighbour, as `CanonicalJSON.encodeBytes(members:markingMember:)`
    /// marks it: the bytes without that range are the object's encoding without the member.
    package static func read(_ bytes: [UInt8], markingMember key: String?) -> (value: JSONValue, member: Range<Int>?)? {
        guard UTF8Validation.firstInvalidOffset(bytes) == nil else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> (value: JSONValue, member: Range<Int>?)? in
            var reader = Reader(bytes: buffer, key: key.map { Array($0.utf8) })
            guard let value = reader.value(depth: 0), reader.pos == buffer.count else { return nil }
            return (value, reader.member)
        }
    }
}

/// One pass over canonical bytes; every `nil` means "not the canonical spelling".
private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let key: [UInt8]?
    var pos = 0
    var member: Range<Int>?

    mutating func value(depth: Int) -> JSONValue? {
        guard pos < bytes.count else { return nil }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard bytes.count - pos >= count else { return nil }
        for i in 0..<count where bytes[pos + i] != word.utf8Start[i] { return nil }
        pos += count
        return value
    }

    /// Members with no white space, keys in strictly increasing UTF-16 order (so no key
    /// twice), no deeper than `JSONParser` reads.
    mutating func object(depth: Int) -> JSONValue? {
        guard depth <= YAMLParser.maximumDepth else { return nil }
        pos += 1
        guard pos < bytes.count else { return nil }
        if bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object([])
        }
        var members: [(String, JSONValue)] = []
        while true {
            // A later member's range starts at the comma before it.
            let start = members.isEmpty ? pos : pos - 1
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), let name = string() else { return nil }
            if let previous = members.last?.0, !CanonicalJSON.utf16Less(previous, name) { return nil }
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return nil }
            pos += 1
            guard let item = value(depth: depth) else { return nil }
            members.append((name, item))
            guard pos < bytes.count else { return nil }
            let marked = depth == 1 && member == nil && key.map { name.utf8.elementsEqual($0) } == true
            switch bytes[pos] {
            case UInt8(ascii: ","):
                // The first member takes the comma after it.
                if marked { member = start..<(members.count == 1 ? pos + 1 : pos) }
                pos += 1
            case UInt8(ascii: "}"):
                if marked { member = start..<pos }
                pos += 1
                return .object(members)
            default: return nil
            }
        }
    }

    mutating func array(depth: Int) -> JSONValue? {
        guard depth <= YAMLParser.maximumDepth else { return nil }
        pos += 1
        guard pos < bytes.count else { return nil }
        if bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        var items: [JSONValue] = []
        while true {
            guard let item = value(depth: depth) else { return nil }
            items.append(item)
            guard pos < bytes.count else { return nil }
            switch bytes[pos] {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "]"):
                pos += 1
                return .array(items)
            default: return nil
            }
        }
    }

    /// A string escaped exactly as `CanonicalJSON.writeString` escapes: `\"`, `\\`, `\b`,
    /// `\t`, `\n`, `\f`, `\r`, and `\u00xx` in lowercase for the other control characters;
    /// every other character as itself (the bytes are valid UTF-8, checked once).
    mutating func string() -> String? {
        pos += 1
        let start = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                defer { pos += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { return nil }
            pos += 1
        }
        var out = Array(bytes[start..<pos])
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { return nil }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                pos += 1
                continue
            }
            guard pos + 1 < bytes.count else { return nil }
            if let byte = JSONParser.shortEscape(bytes[pos + 1]) {
                out.append(byte)
                pos += 2
                continue
            }
            guard bytes[pos + 1] == UInt8(ascii: "u"), pos + 5 < bytes.count, bytes[pos + 2] == UInt8(ascii: "0"), bytes[pos + 3] == UInt8(ascii: "0"),
                let high = Hex.value(bytes[pos + 4]), let low = Hex.value(bytes[pos + 5])
            else { return nil }
            let control = high << 4 | low
            // The five with a short escape are written with it.
            guard control < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(control) else { return nil }
            out.append(control)
            pos += 6
        }
        return nil
    }

    /// A number as ECMAScript writes it (`CanonicalJSON.formatNumber`). Whole numbers of up to
    /// 15 digits (an audit line's `seq`) are their own spelling; any other is parsed and
    /// written again to compare.
    mutating func number() -> JSONValue? {
        let start = pos
        var whole = true
        if bytes[pos] == UInt8(ascii: "-") {
            whole = false
            pos += 1
        }
        guard skipDigits() > 0 else { return nil }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            whole = false
            pos += 1
            guard skipDigits() > 0 else { return nil }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            whole = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard skipDigits() > 0 else { return nil }
        }
        let literal = UnsafeBufferPointer(rebasing: bytes[start..<pos])
        if whole, literal.count <= 15 {
            guard literal.count == 1 || literal[0] != UInt8(ascii: "0") else { return nil }
            return .number(Double(literal.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }))
        }
        guard let value = Double(String(decoding: literal, as: UTF8.self)), value.isFinite,
            CanonicalJSON.formatNumber(value).utf8.elementsEqual(literal)
        else { return nil }
        return .number(value)
    }

    mutating func skipDigits() -> Int {
        let start = pos
        while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
        return pos - start
    }
}
