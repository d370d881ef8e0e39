import AccessFormats
import AccessModel
import AccessPolicy

/// One line of the audit log (DESIGN.md section 6).
package struct AuditEvent: Sendable, Equatable {
    /// The event names accessctl writes.
    package enum Name {
        package static let submitted = "request.submitted"
        package static let updated = "request.updated"
        package static let approved = "request.approved"
        package static let denied = "request.denied"
        package static let revoked = "request.revoked"
        package static let relinquished = "request.relinquished"
        package static let expired = "request.expired"
        /// A request's grant ends within `notifications.expiringSoon`: logged once per end.
        package static let expiring = "request.expiring"
        package static let voided = "decision.voided"
        /// A verified decision that changed nothing, with why (a deny after the approval).
        package static let ignored = "decision.ignored"
        /// The first run that saw a verified decision: it counts from then (or its signed time, if later).
        package static let seen = "decision.seen"
        package static let activated = "grant.activated"
        package static let changed = "grant.changed"
        package static let drift = "grant.drift"
        /// Standing access came under a review period: its first period starts now.
        package static let reviewStarted = "review.started"
        /// Standing access's review is due: its reviewers are asked (once per due time).
        package static let reviewOpened = "review.opened"
        /// A reviewer's signed confirm of standing access, first seen: its next period starts.
        package static let reviewConfirmed = "review.confirmed"
        /// A reviewer's signed remove of standing access, first seen.
        package static let reviewRemoved = "review.removed"
        /// An approver signed the review of a break-glass grant.
        package static let reviewed = "request.reviewed"
        /// A break-glass grant's review was due and is missing: logged once.
        package static let reviewOverdue = "request.review-overdue"
        /// A configuration became the trusted one: pinned, or signed by enough administrators.
        package static let configurationTrusted = "configuration.trusted"
        /// A configuration change waits for administrator signatures: logged once per digest.
        package static let configurationPending = "configuration.pending"
        /// `grant.` + a removal cause: grant.expired, grant.revoked, ...
        package static func removed(_ cause: RemovalCause) -> String { "grant.\(cause.rawValue)" }
    }

    /// `impersonated: [ID]` for events about `principal:ID` resources, so the log names both
    /// the person who may act and the person they may act as.
    package static func impersonation(_ resources: [String]) -> [(String, JSONValue)] {
        let prefix = TreeValidator.principalType + ":"
        let people = resources.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        return people.isEmpty ? [] : [("impersonated", .array(people.map { .string($0) }))]
    }

    /// The hash `prev` holds on the first line.
    package static let genesis = "sha256:" + String(repeating: "0", count: 64)

    /// The strings and lists, in one shared box (`SharedFields`): a long log's 300,000
    /// events are copied as its history is replayed and its pages are built.
    private struct Boxed: Sendable {
        var event: String
        var request: String?
        var principal: String?
        var resources: [String]
        var actor: String?
        var details: [(String, JSONValue)]
        var prev: String
        var hash: String
    }

    private var shared: SharedFields<Boxed>
    package var seq: Int
    package var time: Timestamp

    package var event: String {
        _read { yield shared.fields.event }
        _modify { yield &shared.fields.event }
    }

    package var request: String? {
        _read { yield shared.fields.request }
        _modify { yield &shared.fields.request }
    }

    package var principal: String? {
        _read { yield shared.fields.principal }
        _modify { yield &shared.fields.principal }
    }

    package var resources: [String] {
        _read { yield shared.fields.resources }
        _modify { yield &shared.fields.resources }
    }

    package var actor: String? {
        _read { yield shared.fields.actor }
        _modify { yield &shared.fields.actor }
    }

    package var details: [(String, JSONValue)] {
        _read { yield shared.fields.details }
        _modify { yield &shared.fields.details }
    }

    package var prev: String {
        _read { yield shared.fields.prev }
        _modify { yield &shared.fields.prev }
    }

    package var hash: String {
        _read { yield shared.fields.hash }
        _modify { yield &shared.fields.hash }
    }

    package init(
        seq: Int = 0, time: Timestamp, event: String, request: String? = nil, principal: String? = nil, resources: [String] = [],
        actor: String? = nil, details: [(String, JSONValue)] = [], prev: String = "", hash: String = ""
    ) {
        shared = SharedFields(Boxed(event: event, request: request, principal: principal, resources: resources, actor: actor, details: details, prev: prev, hash: hash))
        self.seq = seq
        self.time = time
    }

    package static func == (a: AuditEvent, b: AuditEvent) -> Bool { a.line == b.line }

    /// The event without `hash`: what `hash` is the SHA-256 of.
    var unhashed: JSONValue {
        var members: [(String, JSONValue)] = [("seq", .number(Double(seq))), ("time", .string(time.description)), ("event", .string(event))]
        if let request { members.append(("request", .string(request))) }
        if let principal { members.append(("principal", .string(principal))) }
        if !resources.isEmpty { members.append(("resources", .array(resources.map { .string($0) }))) }
        if let actor { members.append(("actor", .string(actor))) }
        if !details.isEmpty { members.append(("details", .object(details))) }
        members.append(("prev", .string(prev)))
        return .object(members)
    }

    /// `sha256:` + hex SHA-256 of the canonical JSON without `hash`.
    package var computedHash: String { "sha256:" + SHA256.hex(CanonicalJSON.encodeBytes(unhashed)) }

    /// The line as written: RFC 8785 canonical JSON, so each event has exactly one spelling.
    package var line: String { String(decoding: lineBytes, as: UTF8.self) }

    /// The line's UTF-8 bytes, what the log holds.
    package var lineBytes: [UInt8] {
        guard case .object(var members) = unhashed else { return [] }
        members.append(("hash", .string(hash)))
        return CanonicalJSON.encodeBytes(.object(members))
    }

    /// Whether `bytes` are this event's line (its one canonical spelling) and whether its hash
    /// is the one its content gives: what reading the log and the checkpoint check of a line.
    /// One encoding gives both: the hashed bytes are the line with the `hash` member cut out.
    package func check<Bytes: Collection<UInt8>>(line bytes: Bytes) -> (canonical: Bool, hashMatches: Bool) {
        guard case .object(var members) = unhashed else { return (false, false) }
        members.append(("hash", .string(hash)))
        let (line, member) = CanonicalJSON.encodeBytes(members: members, markingMember: "hash")
        guard line.elementsEqual(bytes), let member else { return (false, false) }
        return (true, hash == Self.hash(of: line, cutting: member))
    }

    /// `sha256:` + hex SHA-256 of a line without the `hash` member at `member` (with its
    /// comma): the hash the line's content gives.
    static func hash(of line: [UInt8], cutting member: Range<Int>) -> String {
        var hasher = SHA256()
        hasher.update(line[..<member.lowerBound])
        hasher.update(line[member.upperBound...])
        return "sha256:" + Hex.encode(hasher.finalize())
    }

    /// Whether `value`, read from canonical JSON (`CanonicalJSONReader`) and decoded into this
    /// event, is this event's line, as `check(line:)` would find with a second encoding: it is
    /// unless the line holds something the event leaves out (an empty `resources` or
    /// `details`) or writes in another form (the time: `Timestamp` reads only the form it
    /// writes, so this holds today; it is checked so that stays true). A member added to
    /// `unhashed` must be looked at here too (the tests compare both reads on every kind of
    /// line).
    func isLine(read value: JSONValue) -> Bool {
        value["time"]?.stringValue == time.description
            && (value["resources"] == nil || !resources.isEmpty)
            && (value["details"] == nil || !details.isEmpty)
    }

    /// Sets `seq`, `prev` and `hash` to follow `previous` (nil for the first line).
    package mutating func chain(after previous: AuditEvent?) {
        seq = (previous?.seq ?? 0) + 1
        prev = previous?.hash ?? Self.genesis
        hash = computedHash
    }

    /// A member of `details`.
    package func detail(_ key: String) -> JSONValue? { details.first { $0.0 == key }?.1 }
}

