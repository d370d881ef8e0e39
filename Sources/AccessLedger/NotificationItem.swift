import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// One message to one person about one audit event, queued by reconcile in
/// `state/outbox.jsonl` and delivered by `accessctl notify` on the person's channels.
package struct NotificationItem: Sendable, Equatable {
    /// Stable: from the audit event's hash and the recipient, so a replay or a second run
    /// never queues it twice, and every resend carries the same idempotency key.
    package var id: String
    /// The audit event's line number.
    package var seq: Int
    /// `request.submitted`, `request.approved`, `request.denied`, `grant.revoked`,
    /// `grant.expiring`, `grant.expired`, `grant.relinquished` or `configuration.pending`.
    package var kind: String
    package var time: Timestamp
    package var recipient: String
    package var channels: [NotificationChannel]
    package var request: String?
    package var requester: String?
    package var resources: [String]
    package var reason: String?
    /// When the access ends (approved, expiring).
    package var until: Timestamp?
    /// The message in one line, plain text.
    package var text: String

    package static let relativePath = "state/outbox.jsonl"

    package init(
        id: String, seq: Int, kind: String, time: Timestamp, recipient: String, channels: [NotificationChannel], request: String?,
        requester: String?, resources: [String], reason: String?, until: Timestamp?, text: String
    ) {
        (self.id, self.seq, self.kind, self.time, self.recipient, self.channels) = (id, seq, kind, time, recipient, channels)
        (self.request, self.requester, self.resources, self.reason, self.until, self.text) = (request, requester, resources, reason, until, text)
    }

    /// The stable id of `event`'s message to `recipient`.
    package static func id(event hash: String, recipient: String) -> String {
        "n-" + String(SHA256.hex(Array("\(hash) \(recipient)".utf8)).prefix(32))
    }

    package var json: JSONValue {
        let optional = JSONValue.text
        return .object([
            ("id", .string(id)), ("seq", .number(Double(seq))), ("kind", .string(kind)), ("time", .string(time.description)),
            ("recipient", .string(recipient)), ("channels", .array(channels.map { .string($0.rawValue) })),
            ("request", optional(request)), ("requester", optional(requester)), ("resources", .array(resources.map { .string($0) })),
            ("reason", optional(reason)), ("until", optional(until?.description)), ("text", .string(text)),
        ])
    }

    package init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, case .number(let seq)? = json["seq"], let kind = json["kind"]?.stringValue,
            let time = json["time"]?.stringValue.flatMap(Timestamp.init(rfc3339:)), let recipient = json["recipient"]?.stringValue,
            case .array(let channels)? = json["channels"], case .array(let resources)? = json["resources"], let text = json["text"]?.stringValue
        else { return nil }
        self.init(
            id: id, seq: Int(seq), kind: kind, time: time, recipient: recipient, channels: channels.compactMap { $0.stringValue.flatMap(NotificationChannel.init(rawValue:)) },
            request: json["request"]?.stringValue, requester: json["requester"]?.stringValue, resources: resources.compactMap(\.stringValue),
            reason: json["reason"]?.stringValue, until: json["until"]?.stringValue.flatMap(Timestamp.init(rfc3339:)), text: text)
    }

    /// A subject line for email and the first line of a webhook message.
    package var subject: String {
        let name = request ?? ""
        return switch kind {
        case "request.submitted": "Access request \(name) waits for your decision"
        case "request.approved": "Access request \(name) approved"
        case "request.denied": "Access request \(name) denied"
        case "grant.revoked": "Access of \(name) revoked"
        case "grant.expiring": "Access of \(name) ends soon"
        case "grant.expired": "Access of \(name) has ended"
        case "grant.relinquished": "Access of \(name) given back"
        case "configuration.pending": "A configuration change waits for your signature"
        case "grant.emergency": "BREAK-GLASS: emergency access \(name)"
        case "review.overdue": "Review overdue: break-glass access \(name)"
        case "review.opened": "Standing access due for review"
        default: kind
        }
    }
}

