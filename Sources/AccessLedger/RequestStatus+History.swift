import AccessFormats
import AccessModel
import AccessPolicy

extension RequestStatus {
    /// The status as the audit log has it: a request the log shows expired, revoked or
    /// relinquished stays so, even if a later commit removed its revoke or reverted the file.
    package func closed(by history: AuditHistory) -> RequestStatus {
        var status = self
        status.close(by: history)
        return status
    }

    /// `closed(by:)` in place.
    package mutating func close(by history: AuditHistory) {
        guard let ended = history.ended[request.id] else { return }
        close(ended: ended)
    }

    /// `close(by:)` with the log's end of this request looked up already.
    mutating func close(ended: (cause: RemovalCause, time: Timestamp)) {
        // Kept whatever the state: a question about a past time must stop at the same moment.
        endedInLog = ended.time
        guard [.active, .approved].contains(state) else { return }
        state = RequestState(rawValue: ended.cause.rawValue) ?? .expired
        endedOnlyInLog = true
    }
}

extension VerifiedTree {
    /// Every request's status as the audit log has it (see `RequestStatus.closed(by:)`).
    /// In place, and only the requests the log shows ended: mapping every state into a new
    /// dictionary copied 100,000 of them and freed the old ones, on one core.
    package mutating func close(by history: AuditHistory) {
        for (id, ended) in history.ended { statuses[id]?.close(ended: ended) }
    }
}
