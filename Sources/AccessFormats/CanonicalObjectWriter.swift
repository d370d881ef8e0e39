/// Writes one JSON object's members straight from typed fields, for canonical bytes made on
/// every run (each request's spec digest, each approval's terms). The caller gives the
/// members in RFC 8785 order: names sorted by UTF-16 code units, which for the ASCII names
/// these writers use is their byte order (property tests compare each writer with
/// `CanonicalJSON.encodeBytes` of the same value).
package struct CanonicalObjectWriter {
    package private(set) var bytes: [UInt8]
    private var first = true

    /// An object of about `capacity` bytes.
    package init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// `"name":`, after a comma unless it is the first member.
    package mutating func name(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// A member whose value is a string.
    package mutating func string(_ name: StaticString, _ value: String) {
        self.name(name)
        CanonicalJSON.writeString(value, to: &bytes)
    }

    /// A member whose value is a list of strings.
    package mutating func strings(_ name: StaticString, _ values: [String]) {
        self.name(name)
        bytes.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member whose value is `null`.
    package mutating func null(_ name: StaticString) {
        self.name(name)
        bytes.append(contentsOf: Array("null".utf8))
    }

    /// The object, closed.
    package consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
