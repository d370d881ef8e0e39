import AccessFormats

/// A resource named as `TYPE:NAME`, for example `site:acme-prod`.
package struct ResourceRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var type: String
    package var name: String

    package init(type: String, name: String) {
        self.type = type
        self.name = name
    }

    /// Splits `TYPE:NAME`; nil unless both halves are valid ids.
    package init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let type = String(text[..<colon])
        let name = String(text[text.index(after: colon)...])
        guard Identifier.isValid(type), Identifier.isValid(name) else { return nil }
        self.init(type: type, name: name)
    }

    package var description: String { "\(type):\(name)" }

    /// The order of `TYPE:NAME` as text, without building the texts (sorting 50k resources
    /// would build millions).
    package static func < (a: ResourceRef, b: ResourceRef) -> Bool {
        if a.type == b.type { return a.name < b.name }
        let colon = UInt8(ascii: ":")
        // When one type begins the other, the ':' after the shorter meets a character of the longer.
        if b.type.utf8.starts(with: a.type.utf8) { return colon < b.type.utf8.dropFirst(a.type.utf8.count).first! }
        if a.type.utf8.starts(with: b.type.utf8) { return a.type.utf8.dropFirst(b.type.utf8.count).first! < colon }
        return a.type < b.type
    }
}

/// A pattern over resources: `*` (all), `TYPE:*`, `TYPE:prefix-*`, or an exact `TYPE:NAME`.
package struct ResourcePattern: Sendable, Hashable, CustomStringConvertible {
    package var text: String
    /// nil for the pattern `*`, which matches every type.
    package var type: String?
    private var namePattern: String

    /// Parses a pattern; nil if it is malformed.
    package init?(_ text: String) {
        self.text = text
        if text == "*" {
            type = nil
            namePattern = "*"
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let type = String(text[..<colon])
        let name = String(text[text.index(after: colon)...])
        guard Identifier.isValid(type), !name.isEmpty,
            name.allSatisfy({ $0 == "*" || ($0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0))) })
        else { return nil }
        self.type = type
        namePattern = name
    }

    package var description: String { text }

    /// The pattern that names exactly `ref`, as `ResourcePattern(ref.description)` reads it,
    /// without parsing it again (a grant's scope, 100,000 times a run).
    package init(exactly ref: ResourceRef) {
        text = ref.description
        type = ref.type
        namePattern = ref.name
    }

    /// The type whose resources are principals (impersonation targets): `*` never reaches
    /// them, so acting as someone is given only by a pattern that names the type.
    package static let principalType = "principal"

    /// Whether the resource's own name matches (hierarchy is applied by the caller).
    package func matches(_ ref: ResourceRef) -> Bool {
        guard let type else { return ref.type != Self.principalType }
        return type == ref.type && ResourcePattern.glob(Array(namePattern.utf8)[...], Array(ref.name.utf8)[...])
    }

    /// `*` matches any run of characters, everything else itself.
    static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var starP: Int?, starT = 0
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.endIndex, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let sp = starP {
                p = sp + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
