import AccessFormats
import AccessModel
import AccessPolicy

extension Reconciler {
    /// Request events not logged before: submitted the first time a request is seen, updated
    /// when its spec changes, then each verified decision's effect, once.
    func lifecycle(_ input: Input) -> [AuditEvent] {
        let expiringSoon = input.verified.tree.settings?.notifications.expiringSoon.seconds ?? 3600
        var events: [AuditEvent] = []
        var logged = input.history.logged
        func add(_ event: AuditEvent) {
            guard let identity = AuditHistory.identity(of: event), logged.insert(AuditHistory.LoggedKey(identity)).inserted else { return }
            events.append(event)
        }
        // Reviews of standing access: each statement first seen, and each review as it falls due.
        for review in input.verified.reviews.values.sorted(by: { $0.key < $1.key }) {
            func reviewEvent(_ name: String, actor: String?, _ details: [(String, JSONValue)]) -> AuditEvent {
                AuditEvent(time: now, event: name, principal: review.principal, actor: actor, details: [("key", .string(review.key))] + details)
            }
            if review.starts, review.state != .removed {
                add(reviewEvent(AuditEvent.Name.reviewStarted, actor: nil, [
                    ("every", .string(review.policy.every.text)), ("team", .string(review.policy.by.value)), ("due", .string(review.due.description)),
                ]))
            }
            for statement in review.newStatements {
                let name = statement.decision == .confirm ? AuditEvent.Name.reviewConfirmed : AuditEvent.Name.reviewRemoved
                add(reviewEvent(name, actor: statement.by, [("at", .string(statement.at.description)), ("team", .string(review.policy.by.value))]
                    + (statement.reason.map { [("reason", .string($0))] } ?? [])))
            }
            if [.due, .overdue].contains(review.state) {
                add(reviewEvent(AuditEvent.Name.reviewOpened, actor: nil, [
                    ("due", .string(review.due.description)), ("overdueAt", .string(review.overdueAt.description)), ("team", .string(review.policy.by.value)),
                ]))
            }
        }
        // Each request's events are worked out on its own, in parallel (with each event's
        // identity key, a SHA-256), then kept in the tree's order when not logged before.
        let requests = input.verified.tree.requests
        let perRequest = Parallel.map(requests, workers: Parallel.workers(for: requests.count, from: 256)) { request -> [(AuditEvent, AuditHistory.LoggedKey)] in
            var out: [(AuditEvent, AuditHistory.LoggedKey)] = []
            func add(_ event: AuditEvent) {
                guard let identity = AuditHistory.identity(of: event) else { return }
                let key = AuditHistory.LoggedKey(identity)
                // Debug builds (the tests) check the identity asked ahead was the event's own.
                assert(!input.history.logged.contains(key), "\(event.event) of \(request.id) was logged, but its identity asked ahead did not say so")
                out.append((event, key))
            }
            // Most of a run's candidates were logged by an earlier run: their identity is
            // asked before the event is built (its resources, details and, for an approval,
            // its terms), which was most of this step's time. The identity comes from the same
            // function `identity(of:)` uses, over the fields the event would get.
            func logged(_ name: String, actor: String?, _ detail: (String) -> JSONValue?) -> Bool {
                guard let identity = AuditHistory.identity(name, request: request.id, actor: actor, time: now, detail: detail) else { return false }
                return input.history.logged.contains(AuditHistory.LoggedKey(identity))
            }
            let spec = request.spec
            func event(_ name: String, actor: String?, _ details: [(String, JSONValue)]) -> AuditEvent {
                AuditEvent(
                    time: now, event: name, request: request.id, principal: spec.requester.value, resources: spec.resources.map(\.value.description),
                    actor: actor, details: details + AuditEvent.impersonation(spec.resources.map(\.value.description)))
            }
            /// The event, unless one with its identity was logged before.
            func add(_ name: String, actor: String?, _ details: [(String, JSONValue)]) {
                guard !logged(name, actor: actor, { key in details.first { $0.0 == key }?.1 }) else { return }
                add(event(name, actor: actor, details))
            }
            let digest = request.specDigest
            if let previous = input.history.specDigests[request.id] {
                if previous != digest {
                    add(AuditEvent.Name.updated, actor: spec.requester.value, [("specDigest", .string(digest)), ("previousSpecDigest", .string(previous))])
                }
            } else {
                guard case .object(let members) = spec.json else { return out }
                add(AuditEvent.Name.submitted, actor: spec.requester.value, members.filter { $0.0 != "requester" && $0.0 != "resources" } + [("specDigest", .string(digest))])
            }
            guard let status = input.verified.statuses[request.id] else { return out }
            func decisionDetails(_ d: Decision) -> [(String, JSONValue)] {
                [("decision", .string(d.kind.value.rawValue)), ("at", .string(d.at.value.description))] + (d.reason.map { [("reason", .string($0))] } ?? [])
            }
            // The log never presents a decision as verified when this run did not check its
            // signature (a request that had closed before the run saw it): it says so.
            let unverified: [(String, JSONValue)] = [("verified", .bool(false)), ("note", .string("signature not re-verified: the request had closed before this run saw it"))]
            func label(_ checks: [DecisionVerifier.Check]) -> [(String, JSONValue)] {
                checks.allSatisfy(\.signatureChecked) ? [] : unverified
            }
            for check in status.checks {
                if case .voided(let why) = check.outcome {
                    let d = check.decision
                    add(AuditEvent.Name.voided, actor: d.by.value, decisionDetails(d) + [("specDigest", .string(d.specDigest.value)), ("why", .string(why))])
                }
            }
            let valid = status.checks.filter { $0.outcome == .valid }
            // Record when each verified decision was first seen: it counts from then.
            for check in valid where check.signatureChecked {
                let d = check.decision
                let key = d.observationKey(request.id)
                guard input.history.firstSeen[key] == nil else { continue }
                if let ended = input.history.ended[request.id] {
                    add(AuditEvent.Name.ignored, actor: d.by.value, decisionDetails(d) + [
                        ("observationKey", .string(key)),
                        ("why", .string("first seen after the request ended (\(ended.cause.rawValue) at \(ended.time)); it changes nothing")),
                    ])
                } else {
                    add(AuditEvent.Name.seen, actor: d.by.value, decisionDetails(d) + [("observationKey", .string(key))])
                }
            }
            if let terms = status.terms {
                // Asked before the details are built, from the terms' canonical bytes written
                // straight from them: an approval stays in the tree, and so among the
                // candidates, for as long as the request is kept.
                let identity = AuditHistory.approvedIdentity(request: request.id, specDigest: digest, terms: DecisionPayload.termsCanonicalJSON(terms, window: true))
                if !input.history.logged.contains(AuditHistory.LoggedKey(identity)) {
                    let approvals = valid.filter { $0.decision.kind.value == .approve && $0.decision.terms == terms && status.approvers.contains($0.decision.by.value) }
                    let last = approvals.max { $0.decision.at.value < $1.decision.at.value }?.decision
                    // Duration terms are logged with the window they were given.
                    var termsJSON = DecisionPayload.termsJSON(terms)
                    if terms.duration != nil, case .object(var members) = termsJSON {
                        members += [("validFrom", .string(terms.validFrom.description)), ("validTo", terms.validTo.map { .string($0.description) } ?? .null)]
                        termsJSON = .object(members)
                    }
                    var details: [(String, JSONValue)] = [
                        ("approvers", .array(status.approvers.map { .string($0) })), ("terms", termsJSON),
                        ("policy", .string(approvals.first?.policy ?? "")), ("specDigest", .string(digest)),
                        ("at", .string(last?.at.value.description ?? "")),
                    ]
                    let modified = terms.differences(from: spec)
                    if !modified.isEmpty { details.append(("modifications", .array(modified.map { .string($0) }))) }
                    if status.emergency {
                        details.append(("emergency", .bool(true)))
                        if let reason = approvals.first(where: \.emergency)?.decision.reason { details.append(("reason", .string(reason))) }
                        if let due = status.reviewDue { details.append(("reviewDue", .string(due.description))) }
                    }
                    // Its identity was asked above: built and added directly, where debug builds
                    // check the identity asked ahead was the event's own.
                    add(event(AuditEvent.Name.approved, actor: last?.by.value, details + label(approvals)))
                }
            }
            for check in valid where check.decision.kind.value == .deny {
                if status.state == .denied {
                    add(AuditEvent.Name.denied, actor: check.decision.by.value, decisionDetails(check.decision) + label([check]))
                } else if status.terms != nil, status.approvedAt.map({ check.decision.at.value >= $0 }) ?? true {
                    // Signed after the approval reached its threshold: recorded, with why it changed
                    // nothing. (A deny before it that the policy's denyThreshold did not make final
                    // is in the log as decision.seen.)
                    add(AuditEvent.Name.ignored, actor: check.decision.by.value, decisionDetails(check.decision) + [
                        ("why", .string("the request was already approved; a deny does not take access away (revoke does)")),
                    ])
                }
            }
            for (kind, name) in [(Decision.Kind.revoke, AuditEvent.Name.revoked), (.relinquish, AuditEvent.Name.relinquished)] {
                if let check = valid.first(where: { $0.decision.kind.value == kind }) {
                    add(name, actor: check.decision.by.value, decisionDetails(check.decision) + label([check]))
                }
            }
            if let check = valid.first(where: { $0.decision.kind.value == .review }), status.emergency {
                add(AuditEvent.Name.reviewed, actor: check.decision.by.value, decisionDetails(check.decision) + label([check]))
            }
            if status.reviewOverdue(at: now), let due = status.reviewDue {
                add(AuditEvent.Name.reviewOverdue, actor: nil, [("reviewDue", .string(due.description)), ("policy", .string(status.checks.first(where: \.emergency)?.policy ?? ""))])
            }
            if status.state == .expired, let to = status.terms?.validTo {
                add(AuditEvent.Name.expired, actor: nil, [("validTo", .string(to.description))])
            }
            // Its requester hears once that the end is near (see Notifications).
            if status.state == .active, input.history.ended[request.id] == nil, let to = status.terms?.validTo,
                to.seconds - now.seconds <= expiringSoon, to > now
            {
                add(AuditEvent.Name.expiring, actor: nil, [("validTo", .string(to.description))])
            }
            return out
        }
        for candidates in perRequest {
            for (event, key) in candidates where logged.insert(key).inserted { events.append(event) }
        }
        return events
    }
}
