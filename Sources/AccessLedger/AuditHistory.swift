import AccessFormats
import AccessModel
import AccessPolicy

/// What the audit log says happened, replayed line by line: the grants in force, the
/// requests that ended, and which lifecycle events were already logged.
package struct AuditHistory: Sendable {
    /// Grants by key, as the logged activations and removals leave them.
    package var grants: [String: GrantRecord] = [:]
    /// Requests the log shows as expired, revoked or relinquished: never granted again.
    package var ended: [String: (cause: RemovalCause, time: Timestamp)] = [:]
    /// Lifecycle events already logged, by the key of their identity (see `identity(of:)`).
    package var logged: Set<LoggedKey> = []
    /// The spec digest last logged for each request.
    package var specDigests: [String: String] = [:]
    package var lastTime: Timestamp?
    /// When a run first saw each decision (by `Decision.observationKey`).
    package var firstSeen: [String: Timestamp] = [:]
    /// Digests of the configurations the log shows trusted, oldest first.
    package var trustedConfigurations: [String] = []
    /// Reviews of standing access by grant key: when each period started, the last confirm and remove.
    package var reviews: [String: ReviewRecord] = [:]

    package init() {}

    /// Replays `events` in order.
    package init(_ events: [AuditEvent]) {
        replay(events[...])
    }

    /// Replays `events` in order.
    package init(_ events: ArraySlice<AuditEvent>) {
        replay(events)
    }

    /// Replays `events` in order, each event's logged key (its identity's SHA-256) worked out
    /// on every core first: on one core the keys were half of replaying a 285,000-line log.
    package mutating func replay(_ events: ArraySlice<AuditEvent>) {
        let keys = Parallel.map(Array(events.indices), workers: Parallel.workers(for: events.count, from: 4096)) { [events] i in
            Self.identity(of: events[i]).map(LoggedKey.init)
        }
        // Room for every key at once: growing as it filled, the set was rehashed at every
        // doubling on the way to a long log's 285,000 keys.
        logged.reserveCapacity(logged.count + keys.count)
        for (event, key) in zip(events, keys) { apply(event, loggedKey: key) }
    }

    /// The causes whose `grant.<cause>` event removes a grant.
    static let removals = Dictionary(uniqueKeysWithValues: RemovalCause.allCases.filter { $0 != .drift }.map { (AuditEvent.Name.removed($0), $0) })

    /// Replays one event.
    package mutating func apply(_ event: AuditEvent) {
        apply(event, loggedKey: Self.identity(of: event).map(LoggedKey.init))
    }

    /// `apply(_:)` with the event's logged key worked out before (nil: it has no identity).
    mutating func apply(_ event: AuditEvent, loggedKey: LoggedKey?) {
        lastTime = event.time
        if let loggedKey { logged.insert(loggedKey) }
        let key = event.detail("key")?.stringValue
        switch event.event {
        case AuditEvent.Name.activated, AuditEvent.Name.changed:
            if let key, let grant = event.detail("grant").flatMap(GrantRecord.init(json:)) { grants[key] = grant }
        case AuditEvent.Name.reviewStarted:
            // A grant's first review period starts when a run first saw it under a review period.
            if let key, reviews[key]?.anchor == nil { reviews[key, default: ReviewRecord()].anchor = event.time }
        case AuditEvent.Name.reviewConfirmed:
            if let key {
                var record = reviews[key] ?? ReviewRecord()
                record.anchor = event.time
                (record.confirmedBy, record.confirmedAt) = (event.actor, event.time)
                (record.removedBy, record.removedAt, record.removedReason) = (nil, nil, nil)
                reviews[key] = record
            }
        case AuditEvent.Name.reviewRemoved:
            if let key {
                var record = reviews[key] ?? ReviewRecord()
                (record.removedBy, record.removedAt, record.removedReason) = (event.actor, event.time, event.detail("reason")?.stringValue)
                reviews[key] = record
            }
        case AuditEvent.Name.submitted, AuditEvent.Name.updated:
            if let request = event.request, let digest = event.detail("specDigest")?.stringValue { specDigests[request] = digest }
        case AuditEvent.Name.seen, AuditEvent.Name.ignored:
            if let key = event.detail("observationKey")?.stringValue, firstSeen[key] == nil { firstSeen[key] = event.time }
        case AuditEvent.Name.configurationTrusted:
            if let digest = event.detail("digest")?.stringValue { trustedConfigurations.append(digest) }
        case AuditEvent.Name.expired: end(event.request, .expired, event.time)
        case AuditEvent.Name.revoked: end(event.request, .revoked, event.time)
        case AuditEvent.Name.relinquished: end(event.request, .relinquished, event.time)
        default:
            if let cause = Self.removals[event.event], let key {
                grants[key] = nil
                // A review's removal keeps the record (it stays due until confirmed); any other ends the period.
                if ![.reviewOverdue, .reviewRemoved].contains(cause) { reviews[key] = nil }
                if [.expired, .revoked, .relinquished].contains(cause), key.hasPrefix("request/") { end(event.request, cause, event.time) }
            }
        }
    }

    /// Whether the log holds the event of this review statement.
    package func hasLogged(_ statement: AccessReviewStatement) -> Bool {
        let name = statement.decision == .confirm ? AuditEvent.Name.reviewConfirmed : AuditEvent.Name.reviewRemoved
        return logged.contains(LoggedKey("\(name) \(statement.grant) \(statement.by) \(statement.at)"))
    }

    private mutating func end(_ request: String?, _ cause: RemovalCause, _ time: Timestamp) {
        guard let request, ended[request] == nil else { return }
        ended[request] = (cause, time)
    }

    /// What makes a lifecycle event the same as one logged before, so it is logged once;
    /// nil for grant events, which follow from the state instead.
    package static func identity(of event: AuditEvent) -> String? {
        identity(event.event, request: event.request, actor: event.actor, time: event.time) { event.detail($0) }
    }

    /// The identity of an event with these fields and details, before it is built: a run
    /// asks it of every request's lifecycle and builds only the events not logged yet.
    package static func identity(_ name: String, request: String?, actor: String?, time: Timestamp, detail: (String) -> JSONValue?) -> String? {
        let request = request ?? ""
        switch name {
        case AuditEvent.Name.submitted, AuditEvent.Name.revoked, AuditEvent.Name.relinquished, AuditEvent.Name.expired, AuditEvent.Name.reviewed,
            AuditEvent.Name.reviewOverdue:
            return "\(name) \(request)"
        case AuditEvent.Name.reviewConfirmed, AuditEvent.Name.reviewRemoved:
            return "\(name) \(detail("key")?.stringValue ?? "") \(actor ?? "") \(detail("at")?.stringValue ?? "")"
        case AuditEvent.Name.reviewOpened:
            return "\(name) \(detail("key")?.stringValue ?? "") \(detail("due")?.stringValue ?? "")"
        case AuditEvent.Name.reviewStarted:
            return "\(name) \(detail("key")?.stringValue ?? "") \(time)"
        case AuditEvent.Name.updated:
            return "\(name) \(request) \(detail("specDigest")?.stringValue ?? "")"
        case AuditEvent.Name.approved:
            return approvedIdentity(request: request, specDigest: detail("specDigest")?.stringValue ?? "", terms: detail("terms").map(CanonicalJSON.encodeBytes) ?? [])
        case AuditEvent.Name.seen:
            return "\(name) \(detail("observationKey")?.stringValue ?? "")"
        case AuditEvent.Name.expiring:
            return "\(name) \(request) \(detail("validTo")?.stringValue ?? "")"
        case AuditEvent.Name.configurationPending:
            return "\(name) \(detail("digest")?.stringValue ?? "")"
        case AuditEvent.Name.denied, AuditEvent.Name.voided, AuditEvent.Name.ignored:
            return "\(name) \(request) \(actor ?? "") \(detail("at")?.stringValue ?? "") \(detail("decision")?.stringValue ?? "")"
        default:
            return nil
        }
    }

    /// The identity of a request's approval, from its terms' canonical JSON: a run asks it of
    /// every approved request with the bytes written straight from the terms
    /// (`DecisionPayload.termsCanonicalJSON`), not from the event's details.
    package static func approvedIdentity(request: String, specDigest: String, terms: [UInt8]) -> String {
        "\(AuditEvent.Name.approved) \(request) \(specDigest) \(String(decoding: terms, as: UTF8.self))"
    }
}

