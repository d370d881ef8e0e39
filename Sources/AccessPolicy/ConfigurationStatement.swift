import AccessFormats
import AccessModel

/// An administrator's signed statement that a configuration (by digest) may replace the one
/// trusted before it (`previous`; nil for the first). One line of `trust/configuration.jsonl`.
package struct ConfigurationStatement: Sendable, Equatable {
    package var digest: String
    package var previous: String?
    package var by: String
    package var at: Timestamp
    package var signature: String
    /// Where the statement is, for messages.
    package var line: Int = 0

    package init(digest: String, previous: String?, by: String, at: Timestamp, signature: String) {
        self.digest = digest
        self.previous = previous
        self.by = by
        self.at = at
        self.signature = signature
    }

    /// Where statements live, relative to the tree's root.
    package static let relativePath = "trust/configuration.jsonl"
    /// The payload's `type`: a decision's payload has none, so neither signature passes for the other.
    package static let payloadType = "accessctl.configuration/v1"

    /// The exact bytes signed: RFC 8785 canonical JSON of
    /// `{type, organization, digest, previous, by, at}`.
    package static func payload(organization: String, digest: String, previous: String?, by: String, at: Timestamp) -> [UInt8] {
        Array(CanonicalJSON.encode(.object([
            ("type", .string(payloadType)), ("organization", .string(organization)), ("digest", .string(digest)),
            ("previous", .text(previous)), ("by", .string(by)), ("at", .string(at.description)),
        ])).utf8)
    }

    package func payload(organization: String) -> [UInt8] {
        Self.payload(organization: organization, digest: digest, previous: previous, by: by, at: at)
    }

    /// The statement as one line of the trust file (with its newline).
    package var jsonLine: String {
        CanonicalJSON.encode(.object([
            ("digest", .string(digest)), ("previous", .text(previous)), ("by", .string(by)),
            ("at", .string(at.description)), ("signature", .string(signature)),
        ])) + "\n"
    }

    /// Reads the trust file's text; each bad line is an error at its line and column.
    package static func parse(_ text: String, file: String) throws(Diagnostic) -> [ConfigurationStatement] {
        var out: [ConfigurationStatement] = []
        for (number, node) in try JSONParser.lines(text, file: file) {
            func field(_ key: String) throws(Diagnostic) -> String {
                guard case .string(let value)? = node[key]?.value else {
                    throw Diagnostic(file: file, location: SourceLocation(line: number, column: (node[key]?.location.column) ?? 1), message: "'\(key)' must be a string in a configuration statement")
                }
                return value
            }
            var previous: String?
            switch node["previous"]?.value {
            case .null?, nil: previous = nil
            case .string(let text)?: previous = text
            default: throw Diagnostic(file: file, location: SourceLocation(line: number, column: node["previous"]!.location.column), message: "'previous' must be a digest or null")
            }
            let atText = try field("at")
            guard let at = Timestamp(rfc3339: atText) else {
                throw Diagnostic(file: file, location: SourceLocation(line: number, column: node["at"]!.location.column), message: "'at' must be a time like 2026-11-22T10:00:00Z")
            }
            var statement = ConfigurationStatement(digest: try field("digest"), previous: previous, by: try field("by"), at: at, signature: try field("signature"))
            statement.line = number
            out.append(statement)
        }
        return out
    }
}
