import Foundation

extension Reconciler {
    /// What a run did.
    public struct Outcome: Sendable {
        public var applied: [Plan.Change]
        /// Changes whose hook failed, with why: not recorded, retried next run.
        public var failed: [(change: Plan.Change, problem: String)]
        /// The events appended to the audit log, chained.
        public var events: [AuditEvent]
        public var state: StateFile
    }

    /// Applies `plan`: runs the hook for each change, appends the events of those that
    /// succeeded to the audit log (the commit point), then replaces the state file.
    ///
    /// A crash after the append leaves the state one run behind the log; the next run
    /// reads the log as the truth and completes it. A crash before it loses nothing but the
    /// hook calls, which run again (hooks must be idempotent).
    public func apply(_ plan: Plan, _ input: Input, hook: ApplyHook?) throws -> Outcome {
        var grants = plan.current
        var applied: [Plan.Change] = []
        var failed: [(change: Plan.Change, problem: String)] = []
        var events = plan.lifecycle
        for change in plan.changes {
            if let problem = hook?.run(change, now: now) {
                failed.append((change, problem))
                continue
            }
            grants[change.key] = change.action == .remove ? nil : change.grant
            applied.append(change)
            events += change.events
        }
        var previous = input.log.events.last
        for i in events.indices {
            events[i].chain(after: previous)
            previous = events[i]
        }
        if !events.isEmpty || !input.log.partialTail.isEmpty {
            try AuditLog.append(events, to: logPath, replacingFrom: input.log.completeLength)
        }
        let state = StateFile(lastRun: now, auditSeq: previous?.seq ?? 0, auditHash: previous?.hash ?? AuditEvent.genesis, grants: Array(grants.values))
        let bytes = Array(state.text.utf8)
        if FileManager.default.contents(atPath: statePath).map({ [UInt8]($0) }) != bytes {
            try FileManager.default.createDirectory(atPath: (statePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: statePath)
        }
        return Outcome(applied: applied, failed: failed, events: events, state: state)
    }
}
