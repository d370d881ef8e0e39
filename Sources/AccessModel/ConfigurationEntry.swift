import AccessFormats

/// One configuration manifest as the configuration digest sees it: kind, name and the spec
/// in a form that formatting, comments, file moves and YAML-versus-JSON do not change.
package struct ConfigurationEntry: Sendable, Equatable {
    package var kind: String
    package var name: String
    /// The file, relative to the tree's root: where the trusted snapshot keeps its text.
    package var path: String
    /// The spec with every scalar as its text (YAML reads `2` as text, JSON as a number),
    /// in RFC 8785 canonical JSON.
    package var canonicalSpec: String

    package init(kind: String, name: String, path: String, canonicalSpec: String) {
        self.kind = kind
        self.name = name
        self.path = path
        self.canonicalSpec = canonicalSpec
    }

    /// `Kind/name`: what identifies the manifest across files and formats.
    package var id: String { "\(kind)/\(name)" }

    /// The entry of a decoded manifest's spec node.
    package init(kind: String, name: String, path: String, spec: Node) {
        self.init(kind: kind, name: name, path: path, canonicalSpec: Self.canonicalText(spec))
    }

    /// The spec with every scalar as text (`threshold: 2` in YAML and `"threshold": 2` in JSON
    /// are one value) in canonical JSON: `CanonicalJSON.encode` of the node's JSON with
    /// numbers and booleans as their text, written straight from the node. Every
    /// configuration manifest of every run goes through here (61,000 on a tree of 10k
    /// principals and 50k resources), and building the JSON value and then its text first
    /// cost about 3% of `check` there.
    static func canonicalText(_ node: Node) -> String {
        var out: [UInt8] = []
        writeTextual(node, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func writeTextual(_ node: Node, to out: inout [UInt8]) {
        switch node.value {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? #""true""# : #""false""#).utf8
        case .number(_, let value): CanonicalJSON.writeString(CanonicalJSON.formatNumber(value), to: &out)
        case .string(let s): CanonicalJSON.writeString(s, to: &out)
        case .sequence(let items):
            out.append(UInt8(ascii: "["))
            for i in items.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeTextual(items[i], to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .mapping(let entries):
            // Keys are unique (the parsers refuse duplicates), so the order is total.
            let order = entries.indices.sorted { CanonicalJSON.utf16Less(entries[$0].key, entries[$1].key) }
            out.append(UInt8(ascii: "{"))
            for (n, i) in order.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(entries[i].key, to: &out)
                out.append(UInt8(ascii: ":"))
                writeTextual(entries[i].value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `sha256:HEX` over the canonical listing `[{kind, name, spec}]`, sorted by kind and name.
    package static func digest(_ entries: [ConfigurationEntry]) -> String {
        "sha256:" + SHA256.hex(listing(entries))
    }

    /// The canonical listing's bytes, written straight out: every command works out the
    /// digest, and building it as a `String` one entry at a time was a third of a second on one
    /// core for 61,000 manifests. Members are in RFC 8785 order (kind, name, spec); the spec
    /// is canonical already.
    static func listing(_ entries: [ConfigurationEntry]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(entries.reduce(2) { $0 + $1.canonicalSpec.utf8.count + $1.kind.utf8.count + $1.name.utf8.count + 32 })
        for (i, entry) in entries.sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += #"{"kind":"#.utf8
            CanonicalJSON.writeString(entry.kind, to: &out)
            out += #","name":"#.utf8
            CanonicalJSON.writeString(entry.name, to: &out)
            out += #","spec":"#.utf8
            out += entry.canonicalSpec.utf8
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