/// Which notifications audit events give, and to whom (DESIGN.md section 7).
package struct NotificationRules: Sendable {
    package var tree: AccessTree
    package var statuses: [String: RequestStatus]
    package var now: Timestamp
    /// A first run records the tree's history without announcing it: requests already
    /// closed then are not news.
    package var firstRun: Bool

    package init(tree: AccessTree, statuses: [String: RequestStatus], now: Timestamp, firstRun: Bool) {
        (self.tree, self.statuses, self.now, self.firstRun) = (tree, statuses, now, firstRun)
    }

    /// The notifications of `events` (chained: each has its seq and hash).
    /// `workers`: how many at once (by default, every core for a long list); for tests.
    package func notifications(for events: [AuditEvent], workers: Int? = nil) -> [NotificationItem] {
        guard let settings = tree.settings else { return [] }
        let directory = Directory(tree)
        let verifier = DecisionVerifier(directory: directory, settings: settings, now: now, keygen: NoSignatures())
        let open: Set<RequestState> = [.pending, .approved, .active]
        // By id: a first run has an event for every request of the tree.
        let requests = Dictionary(tree.requests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Each event's items on its own, on every core for a first run's 285,000 events (plan
        // and apply each work them out), gathered in the events' order.
        @Sendable func items(_ event: AuditEvent) -> [NotificationItem] {
            var out: [NotificationItem] = []
            let request = event.request.flatMap { requests[$0] }
            let status = event.request.flatMap { statuses[$0] }
            if firstRun, event.request != nil, !(status.map { open.contains($0.state) } ?? false) { return [] }
            let requester = request?.spec.requester.value ?? event.principal
            var kind = ""
            var recipients: [String] = []
            // Break-glass: every administrator and the resource's owners hear at once, besides
            // the requester's usual approval notice.
            var extra: [(kind: String, recipients: [String])] = []
            func ownerMembers() -> [String] {
                let owners = Set(event.resources.compactMap { ResourceRef($0).flatMap(directory.resource)?.owner.value })
                return tree.principals.filter { p in !directory.teams(of: p.id).isDisjoint(with: owners) }.map(\.id).sorted()
            }
            var until: Timestamp?
            let reason = event.detail("reason")?.stringValue
            switch event.event {
            case AuditEvent.Name.submitted:
                guard request != nil, let status, status.state == .pending else { return [] }
                kind = "request.submitted"
                recipients = verifier.progress(status)?.remaining ?? []
            case AuditEvent.Name.approved:
                kind = "request.approved"
                recipients = [requester].compactMap { $0 }
                until = event.detail("terms")?["validTo"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
                if case .bool(true)? = event.detail("emergency") {
                    extra.append(("grant.emergency", (ConfigurationTrust.administrators(tree).sorted() + ownerMembers()).filter { $0 != requester }))
                }
            case AuditEvent.Name.reviewOpened:
                kind = "review.opened"
                let team = event.detail("team")?.stringValue ?? ""
                recipients = tree.principals.filter { $0.id != event.principal && directory.teams(of: $0.id).contains(team) }.map(\.id).sorted()
                until = event.detail("overdueAt")?.stringValue.flatMap(Timestamp.init(rfc3339:))
            case AuditEvent.Name.reviewOverdue:
                kind = "review.overdue"
                let policy = event.detail("policy")?.stringValue.flatMap { id in tree.policies.first { $0.id == id } }
                let reviewers = policy.map { verifier.approvers($0, event.resources.compactMap(ResourceRef.init)) } ?? []
                recipients = (reviewers + ConfigurationTrust.administrators(tree).sorted()).filter { $0 != requester }
            case AuditEvent.Name.denied:
                kind = "request.denied"
                recipients = [requester].compactMap { $0 }
            case AuditEvent.Name.revoked:
                kind = "grant.revoked"
                recipients = [requester].compactMap { $0 }
            case AuditEvent.Name.expiring:
                kind = "grant.expiring"
                recipients = [requester].compactMap { $0 }
                until = event.detail("validTo")?.stringValue.flatMap(Timestamp.init(rfc3339:))
            case AuditEvent.Name.expired:
                kind = "grant.expired"
                recipients = [requester].compactMap { $0 }
                until = event.detail("validTo")?.stringValue.flatMap(Timestamp.init(rfc3339:))
            case AuditEvent.Name.relinquished:
                kind = "grant.relinquished"
                // The customer hears that access to their resources was given up.
                recipients = [requester].compactMap { $0 } + ownerMembers()
            case AuditEvent.Name.configurationPending:
                kind = "configuration.pending"
                recipients = ConfigurationTrust.administrators(tree).sorted()
            default:
                return []
            }
            for (kind, recipients) in [(kind, recipients)] + extra {
                var seen = Set<String>()
                for recipient in recipients where seen.insert(recipient).inserted {
                    guard let principal = directory.principal(recipient) else { continue }
                    var channels = principal.notify ?? settings.notifications.defaultChannels
                    if principal.email == nil { channels.removeAll { $0 == .email } }
                    guard !channels.isEmpty else { continue }
                    // One item per event and recipient; a second kind for the same pair gets its own id.
                    let id = NotificationItem.id(event: kind == "grant.emergency" ? event.hash + " emergency" : event.hash, recipient: recipient)
                    var item = NotificationItem(
                        id: id, seq: event.seq, kind: kind, time: event.time, recipient: recipient,
                        channels: channels.sorted(), request: event.request, requester: requester, resources: event.resources, reason: reason, until: until, text: "")
                    item.text = Self.text(item, actor: event.actor, digest: event.detail("digest")?.stringValue, key: event.detail("key")?.stringValue, principal: event.principal)
                    out.append(item)
                }
            }
            return out
        }
        return Parallel.map(events, workers: workers ?? Parallel.workers(for: events.count, from: 4096), items).flatMap { $0 }
    }

    /// The message, in one line.
    static func text(_ n: NotificationItem, actor: String?, digest: String?, key: String? = nil, principal: String? = nil) -> String {
        let on = n.resources.joined(separator: ", ")
        let name = n.request ?? ""
        switch n.kind {
        case "request.submitted": return "\(n.requester ?? "?") asks for access to \(on) (request \(name)); you can approve or deny it."
        case "request.approved": return "Your request \(name) for \(on) was approved" + (actor.map { " by \($0)" } ?? "") + (n.until.map { "; access ends at \($0)." } ?? ".")
        case "request.denied": return "Your request \(name) for \(on) was denied" + (actor.map { " by \($0)" } ?? "") + (n.reason.map { ": \($0)" } ?? ".")
        case "grant.revoked": return "Your access to \(on) (request \(name)) was revoked" + (actor.map { " by \($0)" } ?? "") + (n.reason.map { ": \($0)" } ?? ".")
        case "grant.expiring": return "Your access to \(on) (request \(name)) ends at \(n.until?.description ?? "?")."
        case "grant.expired": return "Your access to \(on) (request \(name)) has ended."
        case "grant.relinquished":
            return n.recipient == n.requester ? "You gave back your access to \(on) (request \(name))." : "\(n.requester ?? "?") gave back their access to \(on) (request \(name))."
        case "configuration.pending": return "The configuration \(digest ?? "") changed and waits for administrator signatures (accessctl config sign)."
        case "grant.emergency":
            return "BREAK-GLASS: \(n.requester ?? "?") approved their own emergency access to \(on) (request \(name))" + (n.reason.map { ": \($0)" } ?? "")
                + (n.until.map { "; it ends at \($0)" } ?? "") + ". An approver must sign its review (accessctl review \(name))."
        case "review.opened":
            return "The standing access \(key ?? "?") of \(principal ?? "?") is due for review" + (n.until.map { " (overdue at \($0))" } ?? "")
                + "; confirm or remove it: accessctl access-review \(key ?? "KEY") --decision confirm (or remove)."
        case "review.overdue": return "The signed review of break-glass access \(name) of \(n.requester ?? "?") to \(on) is overdue; review it now (accessctl review \(name))."
        default: return n.kind
        }
    }
}

/// NotificationItem rules never check a signature; this tool is never asked.
private struct NoSignatures: SignatureTool {
    var isAvailable: Bool { false }
    func sign(_ message: [UInt8], keyPath: String, namespace: String, environment: [String: String]?) throws -> String { "" }
    func verify(_ message: [UInt8], armor: String, signer: String, publicKeys: [String], namespace: String, time: Timestamp) throws -> SignatureVerdict { .unknownKey }
}
