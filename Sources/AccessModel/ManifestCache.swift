import Foundation
import AccessFormats

/// Decoded access requests kept between runs, in the cache outside the repository, keyed by
/// the SHA-256 of the file's bytes, its path and the name messages give it. A request whose
/// key is in the cache is not parsed or decoded again; any other byte, path or name is a
/// different key. Only requests that decoded without any problem are kept (a file with
/// errors is read again, so its messages are too), and a damaged cache file is ignored.
package struct ManifestCache: Sendable {
    /// Requests by key.
    package var entries: [String: AccessRequest]

    package init(entries: [String: AccessRequest] = [:]) {
        self.entries = entries
    }

    /// The cache file's first line. Change the number whenever decoding changes what it
    /// makes of the same bytes: older caches are then ignored, never trusted.
    static let magic = "accessctl-manifest-cache 1"

    /// The file `name` of the tree at `root` in the cache folder `cache`: one folder per tree,
    /// named after a hash of its absolute path, so trees never share a cache.
    package static func path(in cache: String, for root: String, _ name: String) -> String {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        return Paths.join(Paths.join(cache, String(SHA256.hex(absolute).prefix(16))), name)
    }

    /// The key of a file's decoded request.
    package static func key(display: String, relative: String, bytes: [UInt8]) -> String {
        SHA256.hex(Array(magic.utf8) + [0] + Array(display.utf8) + [0] + Array(relative.utf8) + [0] + bytes)
    }

    /// The cache in the file at `path`; empty when there is none, or it is damaged.
    package static func read(path: String) -> ManifestCache {
        guard let data = FileManager.default.contents(atPath: path) else { return ManifestCache() }
        return decode([UInt8](data)) ?? ManifestCache()
    }

    /// Writes the cache atomically; a cache that cannot be written is no error.
    package func write(path: String) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? AtomicFile.write(encoded, to: path)
    }

    /// A header with the SHA-256 of the body, then one line per request: its key and fields.
    package var encoded: [UInt8] {
        var body: [UInt8] = []
        for key in entries.keys.sorted() {
            var fields = Fields()
            fields.request(entries[key]!)
            body += Array(key.utf8)
            for field in fields.items {
                body.append(Byte.tab)
                body += Fields.escaped(field)
            }
            body.append(Byte.lf)
        }
        return Array("\(Self.magic)\n\(SHA256.hex(body))\n".utf8) + body
    }

    /// Reads a cache file's bytes; nil unless they are whole and intact.
    package static func decode(_ bytes: [UInt8]) -> ManifestCache? {
        guard let first = bytes.firstIndex(of: Byte.lf), let second = bytes[(first + 1)...].firstIndex(of: Byte.lf),
            bytes[..<first].elementsEqual(magic.utf8)
        else { return nil }
        let body = bytes[(second + 1)...]
        guard bytes[(first + 1)..<second].elementsEqual(SHA256.hex(body).utf8) else { return nil }
        var entries: [String: AccessRequest] = [:]
        for line in body.split(separator: Byte.lf) {
            let parts = line.split(separator: Byte.tab, omittingEmptySubsequences: false)
            guard parts.count > 1 else { return nil }
            var reader = Fields.Reader(items: parts.dropFirst().map { Fields.unescaped($0) })
            guard let request = reader.request(), reader.atEnd else { return nil }
            entries[String(decoding: parts[0], as: UTF8.self)] = request
        }
        return ManifestCache(entries: entries)
    }
}

/// The bytes the cache file's format uses.
private enum Byte {
    static let tab = UInt8(ascii: "\t")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let backslash = UInt8(ascii: "\\")
}

/// A request as a flat list of text fields, and back.
private struct Fields {
    var items: [String] = []

    static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case Byte.backslash: out += [Byte.backslash, Byte.backslash]
            case Byte.tab: out += [Byte.backslash, UInt8(ascii: "t")]
            case Byte.lf: out += [Byte.backslash, UInt8(ascii: "n")]
            case Byte.cr: out += [Byte.backslash, UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
        return out
    }