extension AuditEvent {
    /// Reads an event from parsed JSON; nil names what is wrong.
    static func decode(_ value: JSONValue) -> Result<AuditEvent, AuditLog.Problem> {
        guard case .object(let members) = value else { return .failure(.init("not a JSON object")) }
        let known: Set<String> = ["seq", "time", "event", "request", "principal", "resources", "actor", "details", "prev", "hash"]
        if let extra = members.first(where: { !known.contains($0.0) }) { return .failure(.init("unknown field '\(extra.0)'")) }
        guard case .number(let seq)? = value["seq"], seq >= 1, seq == seq.rounded(), seq < 1e15 else { return .failure(.init("'seq' must be a positive whole number")) }
        guard let timeText = value["time"]?.stringValue, let time = Timestamp(rfc3339: timeText) else { return .failure(.init("'time' must be an RFC 3339 time")) }
        guard let event = value["event"]?.stringValue else { return .failure(.init("'event' must be a string")) }
        guard let prev = value["prev"]?.stringValue, let hash = value["hash"]?.stringValue else { return .failure(.init("'prev' and 'hash' must be strings")) }
        var resources: [String] = []
        if let list = value["resources"] {
            guard case .array(let items) = list, items.allSatisfy({ $0.stringValue != nil }) else { return .failure(.init("'resources' must be a list of strings")) }
            resources = items.compactMap(\.stringValue)
        }
        var details: [(String, JSONValue)] = []
        if let object = value["details"] {
            guard case .object(let m) = object else { return .failure(.init("'details' must be an object")) }
            details = m
        }
        for key in ["request", "principal", "actor"] where value[key] != nil && value[key]?.stringValue == nil {
            return .failure(.init("'\(key)' must be a string"))
        }
        return .success(AuditEvent(
            seq: Int(seq), time: time, event: event, request: value["request"]?.stringValue, principal: value["principal"]?.stringValue,
            resources: resources, actor: value["actor"]?.stringValue, details: details, prev: prev, hash: hash))
    }
}
