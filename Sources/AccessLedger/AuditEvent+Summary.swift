import AccessFormats
import AccessModel
import AccessPolicy

extension AuditEvent {
    /// One readable line about the event, for `audit show` and the report.
    package var summary: String {
        let line = baseSummary
        return detail("verified") == .bool(false) ? line + " [signature not re-verified: the request had closed before the run saw it]" : line
    }

    private var baseSummary: String {
        func text(_ key: String) -> String? { detail(key)?.stringValue }
        let grant = detail("grant").flatMap(GrantRecord.init(json:))
        let key = text("key") ?? ""
        switch event {
        case Name.submitted:
            return "requested by \(actor ?? "?"): \(resources.joined(separator: ", "))" + (text("reason").map { " (\"\($0)\")" } ?? "")
        case Name.configurationTrusted:
            return "configuration \(text("digest") ?? "?") trusted: \(text("how") ?? "")" + (text("previous").map { "; it replaces \($0)" } ?? "")
        case Name.expiring:
            return "access ends soon, at \(text("validTo") ?? "?")"
        case Name.configurationPending:
            return "configuration \(text("digest") ?? "?") waits for administrator signatures"
        case Name.updated:
            return "spec changed by its author; decisions on the old spec no longer count"
        case Name.approved:
            let approvers = detail("approvers").flatMap { value -> [String]? in
                if case .array(let items) = value { return items.compactMap(\.stringValue) }
                return nil
            } ?? []
            var out = "approved by \(approvers.joined(separator: ", ")) under policy \(text("policy") ?? "?")"
            if let terms = detail("terms") {
                let what = [terms["role"]?.stringValue.map { "role \($0)" }, terms["actions"].map { value -> String in
                    guard case .array(let items) = value else { return "" }
                    return "actions " + items.compactMap(\.stringValue).joined(separator: ", ")
                }].compactMap { $0 }.joined(separator: " and ")
                out += ": \(what), \(terms["validFrom"]?.stringValue ?? "?") to \(terms["validTo"]?.stringValue ?? "no end")"
            }
            if case .array(let changes)? = detail("modifications"), !changes.isEmpty {
                out += "; modified: " + changes.compactMap(\.stringValue).joined(separator: "; ")
            }
            if detail("emergency") == .bool(true) {
                out += "; BREAK-GLASS, self-approved" + (text("reason").map { ": \($0)" } ?? "") + (text("reviewDue").map { "; review due by \($0)" } ?? "")
            }
            return out
        case Name.reviewed:
            return "break-glass access reviewed by \(actor ?? "?") at \(text("at") ?? "?")" + (text("reason").map { ": \($0)" } ?? "")
        case Name.reviewOverdue:
            return "break-glass access: its signed review was due at \(text("reviewDue") ?? "?") and is missing"
        case Name.reviewStarted:
            return "\(key) is reviewed every \(text("every") ?? "?") by team \(text("team") ?? "?"); first review due at \(text("due") ?? "?")"
        case Name.reviewOpened:
            return "\(key) is due for review by team \(text("team") ?? "?") (due \(text("due") ?? "?"), overdue at \(text("overdueAt") ?? "?"))"
        case Name.reviewConfirmed, Name.reviewRemoved:
            return "\(key) \(event == Name.reviewConfirmed ? "confirmed" : "removed") in review by \(actor ?? "?") (signed at \(text("at") ?? "?"))" + (text("reason").map { ": \($0)" } ?? "")
        case Name.denied, Name.revoked, Name.relinquished:
            return "\(event.dropFirst("request.".count)) by \(actor ?? "?") at \(text("at") ?? "?")" + (text("reason").map { ": \($0)" } ?? "")
        case Name.expired:
            return "approved window ended at \(text("validTo") ?? "?")"
        case Name.seen:
            return "\(text("decision") ?? "decision") by \(actor ?? "?") signed at \(text("at") ?? "?") first seen; it counts from the later of the two"
        case Name.ignored:
            return "\(text("decision") ?? "decision") by \(actor ?? "?") at \(text("at") ?? "?") changed nothing: \(text("why") ?? "")"
        case Name.voided:
            return "\(text("decision") ?? "decision") by \(actor ?? "?") at \(text("at") ?? "?") no longer counts: the spec changed after it was signed"
        case Name.activated:
            return "\(key) granted: \(grant.map { "\($0.permissions) on \($0.resources.joined(separator: ", ")), \($0.window)" } ?? "")"
        case Name.changed:
            return "\(key) changed: \(grant.map { "\($0.permissions) on \($0.resources.joined(separator: ", ")), \($0.window)" } ?? "")"
        case Name.drift:
            return "\(key): the state file disagreed with the audit log; corrected"
        default:
            if event.hasPrefix("grant.") { return "\(key) removed" + (text("reason").map { ": \($0)" } ?? "") }
            return CanonicalJSON.encode(.object(details))
        }
    }
}