extension AuditHistory {
    /// An identity kept as the first 128 bits of its SHA-256: a long log has hundreds of
    /// thousands of them, and the text (up to a request's terms) was most of the history's
    /// memory and of the audit checkpoint. Two identities sharing a key would need a SHA-256
    /// collision on 128 bits.
    package struct LoggedKey: Hashable, Sendable {
        package var high: UInt64
        package var low: UInt64

        package init(high: UInt64, low: UInt64) {
            self.high = high
            self.low = low
        }

        /// The key of an identity.
        package init(_ identity: String) {
            var hasher = SHA256()
            // Hashed where its bytes lie: a run works out hundreds of thousands of these.
            var identity = identity
            identity.withUTF8 { hasher.update($0) }
            let digest = hasher.finalize()
            high = digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            low = digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }

        /// 32 hexadecimal digits.
        package var hex: String {
            let h = String(high, radix: 16), l = String(low, radix: 16)
            return String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
        }

        /// Reads 32 hexadecimal digits from bytes; nil for anything else (no sign, no space).
        package init?(hexBytes: ArraySlice<UInt8>) {
            guard hexBytes.count == 32 else { return nil }
            var high: UInt64 = 0, low: UInt64 = 0
            for (n, b) in hexBytes.enumerated() {
                guard let digit = hexValue(b) else { return nil }
                if n < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
            }
            self.init(high: high, low: low)
        }

        /// Reads `hex`; nil unless it is 32 hexadecimal digits (`UInt64(_:radix:)` would also
        /// take a sign).
        package init?(hex: String) {
            self.init(hexBytes: ArraySlice(hex.utf8))
        }
    }
}
