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

    package init() {}

    /// Replays `events` in order.
    package init<S: Sequence>(_ events: S) where S.Element == AuditEvent {
        for event in events { apply(event) }
    }

    /// The causes whose `grant.<cause>` event removes a grant.
    static let removals = Dictionary(uniqueKeysWithValues: RemovalCause.allCases.filter { $0 != .drift }.map { (AuditEvent.Name.removed($0), $0) })

    package mutating func apply(_ event: AuditEvent) {
        lastTime = event.time
        if let identity = Self.identity(of: event) { logged.insert(LoggedKey(identity)) }
        let key = event.detail("key")?.stringValue
        switch event.event {
        case AuditEvent.Name.activated, AuditEvent.Name.changed:
            if let key, let grant = event.detail("grant").flatMap(GrantRecord.init(json:)) { grants[key] = grant }
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
                if [.expired, .revoked, .relinquished].contains(cause), key.hasPrefix("request/") { end(event.request, cause, event.time) }
            }
        }
    }

    private mutating func end(_ request: String?, _ cause: RemovalCause, _ time: Timestamp) {
        guard let request, ended[request] == nil else { return }
        ended[request] = (cause, time)
    }

    /// What makes a lifecycle event the same as one logged before, so it is logged once;
    /// nil for grant events, which follow from the state instead.
    package static func identity(of event: AuditEvent) -> String? {
        let request = event.request ?? ""
        switch event.event {
        case AuditEvent.Name.submitted, AuditEvent.Name.revoked, AuditEvent.Name.relinquished, AuditEvent.Name.expired, AuditEvent.Name.reviewed,
            AuditEvent.Name.reviewOverdue:
            return "\(event.event) \(request)"
        case AuditEvent.Name.updated:
            return "\(event.event) \(request) \(event.detail("specDigest")?.stringValue ?? "")"
        case AuditEvent.Name.approved:
            let terms = event.detail("terms").map(CanonicalJSON.encode) ?? ""
            return "\(event.event) \(request) \(event.detail("specDigest")?.stringValue ?? "") \(terms)"
        case AuditEvent.Name.seen:
            return "\(event.event) \(event.detail("observationKey")?.stringValue ?? "")"
        case AuditEvent.Name.expiring:
            return "\(event.event) \(request) \(event.detail("validTo")?.stringValue ?? "")"
        case AuditEvent.Name.configurationPending:
            return "\(event.event) \(event.detail("digest")?.stringValue ?? "")"
        case AuditEvent.Name.denied, AuditEvent.Name.voided, AuditEvent.Name.ignored:
            return "\(event.event) \(request) \(event.actor ?? "") \(event.detail("at")?.stringValue ?? "") \(event.detail("decision")?.stringValue ?? "")"
        default:
            return nil
        }
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
            hasher.update(Array(identity.utf8))
            let digest = hasher.finalize()
            high = digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            low = digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }

        /// 32 hexadecimal digits.
        package var hex: String {
            let h = String(high, radix: 16), l = String(low, radix: 16)
            return String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
        }

        /// Reads `hex`; nil unless it is 32 hexadecimal digits.
        package init?(hex: String) {
            guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16) else { return nil }
            self.init(high: high, low: low)
        }
    }
}
