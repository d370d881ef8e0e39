import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// Computes and applies the plan of DESIGN.md section 5: desired grants from the verified
/// tree, current grants from the state file checked against the audit log.
package struct Reconciler: Sendable {
    package var root: String
    package var displayRoot: String
    package var now: Timestamp
    package var keygen: any SignatureTool
    /// Hears each step of writing (the crash tests'); nil in normal runs.
    package var observer: WriteObserver?
    /// The configuration digest trusted first, from outside the repository (`--trust-root`,
    /// `$ACCESSCTL_TRUST_ROOT`); nil pins the first configuration seen.
    package var trustRoot: String?
    /// Where the previous run's anchor is kept, outside the repository (`--anchor`,
    /// `$ACCESSCTL_ANCHOR`); the log must extend it, and apply writes the new one.
    package var anchorPath: String?

    package init(root: String, displayRoot: String, now: Timestamp, keygen: any SignatureTool, observer: WriteObserver? = nil) {
        self.observer = observer
        self.root = root
        self.displayRoot = displayRoot
        self.now = now
        self.keygen = keygen
    }

    /// What stops a run before it computes anything: a broken audit chain, a state file that
    /// names a line the log lacks, a clock that went back.
    package struct Refusal: Error, Sendable {
        /// Where the problem is, when a file is at fault (the broken log, the state file).
        package var diagnostic: Diagnostic?
        /// What is wrong, when no file is at fault (a clock that went back).
        package var message: String

        package init(_ diagnostic: Diagnostic) {
            self.diagnostic = diagnostic
            self.message = diagnostic.message
        }

        package init(message: String) {
            self.diagnostic = nil
            self.message = message
        }
    }

    /// Everything a run reads.
    package struct Input: Sendable {
        package var verified: VerifiedTree
        package var state: StateFile?
        package var log: AuditLog
        package var history: AuditHistory
        /// Problems with the state file (it is then rebuilt from the audit log).
        package var stateProblems: [Diagnostic]
        /// The configuration's trust; nil for inputs built in memory (trusted as given).
        package var configuration: ConfigurationView?
        /// While a configuration change is pending: the tree as it would be once signed, so
        /// the plan can say which grants wait for the signatures.
        package var unsigned: VerifiedTree?

        /// Every error and warning of the run's input.
        package var diagnostics: [Diagnostic] { verified.diagnostics + stateProblems }

        package init(verified: VerifiedTree, state: StateFile?, log: AuditLog, history: AuditHistory, stateProblems: [Diagnostic]) {
            self.verified = verified
            self.state = state
            self.log = log
            self.history = history
            self.stateProblems = stateProblems
        }
    }

    /// Where state and audit are read and written.
    package var store: LedgerStore {
        guard let ledger = ledgerRoot else { return LedgerStore(root: root, displayRoot: displayRoot).caching(in: cacheFolder) }
        return LedgerStore(root: ledger.path, displayRoot: ledger.display, treeRoot: root, treeDisplay: displayRoot).caching(in: cacheFolder)
    }

    /// Where the audit checkpoint is cached, outside the repository; nil: the whole log is
    /// read and checked on every run.
    package var cacheFolder: String?

    /// Where `state/` and `audit/` are read and written when not in the tree: a replay.
    package var ledgerRoot: (path: String, display: String)?
    /// A file of `state/` or `audit/` as messages name it.
    func display(_ relative: String) -> String { TreeLoader.join(ledgerRoot?.display ?? displayRoot, relative) }

    /// Reads the tree, the state file and the audit log, and checks they fit together.
    package func read(parallel: Int = VerifiedTree.defaultParallelism) throws(Refusal) -> Input {
        // The state and the log (from its checkpoint, about a second on one core for a long
        // log) are read while the tree loads; a refusal is the same, after the tree is read.
        let reader = self
        let (records, loaded) = Parallel.both(
            { Result { () throws(Refusal) -> Input in try reader.readRecords() } },
            { TreeLoader.load(root: root, displayRoot: displayRoot) })
        var input = try records.get()
        let configuration = try configurationView(loaded.tree, history: input.history)
        var verified = VerifiedTree(tree: configuration.tree, diagnostics: loaded.diagnostics + configuration.diagnostics, statuses: [:])
        verified.verify(now: now, keygen: keygen, displayRoot: displayRoot, parallel: parallel, observed: input.history.firstSeen)
        verified.close(by: input.history)
        verified.review(by: input.history, now: now, keygen: keygen, displayRoot: displayRoot)
        input.verified = verified
        input.configuration = configuration
        if configuration.isPending {
            var unsigned = VerifiedTree(tree: loaded.tree, diagnostics: [], statuses: [:])
            unsigned.verify(now: now, keygen: keygen, displayRoot: displayRoot, parallel: parallel, observed: input.history.firstSeen)
            unsigned.close(by: input.history)
            unsigned.review(by: input.history, now: now, keygen: keygen, displayRoot: displayRoot)
            input.unsigned = unsigned
            // A decision that verifies under the new configuration but not the trusted one is
            // not wrong, it waits: a warning, so an unsigned change alone does not fail CI.
            let first = loaded.diagnostics.count + configuration.diagnostics.count
            input.verified.diagnostics = Array(input.verified.diagnostics.prefix(first))
                + VerifiedTree.deferring(Array(input.verified.diagnostics.dropFirst(first)), notIn: unsigned.diagnostics,
                    note: " under the trusted configuration; it counts once the pending configuration change is signed")
        }
        return input
    }

    /// Reads and checks the state file and the audit log; the tree is left empty.
    package func readRecords() throws(Refusal) -> Input {
        var log = try readLog(whole: false)
        var state: StateFile?
        var stateProblems: [Diagnostic] = []
        do {
            state = try store.readState()
        } catch {
            var problem = error
            problem.message += "; the state is rebuilt from the audit log"
            stateProblems.append(problem)
        }
        // A lastRun beyond the clock cannot be true; believed, it would refuse every later run
        // (nothing would expire). The state is rebuilt from the log instead, and said so.
        if let claimed = state, let problem = Self.futureProblem(claimed, now: now) {
            stateProblems.append(Diagnostic(file: display(StateFile.relativePath), message: problem + "; the state is rebuilt from the audit log"))
            state = nil
        }
        var anchor: Anchor?
        if let anchorPath {
            do throws(Diagnostic) { anchor = try Anchor.read(path: anchorPath, display: anchorPath) } catch { throw Refusal(error) }
        }
        // Lines before the checkpoint are not in memory: a state, anchor or outbox that names
        // one of them needs the whole log.
        if let base = log.base?.last.seq {
            let named = [state?.auditSeq, anchor?.auditSeq, store.outboxCoverage()].compactMap { $0 }
            if named.contains(where: { $0 < base }) { log = try readLog(whole: true) }
        }
        if let state, let problem = Self.headProblem(state, log) {
            throw Refusal(Diagnostic(file: display(StateFile.relativePath), message: "\(problem). Restore both from git history"))
        }
        if let anchor, let anchorPath, let problem = anchor.problem(with: log) {
            throw Refusal(Diagnostic(file: display(AuditLog.relativePath), message: "\(problem). The log must extend the anchor \(anchorPath) kept outside the repository; restore the log and state from git history"))
        }
        let anchored = anchor?.lastRun
        log = log.rememberingHistory()
        let history = log.history
        let last = [state?.lastRun, history.lastTime, anchored].compactMap { $0 }.max()
        if let last, now < last {
            throw Refusal(message: "now (\(now)) is earlier than the last run (\(last)): the clock went back, which could bring ended access back. Fix the clock, or pass a --now at or after \(last)")
        }
        let empty = VerifiedTree(tree: AccessTree(root: root), diagnostics: [], statuses: [:])
        return Input(verified: empty, state: state, log: log, history: history, stateProblems: stateProblems)
    }

    /// The audit log, checked; from the cached checkpoint unless `whole`.
    func readLog(whole: Bool) throws(Refusal) -> AuditLog {
        do {
            return whole ? try store.readLog() : try store.readLogFromCheckpoint()
        } catch {
            var diagnostic = Self.chainProblem(error, file: display(AuditLog.relativePath))
            diagnostic.message += ". accessctl will not append to a broken log; restore it from git history"
            throw Refusal(diagnostic)
        }
    }

    /// `FILE:LINE:1: error: the audit log's chain is broken: ...`.
    package static func chainProblem(_ problem: AuditLog.Problem, file: String) -> Diagnostic {
        Diagnostic(file: file, location: SourceLocation(line: max(1, problem.line), column: 1), message: "the audit log's chain is broken at line \(problem.line): \(problem.message)")
    }

    /// Why the state file cannot belong to this log: the line it names is missing or different.
    package static func headProblem(_ state: StateFile, _ log: AuditLog) -> String? {
        let seq = state.auditSeq
        let head = log.hash(atSeq: seq)
        guard head != state.auditHash else { return nil }
        let found = seq <= log.count ? "line \(seq) has hash \(head ?? "")" : "the log has only \(log.count) complete line\(log.count == 1 ? "" : "s")"
        return "the state names audit line \(seq) with hash \(state.auditHash), but \(found): lines were removed from the end of the audit log, or the two files come from different runs"
    }

    /// Why the state's `lastRun` cannot be believed: it is after `now` by more than the
    /// allowed clock skew.
    package static func futureProblem(_ state: StateFile, now: Timestamp) -> String? {
        guard state.lastRun.seconds > now.seconds + DecisionVerifier.clockSkew else { return nil }
        return "lastRun \(state.lastRun) is after now (\(now)) by more than the allowed clock skew: no run can have happened then"
    }

    /// One grant on which the state file and the audit log disagree (nil: not there).
    package struct Drift: Sendable {
        package var stateFile: GrantRecord?
        package var auditLog: GrantRecord?
    }

    /// Grants on which the state file disagrees with the audit log replayed up to the line the
    /// state names (later lines come from a run cut short before it wrote the state, and are
    /// not drift), by key.
    package static func drift(_ state: StateFile, _ log: AuditLog) -> [String: Drift] {
        let atHead = log.history(through: min(state.auditSeq, log.count))?.grants ?? [:]
        let stated = Dictionary(state.grants.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String: Drift] = [:]
        for key in Set(stated.keys).union(atHead.keys) where stated[key] != atHead[key] {
            out[key] = Drift(stateFile: stated[key], auditLog: atHead[key])
        }
        return out
    }

    /// The plan: every grant to add, change or remove, with causes and the events to log.
    package func plan(_ input: Input) -> Plan {
        let history = input.history
        let applied = history.grants
        var current = applied
        let drifted = input.state.map { Self.drift($0, input.log) } ?? [:]
        for (key, drift) in drifted { current[key] = drift.stateFile }
        var (desired, notices) = desiredGrants(input)
        var configurationNotices = input.configuration?.notices ?? []
        var waiting: [String] = []
        if let unsigned = input.unsigned {
            var once = input
            once.verified = unsigned
            let ifSigned = desiredGrants(once).grants
            waiting = ifSigned.keys.filter { ifSigned[$0] != desired[$0] }.sorted()
            if !waiting.isEmpty, !configurationNotices.isEmpty {
                configurationNotices[0] += "; grants that wait for it: " + waiting.joined(separator: ", ")
            }
        }
        notices = configurationNotices + notices
        var changes: [Plan.Change] = []
        for key in Set(current.keys).union(desired.keys).union(drifted.keys).sorted() {
            let before = current[key], after = desired[key]
            let drift = drifted[key] != nil
            guard before != after || (drift && applied[key] != after) else { continue }
            // Why the grant the log shows goes away, worked out once for the line and the event.
            let removal = after == nil ? applied[key].map { removalCause($0, input) } : nil
            var change: Plan.Change
            switch (before, after) {
            case (nil, let grant?):
                change = Plan.Change(action: .grant, grant: grant, drift: drift, events: [])
            case (_?, let grant?) where applied[key] == nil && before == after:
                // The state file already lists what is now due, but no run granted it: grant it properly.
                change = Plan.Change(action: .grant, grant: grant, drift: drift, events: [])
            case (let old?, let grant?):
                change = Plan.Change(action: .change, grant: grant, previous: old, reason: differences(old, grant), drift: drift, events: [])
            case (let old?, nil):
                let (cause, reason) = removal ?? (RemovalCause.drift, "the state file lists it, but the audit log shows no run granted it")
                change = Plan.Change(action: .remove, grant: old, cause: cause, reason: reason, drift: drift, events: [])
            case (nil, nil): continue
            }
            if let versions = drifted[key] {
                change.events.append(event(AuditEvent.Name.drift, change.grant, [
                    ("key", .string(key)), ("stateFile", versions.stateFile?.json ?? .null), ("auditLog", versions.auditLog?.json ?? .null),
                ]))
            }
            switch (applied[key], after) {
            case (nil, let grant?):
                change.events.append(event(AuditEvent.Name.activated, grant, [("key", .string(key)), ("grant", grant.json)]))
            case (let old?, let grant?) where old != grant:
                change.events.append(event(AuditEvent.Name.changed, grant, [("key", .string(key)), ("grant", grant.json), ("previous", old.json)]))
            case (let old?, nil):
                let (cause, reason) = removal ?? removalCause(old, input)
                change.events.append(event(AuditEvent.Name.removed(cause), old, [("key", .string(key)), ("grant", old.json), ("reason", .string(reason))]))
            default: break
            }
            changes.append(change)
        }
        var events = lifecycle(input)
        if let configuration = input.configuration, case .newlyTrusted(let signers, let how) = configuration.status {
            events.insert(AuditEvent(time: now, event: AuditEvent.Name.configurationTrusted, details: [
                ("digest", .string(configuration.digest)), ("previous", .text(configuration.trustedDigest)),
                ("signers", .array(signers.map { .string($0) })), ("how", .string(how)),
            ]), at: 0)
        }
        // Administrators hear once of each configuration change that waits for them.
        if let configuration = input.configuration, configuration.isPending {
            let pending = AuditEvent(time: now, event: AuditEvent.Name.configurationPending, details: [
                ("digest", .string(configuration.digest)), ("trusted", .text(configuration.trustedDigest)),
            ])
            if let identity = AuditHistory.identity(of: pending), !input.history.logged.contains(AuditHistory.LoggedKey(identity)) { events.insert(pending, at: 0) }
        }
        var plan = Plan(now: now, lastRun: input.state?.lastRun, changes: changes, lifecycle: events, notices: notices, current: current)
        plan.waiting = waiting
        plan.configurationPending = input.configuration?.isPending ?? false
        plan.notifications = NotificationRules(tree: input.verified.tree, statuses: input.verified.statuses, now: now, firstRun: input.log.count == 0)
            .notifications(for: events + changes.flatMap(\.events))
        return plan
    }

    /// An event about a grant, at this run's time.
    private func event(_ name: String, _ grant: GrantRecord, _ details: [(String, JSONValue)]) -> AuditEvent {
        AuditEvent(
            time: now, event: name, request: grant.sourceKind == .request ? grant.sourceID : nil, principal: grant.principal,
            resources: grant.resources, details: details + AuditEvent.impersonation(grant.resources))
    }

    /// What should be in force now: the engine's grants at this run's time (roles, teams,
    /// bindings, approved requests the audit log does not show ended). Also the notices about
    /// refused and soon-ending grants.
    package func desiredGrants(_ input: Input) -> (grants: [String: GrantRecord], notices: [String]) {
        var grants: [String: GrantRecord] = [:]
        var notices: [String] = []
        // Break-glass grants stay in view until an approver has signed their review: found in
        // the same pass over the requests (one state looked up each, on one core), said after
        // the reviews of standing access.
        var breakGlass: [String] = []
        for request in input.verified.tree.requests {
            guard let status = input.verified.statuses[request.id] else { continue }
            if status.endedOnlyInLog, let ended = input.history.ended[request.id] {
                notices.append("request \(request.id) is approved in the tree, but the audit log shows it \(ended.cause.rawValue) at \(ended.time); it is not granted again (access needs a new request)")
            }
            guard status.emergency, status.review == nil, let due = status.reviewDue else { continue }
            let who = request.spec.requester.value
            if status.reviewOverdue(at: now) {
                breakGlass.append("break-glass request \(request.id) of \(who): its signed review was due at \(due) and is missing (an approver runs: accessctl review \(request.id))")
            } else if [.approved, .active].contains(status.state) {
                breakGlass.append("break-glass request \(request.id) of \(who): emergency access; an approver must sign its review by \(due) (accessctl review \(request.id))")
            }
        }
        // Reviews of standing access: due ones ask their reviewers; overdue ones are removed or flagged.
        let reviewSettings = input.verified.tree.settings?.reviews ?? ReviewSettings()
        for review in input.verified.reviews.values.sorted(by: { $0.key < $1.key }) {
            let command = "a member of team \(review.policy.by.value) runs: accessctl access-review \(review.key) --decision confirm (or remove)"
            switch review.state {
            case .due: notices.append("review of \(review.key) due: \(review.why) (\(command))")
            case .overdue where reviewSettings.overdue == .flag: notices.append("review of \(review.key) overdue, flagged only (reviews.overdue: flag): \(review.why) (\(command))")
            default: break
            }
        }
        notices += breakGlass
        // Standing access from roles is planned, audited and sent to the hook like any grant:
        // a pull request that makes someone an administrator shows in its plan.
        for record in GrantRecord.inForce(input.verified, at: now) {
            grants[record.key] = record
            if record.sourceKind == .request, let to = record.validTo, to.seconds - now.seconds <= 3600 {
                notices.append("\(record.key) of \(record.principal) expires at \(to), in \(AccessDuration.format(seconds: to.seconds - now.seconds))")
            }
        }
        return (grants, notices)
    }

    /// Why a grant in force is no longer desired.
    func removalCause(_ grant: GrantRecord, _ input: Input) -> (RemovalCause, String) {
        if let to = grant.validTo, to <= now { return (.expired, "expired at \(to)") }
        if let review = input.verified.reviews[grant.key], review.suspends(input.verified.tree.settings?.reviews ?? ReviewSettings()) {
            return (review.state == .removed ? .reviewRemoved : .reviewOverdue, review.why)
        }
        let tree = input.verified.tree
        /// A manifest the grant came from is gone: left out for its errors, or deleted.
        func gone(_ what: String, _ id: String) -> (RemovalCause, String) {
            tree.unreadableIDs.contains(id) ? (.invalid, "\(what) \(id) has errors, so it grants nothing") : (.deleted, "\(what) \(id) was deleted")
        }
        switch grant.sourceKind {
        case .principal:
            guard let principal = tree.principals.first(where: { $0.id == grant.sourceID }) else {
                return gone("principal", grant.sourceID)
            }
            guard let role = grant.role, principal.roles.contains(where: { $0.value == role }) else {
                return (.deleted, "principal \(principal.id) no longer names role \(grant.role ?? "?")")
            }
            return gone("role", role)
        case .team:
            guard let team = tree.teams.first(where: { $0.id == grant.sourceID }) else {
                return gone("team", grant.sourceID)
            }
            if !tree.principals.contains(where: { $0.id == grant.principal }) {
                return gone("principal", grant.principal)
            }
            guard let role = grant.role, team.roles.contains(where: { $0.value == role }) else {
                return (.deleted, "team \(team.id) no longer gives role \(grant.role ?? "?")")
            }
            if !Directory(tree).teams(of: grant.principal).contains(team.id) { return (.deleted, "\(grant.principal) is no longer a member of team \(team.id)") }
            return gone("role", role)
        case .binding:
            guard let binding = tree.bindings.first(where: { $0.id == grant.sourceID }) else {
                return gone("binding", grant.sourceID)
            }
            if let from = binding.validFrom?.value, now < from { return (.deleted, "binding \(binding.id) now starts at \(from)") }
            if let to = binding.validTo?.value, to <= now { return (.expired, "binding \(binding.id) ended at \(to)") }
            return (.deleted, "binding \(binding.id) no longer names \(grant.principal)")
        case .request:
            let id = grant.sourceID
            if let ended = input.history.ended[id] { return (ended.cause, "the audit log shows the request \(ended.cause.rawValue) at \(ended.time)") }
            guard let status = input.verified.statuses[id] else {
                return tree.requests.contains(where: { $0.id == id }) || tree.unreadableIDs.contains(id)
                    ? (.invalid, "request \(id) has errors or its decisions cannot be checked, so it grants nothing")
                    : (.deleted, "request \(id) was deleted")
            }
            let valid = status.checks.filter { $0.outcome == .valid }
            func decision(_ kind: Decision.Kind) -> Decision? { valid.first { $0.decision.kind.value == kind }?.decision }
            switch status.state {
            case .revoked:
                let d = decision(.revoke)
                return (.revoked, "revoked by \(d?.by.value ?? "?") at \(d?.at.value.description ?? "?")" + (d?.reason.map { ": \($0)" } ?? ""))
            case .relinquished:
                let d = decision(.relinquish)
                return (.relinquished, "relinquished by \(d?.by.value ?? "?") at \(d?.at.value.description ?? "?")")
            case .expired:
                return (.expired, "expired at \(status.terms?.validTo?.description ?? "?")")
            case .voided:
                return (.voided, "the request's spec changed after approval; its approvals no longer count")
            default:
                if status.checks.contains(where: { if case .invalid = $0.outcome { $0.decision.kind.value == .approve } else { false } }) {
                    return (.invalid, "its approval no longer verifies")
                }
                return (.deleted, "its approval was removed from the request")
            }
        }
    }

    /// `role a -> b; window ... -> ...`: what a change alters.
    func differences(_ old: GrantRecord, _ new: GrantRecord) -> String {
        var parts: [String] = []
        if old.permissions != new.permissions { parts.append("\(old.permissions) -> \(new.permissions)") }
        if old.resources != new.resources { parts.append("resources \(old.resources.joined(separator: ", ")) -> \(new.resources.joined(separator: ", "))") }
        if old.window != new.window { parts.append("window \(old.window) -> \(new.window)") }
        if old.approvers != new.approvers { parts.append("approvers \(old.approvers.joined(separator: ", ")) -> \(new.approvers.joined(separator: ", "))") }
        if old.policy != new.policy { parts.append("policy \(old.policy ?? "none") -> \(new.policy ?? "none")") }
        return parts.isEmpty ? "source changed" : parts.joined(separator: "; ")
    }
}