    static func unescaped(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(Byte.backslash) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var escaping = false
        for byte in bytes {
            if escaping {
                switch byte {
                case UInt8(ascii: "t"): out.append(Byte.tab)
                case UInt8(ascii: "n"): out.append(Byte.lf)
                case UInt8(ascii: "r"): out.append(Byte.cr)
                default: out.append(byte)
                }
                escaping = false
            } else if byte == Byte.backslash {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func add(_ text: String) { items.append(text) }
    mutating func add(_ location: SourceLocation) { items.append("\(location.line):\(location.column)") }
    mutating func add(_ time: Timestamp) { items.append(String(time.seconds)) }
    mutating func add(_ value: Located<String>) { add(value.value); add(value.location) }
    mutating func add(_ value: Located<Timestamp>) { add(value.value); add(value.location) }
    mutating func optional<T>(_ value: T?, _ write: (inout Fields, T) -> Void) {
        if let value {
            add("1")
            write(&self, value)
        } else {
            add("0")
        }
    }
    mutating func list<T>(_ values: [T], _ write: (inout Fields, T) -> Void) {
        add(String(values.count))
        for value in values { write(&self, value) }
    }

    mutating func request(_ r: AccessRequest) {
        add(r.header.file)
        add(r.header.name)
        let s = r.spec
        add(s.requester)
        add(s.requestedAt)
        list(s.resources) { f, v in f.add(v.value.description); f.add(v.location) }
        optional(s.role) { f, v in f.add(v) }
        list(s.actions) { f, v in f.add(v) }
        add(s.reason)
        optional(s.duration) { f, v in f.add(v.value.text); f.add(v.location) }
        optional(s.validFrom) { f, v in f.add(v) }
        optional(s.validTo) { f, v in f.add(v) }
        optional(s.renews) { f, v in f.add(v) }
        optional(r.statusLocation) { f, v in f.add(v) }
        list(r.decisions) { f, d in
            f.add(d.kind.value.rawValue)
            f.add(d.kind.location)
            f.add(d.by)
            f.add(d.at)
            f.optional(d.terms) { f, t in
                f.add(t.validFrom)
                f.optional(t.validTo) { f, v in f.add(v) }
                f.optional(t.duration) { f, v in f.add(v.text) }
                f.list(t.resources) { f, v in f.add(v.description) }
                f.optional(t.role) { f, v in f.add(v) }
                f.list(t.actions) { f, v in f.add(v) }
                f.add(t.location)
            }
            f.optional(d.reason) { f, v in f.add(v) }
            f.add(d.specDigest)
            f.add(d.signature)
            f.add(d.location)
        }
    }

    /// Reads fields in the order `request` wrote them; any mismatch makes the result nil.
    struct Reader {
        var items: [String]
        var index = 0

        var atEnd: Bool { index == items.count }

        mutating func text() -> String? {
            guard index < items.count else { return nil }
            index += 1
            return items[index - 1]
        }
        mutating func location() -> SourceLocation? {
            guard let t = text(), let colon = t.firstIndex(of: ":"), let line = Int(t[..<colon]), let column = Int(t[t.index(after: colon)...]) else { return nil }
            return SourceLocation(line: line, column: column)
        }
        mutating func time() -> Timestamp? { text().flatMap { Int64($0) }.map { Timestamp(seconds: $0) } }
        mutating func located() -> Located<String>? {
            guard let v = text(), let at = location() else { return nil }
            return Located(v, at: at)
        }
        mutating func locatedTime() -> Located<Timestamp>? {
            guard let v = time(), let at = location() else { return nil }
            return Located(v, at: at)
        }
        /// `.some(nil)` for an absent value, nil for a broken field.
        mutating func optional<T>(_ read: (inout Reader) -> T?) -> T?? {
            switch text() {
            case "0": return .some(nil)
            case "1": return read(&self).map { .some($0) }
            default: return nil
            }
        }
        mutating func list<T>(_ read: (inout Reader) -> T?) -> [T]? {
            guard let count = text().flatMap({ Int($0) }), count >= 0, count <= items.count else { return nil }
            var out: [T] = []
            for _ in 0..<count {
                guard let value = read(&self) else { return nil }
                out.append(value)
            }
            return out
        }

        mutating func request() -> AccessRequest? {
            guard let file = text(), let name = located(), let requester = located(), let requestedAt = locatedTime(),
                let resources = list({ r -> Located<ResourceRef>? in
                    guard let ref = r.text().flatMap(ResourceRef.init), let at = r.location() else { return nil }
                    return Located(ref, at: at)
                }),
                let role = optional({ $0.located() }), let actions = list({ $0.located() }), let reason = located(),
                let duration = optional({ r -> Located<AccessDuration>? in
                    guard let d = r.text().flatMap(AccessDuration.init), let at = r.location() else { return nil }
                    return Located(d, at: at)
                }),
                let validFrom = optional({ $0.locatedTime() }), let validTo = optional({ $0.locatedTime() }), let renews = optional({ $0.located() }),
                let statusLocation = optional({ $0.location() }),
                let decisions = list({ $0.decision() })
            else { return nil }
            let spec = RequestSpec(
                requester: requester, requestedAt: requestedAt, resources: resources, role: role, actions: actions, reason: reason, duration: duration,
                validFrom: validFrom, validTo: validTo, renews: renews)
            return AccessRequest(header: ManifestHeader(file: file, kind: .accessRequest, name: name), spec: spec, decisions: decisions, statusLocation: statusLocation)
        }

        mutating func decision() -> Decision? {
            guard let kindText = text(), let kind = Decision.Kind(rawValue: kindText), let kindAt = location(), let by = located(), let at = locatedTime(),
                let terms = optional({ $0.terms() }), let reason = optional({ $0.text() }), let specDigest = located(), let signature = located(),
                let location = location()
            else { return nil }
            return Decision(kind: Located(kind, at: kindAt), by: by, at: at, terms: terms, reason: reason, specDigest: specDigest, signature: signature, location: location)
        }

        mutating func terms() -> Terms? {
            guard let validFrom = time(), let validTo = optional({ $0.time() }), let duration = optional({ r in r.text().flatMap(AccessDuration.init) }),
                let resources = list({ r in r.text().flatMap(ResourceRef.init) }), let role = optional({ $0.text() }), let actions = list({ $0.text() }),
                let location = location()
            else { return nil }
            var terms = Terms(validFrom: validFrom, validTo: validTo, resources: resources, role: role, actions: actions, location: location)
            terms.duration = duration
            return terms
        }
    }
}
