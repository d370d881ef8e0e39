import AccessFormats
import AccessModel

/// A reviewer's signed answer about one standing grant: keep it (`confirm`) or take it away
/// (`remove`). One line of `trust/reviews.jsonl`, appended by `accessctl access-review`.
package struct AccessReviewStatement: Sendable, Equatable {
    package enum Decision: String, Sendable, CaseIterable { case confirm, remove }

    /// The grant's key, as the plan and the state name it (`role/maria.lopez/org-admin`).
    package var grant: String
    /// `Grant.reviewDigest` of the grant as the reviewer saw it: a confirm does not carry
    /// over to a grant that changed (another role, other resources).
    package var grantDigest: String
    package var decision: Decision
    package var by: String
    package var at: Timestamp
    package var reason: String?
    package var signature: String
    /// Where the statement is, for messages.
    package var line: Int = 0

    package init(grant: String, grantDigest: String, decision: Decision, by: String, at: Timestamp, reason: String?, signature: String) {
        (self.grant, self.grantDigest, self.decision, self.by, self.at, self.reason, self.signature) = (grant, grantDigest, decision, by, at, reason, signature)
    }

    /// Where statements live, relative to the tree's root.
    package static let relativePath = "trust/reviews.jsonl"
    /// The payload's `type`: neither a decision's nor a configuration statement's signature passes for it.
    package static let payloadType = "accessctl.access-review/v1"

    /// The exact bytes signed: RFC 8785 canonical JSON of
    /// `{type, organization, grant, grantDigest, decision, by, at, reason?}`.
    package func payload(organization: String) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("type", .string(Self.payloadType)), ("organization", .string(organization)), ("grant", .string(grant)),
            ("grantDigest", .string(grantDigest)), ("decision", .string(decision.rawValue)), ("by", .string(by)), ("at", .string(at.description)),
        ]
        if let reason { members.append(("reason", .string(reason))) }
        return Array(CanonicalJSON.encode(.object(members)).utf8)
    }

    /// The statement as one line of the file (with its newline).
    package var jsonLine: String {
        var members: [(String, JSONValue)] = [
            ("grant", .string(grant)), ("grantDigest", .string(grantDigest)), ("decision", .string(decision.rawValue)),
            ("by", .string(by)), ("at", .string(at.description)),
        ]
        if let reason { members.append(("reason", .string(reason))) }
        members.append(("signature", .string(signature)))
        return CanonicalJSON.encode(.object(members)) + "\n"
    }

    /// Reads the file's text; each bad line is an error at its line and column.
    package static func parse(_ text: String, file: String) throws(Diagnostic) -> [AccessReviewStatement] {
        var out: [AccessReviewStatement] = []
        for (number, node) in try JSONParser.lines(text, file: file) {
            func at(_ key: String) -> SourceLocation { SourceLocation(line: number, column: node[key]?.location.column ?? 1) }
            func field(_ key: String) throws(Diagnostic) -> String {
                guard case .string(let value)? = node[key]?.value else {
                    throw Diagnostic(file: file, location: at(key), message: "'\(key)' must be a string in an access review statement")
                }
                return value
            }
            guard let decision = Decision(rawValue: try field("decision")) else {
                throw Diagnostic(file: file, location: at("decision"), message: "'decision' must be confirm or remove")
            }
            guard let time = Timestamp(rfc3339: try field("at")) else {
                throw Diagnostic(file: file, location: at("at"), message: "'at' must be a time like 2026-11-22T10:00:00Z")
            }
            var reason: String?
            if node["reason"] != nil { reason = try field("reason") }
            var statement = AccessReviewStatement(
                grant: try field("grant"), grantDigest: try field("grantDigest"), decision: decision, by: try field("by"), at: time, reason: reason,
                signature: try field("signature"))
            statement.line = number
            out.append(statement)
        }
        return out
    }
}
