import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

extension Reconciler {
    /// The steps of writing a run's results, in order.
    package enum WriteStep: String, Sendable, CaseIterable {
        case beforeAppend = "before-append", midAppend = "mid-append", afterAppend = "after-append", afterState = "after-state"
    }

    /// Hears each step of writing. The crash tests inject one that kills the process at a
    /// step, to prove that a crash anywhere leaves state and audit consistent; normal runs
    /// have none.
    package struct WriteObserver: Sendable {
        /// Whether to write only half of the log's new lines and report `.midAppend`, as a
        /// crash in the middle of the write would leave them.
        package var tearsAppend: Bool
        package var reached: @Sendable (WriteStep) -> Void

        package init(tearsAppend: Bool = false, reached: @escaping @Sendable (WriteStep) -> Void) {
            self.tearsAppend = tearsAppend
            self.reached = reached
        }
    }

    private func reach(_ step: WriteStep) {
        observer?.reached(step)
    }

    /// What a run did.
    package struct Outcome: Sendable {
        package var applied: [Plan.Change]
        /// Changes whose hook failed, with why: not recorded, retried next run.
        package var failed: [(change: Plan.Change, problem: String)]
        /// The events appended to the audit log, chained.
        package var events: [AuditEvent]
        package var state: StateFile
    }

    /// Applies `plan`: runs the hook for each change, appends the events of those that
    /// succeeded to the audit log (the commit point), then replaces the state file.
    ///
    /// A crash after the append leaves the state one run behind the log; the next run
    /// reads the log as the truth and completes it. A crash before it loses nothing but the
    /// hook calls, which run again (hooks must be idempotent).
    package func apply(_ plan: Plan, _ input: Input, hook: ApplyHook?) throws -> Outcome {
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
        var previous = input.log.last
        for i in events.indices {
            events[i].chain(after: previous)
            previous = events[i]
        }
        store.removeLeftoverTemporaryFiles()
        reach(.beforeAppend)
        var appended = 0
        if !events.isEmpty || !input.log.partialTail.isEmpty {
            if observer?.tearsAppend == true {
                let length = events.map { $0.line.utf8.count + 1 }.reduce(0, +)
                try store.append(events, replacingFrom: input.log.completeLength, stopAfter: length / 2)
                reach(.midAppend)
            }
            appended = try store.append(events, replacingFrom: input.log.completeLength)
        }
        reach(.afterAppend)
        let state = StateFile(lastRun: now, auditSeq: previous?.seq ?? 0, auditHash: previous?.hash ?? AuditEvent.genesis, grants: Array(grants.values))
        try store.write(state)
        if input.configuration?.recordsSnapshot == true { try store.write(try store.snapshot(input.verified.tree)) }
        try queueNotifications(events, input, head: state.auditSeq)
        reach(.afterState)
        // Last: a crash before this leaves the anchor one run behind, which the log still extends.
        if let anchorPath { try Anchor(auditSeq: state.auditSeq, auditHash: state.auditHash, lastRun: now).write(path: anchorPath) }
        // The cache's checkpoint moves to the new head, so the next run reads nothing old.
        if store.checkpointPath != nil, let last = previous {
            var history = input.history
            for event in events { history.apply(event) }
            store.writeCheckpoint(AuditCheckpoint(length: input.log.completeLength + appended, last: last, history: history))
        }
        return Outcome(applied: applied, failed: failed, events: events, state: state)
    }

    /// Appends the notifications of the log's events the outbox does not cover yet: this
    /// run's, and those of a run that crashed after its log append. Without an outbox (the
    /// first run that queues), only this run's events count: history is not news.
    func queueNotifications(_ events: [AuditEvent], _ input: Input, head: Int) throws {
        let covered = store.outboxCoverage()
        let start = covered ?? input.log.count
        let pending = input.log.events.filter { $0.seq > start } + events.filter { $0.seq > start }
        guard covered != head else { return }
        let rules = NotificationRules(tree: input.verified.tree, statuses: input.verified.statuses, now: now, firstRun: input.log.count == 0)
        try store.appendOutbox(rules.notifications(for: pending), coveredSeq: head)
    }
}
