import AccessFormats
import AccessModel
import AccessPolicy

extension RequestStatus {
    /// The status as the audit log has it: a request the log shows expired, revoked or
    /// relinquished stays so, even if a later commit removed its revoke or reverted the file.
    package func closed(by history: AuditHistory) -> RequestStatus {
        guard let ended = history.ended[request.id] else { return self }
        var status = self
        // Kept whatever the state: a question about a past time must stop at the same moment.
        status.endedInLog = ended.time
        guard [.active, .approved].contains(state) else { return status }
        status.state = RequestState(rawValue: ended.cause.rawValue) ?? .expired
        status.endedOnlyInLog = true
        return status
    }
}

extension VerifiedTree {
    /// Every request's status as the audit log has it (see `RequestStatus.closed(by:)`).
    package mutating func close(by history: AuditHistory) {
        statuses = statuses.mapValues { $0.closed(by: history) }
    }
}
