import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// The data each page's template gets. Every value from the access tree is `text`, which
/// templates always escape; the only trusted markup is a page's rendered content in the layout.
extension ReportSite {
    typealias Context = MustacheObject

    /// A page worked out but not yet rendered: its layout's data, and a digest of everything
    /// its bytes are made from except the time it last changed.
    package struct Prepared: Sendable {
        package var path: String
        let job: Job
        let template: String
        let layout: Context
        /// SHA-256 of the templates, the renderer, and the page's data with each shared row (an
        /// event's or a request's line) as the row's own digest (`PageBase`): two pages with the
        /// same digest render to the same bytes for the same change time.
        package var digest: [UInt8]
        /// The page's data with whole rows, when it was worked out to be rendered.
        let data: Context?
    }

    /// Renders one page into the layout, as changed now.
    package func render(_ job: Job) throws(Diagnostic) -> Page {
        try render(prepare(job), changedAt: input.now)
    }

    /// `../` for each folder between the page at `path` and the report's root.
    private static func prefix(_ path: String) -> String { String(repeating: "../", count: path.count { $0 == "/" }) }

    /// Works out one page's digest, without its rows or its rendering: a page whose digest
    /// the earlier report lists is kept as it is. A page that will be rendered whatever its
    /// digest (`toRender` says so for its path: a full render, a page the earlier report did
    /// not have) is worked out once, with whole rows: each carries its digest as its first
    /// member, and the digest's encoding collapses the row to it, the bytes the row's marker
    /// gives a page worked out without rows.
    package func prepare(_ job: Job, toRender: (String) -> Bool = { _ in false }) -> Prepared {
        let path = path(job)
        let prefix = Self.prefix(path)
        let whole = toRender(path)
        let (template, heading, section, data) = pageData(job, base: PageBase(prefix: prefix, mode: whole ? .render : .digest))
        var layout = common(base: PageBase(prefix: prefix, mode: .render), section: section)
        layout["pageTitle"] = .text(heading)
        // The report's own times, which change on every run, only where readers start: other
        // pages stay the same bytes while what they show does not change.
        if job == .requests(nil, page: 1) || job == .administrators {
            layout["generatedAt"] = .text(Self.human(input.now))
            layout["generatedAtISO"] = .text(input.now.description)
            if let state = input.state { layout["lastRun"] = .text(Self.human(state.lastRun)) }
        }
        var bytes = fingerprint
        MustacheValue.append(template, to: &bytes)
        data.encode(into: &bytes, collapsing: whole ? PageBase.rowMarker : nil)
        layout.encode(into: &bytes)
        return Prepared(path: path, job: job, template: template, layout: layout, digest: SHA256.digest(bytes), data: whole ? data : nil)
    }

    /// Renders a prepared page, saying it last changed at `changedAt`.
    package func render(_ page: Prepared, changedAt: Timestamp) throws(Diagnostic) -> Page {
        let data = page.data ?? pageData(page.job, base: PageBase(prefix: Self.prefix(page.path), mode: .render)).context
        let content = try library.renderBytes(page.template, .object(data))
        var layout = page.layout
        layout["changedAt"] = .text(Self.human(changedAt))
        layout["changedAtISO"] = .text(changedAt.description)
        layout["content"] = .markup(content)
        layout["script"] = .html(Self.script)
        return Page(path: page.path, bytes: try Self.withPolicy(try library.renderBytes("layout", .object(layout)), template: "layout"))
    }

    /// A page's template, title, section and data, with the page's place as `base`.
    private func pageData(_ job: Job, base: PageBase) -> (template: String, heading: String, section: String, context: Context) {
        var out = page(job, base: base)
        out.context["base"] = .text(base.prefix)
        return out
    }

    /// The digest of a shared row made with marked links.
    static func rowDigest(_ row: MustacheValue) -> [UInt8] {
        var bytes: [UInt8] = []
        row.encode(into: &bytes)
        return SHA256.digest(bytes)
    }

    /// What a shared row is in a page's digest.
    static func sharedRow(_ digest: String) -> MustacheValue { .object([PageBase.rowMarker: .text(digest)]) }

    private func page(_ job: Job, base: PageBase) -> (template: String, heading: String, section: String, context: Context) {
        switch job {
        case .requests(let state, let page): return ("index", state.map { "Requests: \(Self.label($0))" } ?? "Requests", "requests", requestList(state, page, base: base))
        case .request(let i): return ("request", "Request \(requests[i].request.id)", "requests", request(i, base: base))
        case .resources: return ("resources", "Resources", "resources", ["resources": .list(resources.indices.map { resourceRow($0, base: base) })])
        case .resource(let i): return ("resource", "Resource \(resources[i].ref)", "resources", resource(i, base: base))
        case .people: return ("people", "People", "people", ["people": .list(people.map { personRow($0, base: base) })])
        case .person(let i): return ("principal", people[i].displayName, "people", person(i, base: base))
        case .administrators:
            return ("administrators", "Administrators", "administrators", [
                "administrators": .list(administrators.map { adminRow($0, base: base) }), "trust": trust(base: base),
                "reviews": .list(shownReviews.map { reviewRow($0, base: base) }),
            ])
        case .audit(let page): return ("audit", "Audit log", "audit", audit(page, base: base))
        }
    }

    /// What the layout shows on every page: title, navigation and scope.
    private func common(base: PageBase, section: String) -> Context {
        let tree = input.verified.tree
        var out: Context = [
            "title": .text(title),
            "organization": .text(tree.settings?.displayName ?? ""),
            "base": .text(base.prefix),
            "nav": .list([("requests", "Requests", "index.html"), ("resources", "Resources", "resources/index.html"), ("people", "People", "people/index.html"),
                          ("administrators", "Administrators", "administrators.html"), ("audit", "Audit log", "audit.html")].map { key, label, href in
                .object(["label": .text(label), "href": base.link(href), "current": .bool(key == section)])
            }),
        ]
        if let team = input.scope.team {
            out["scope"] = .text(directory.team(team)?.displayName ?? team)
        }
        return out
    }

    // MARK: - Requests

    private func requestList(_ state: RequestState?, _ page: Int, base: PageBase) -> Context {
        let all = state.map { requestsByState[$0] ?? [] } ?? Array(requests.indices)
        let rows = all.dropFirst((page - 1) * Self.requestsPerPage).prefix(Self.requestsPerPage)
        var filters: [MustacheValue] = [.object(["label": .text("All"), "count": .number(Double(requests.count)), "href": base.link("index.html"), "current": .bool(state == nil)])]
        for s in RequestState.allCases {
            let count = requestsByState[s]?.count ?? 0
            guard count > 0 else { continue }
            filters.append(.object(["label": .text(Self.label(s)), "count": .number(Double(count)), "href": base.link("requests-\(s.rawValue).html"), "current": .bool(state == s)]))
        }
        let prefix = state.map { "requests-\($0.rawValue)" } ?? "index"
        return [
            "filters": .list(filters),
            "requests": .list(rows.map { requestRow($0, base: base) }),
            "total": .number(Double(all.count)),
            "pagination": pagination(page, Self.pageCount(all.count, Self.requestsPerPage), base: base, prefix: prefix),
        ]
    }

    /// One line of a request table (the index and people's pages).
    func requestRow(_ i: Int, base: PageBase) -> MustacheValue {
        if base.mode == .digest { return Self.sharedRow(requestRowDigests[i]) }
        let status = requests[i]
        let spec = status.request.spec
        var row: Context = [
            "id": .text(status.request.id),
            "href": base.link(Self.requestPath(status.request.id)),
            "requester": personLink(spec.requester.value, base: base),
            "reason": .text(spec.reason.value),
            "state": .text(status.state.rawValue),
            "stateLabel": .text(Self.label(status.state)),
            "requestedAt": .text(Self.human(spec.requestedAt.value)),
            "updatedAt": .text(Self.human(status.updatedAt)),
        ]
        row.merge(resourceLinks(spec.resources.map(\.value.description), base: base))
        row["expires"] = expiry(status)
        row["emergency"] = emergency(status)
        if base.mode == .render { row.prepend(PageBase.rowMarker, .text(requestRowDigests[i])) }
        return .object(row)
    }

    /// A break-glass grant's mark: a short label for tables, a sentence for its page.
    private func emergency(_ status: RequestStatus) -> MustacheValue {
        guard status.emergency else { return .null }
        let overdue = status.reviewOverdue(at: input.now)
        let label: String, text: String
        let requester = status.request.spec.requester.value
        if let review = status.review {
            label = "break-glass, reviewed"
            text = "\(requester) approved this request themself under a break-glass policy; \(review.by) signed its review at \(Self.human(review.at))" + (review.decision == .revoke ? " and revoked it." : ".")
        } else if overdue {
            label = "break-glass, review overdue"
            text = "\(requester) approved this request themself under a break-glass policy; its signed review by an approver was due at \(status.reviewDue.map(Self.human) ?? "?") and is missing."
        } else {
            label = "break-glass, review due"
            text = "\(requester) approved this request themself under a break-glass policy; an approver must sign its review by \(status.reviewDue.map(Self.human) ?? "?")."
        }
        return .object(["label": .text(label), "text": .text(text), "overdue": .bool(overdue)])
    }

    /// When a request's access ends: the time and, for access not yet ended, the time left.
    private func expiry(_ status: RequestStatus) -> MustacheValue {
        guard let terms = status.terms, [.approved, .active, .expired].contains(status.state) else { return .null }
        guard let to = terms.validTo else { return .object(["at": .text("no end"), "remaining": .null]) }
        let left = to.seconds - input.now.seconds
        return .object([
            "at": .text(Self.human(to)), "iso": .text(to.description),
            "remaining": left > 0 ? .text(Self.remaining(left)) : .null,
            "ended": .bool(left <= 0),
        ])
    }

    private func request(_ i: Int, base: PageBase) -> Context {
        let status = requests[i]
        let request = status.request
        let spec = scoped(request.spec)
        var out: Context = [
            "id": .text(request.id),
            "state": .text(status.state.rawValue),
            "stateLabel": .text(Self.label(status.state)),
            "stateExplained": .text(explanation(status)),
            "requester": personLink(spec.requester.value, base: base),
            "requestedAt": .text(Self.human(spec.requestedAt.value)),
            "role": .text(spec.role?.value),
            "actions": .text(spec.actions.isEmpty ? nil : spec.actions.map(\.value).joined(separator: ", ")),
            "reason": .text(spec.reason.value),
            "window": .text(Self.window(spec)),
            "specDigest": .text(request.specDigest),
            "file": .text(input.scope.team == nil ? relativeFile(request.header.file) : nil),
            "expires": expiry(status),
            "emergency": emergency(status),
        ]
        out.merge(resourceLinks(request.spec.resources.map(\.value.description), base: base))
        if let renews = spec.renews?.value {
            out["renews"] = requestLink(renews, base: base)
        }
        if let terms = status.terms {
            out["terms"] = termsContext(terms, spec: spec, base: base)
            out["approvers"] = .list(status.approvers.map { personLink($0, base: base) })
            // Descendants the approvals do not reach, each with why; only those this report may name.
            out["notReached"] = .list(status.leftOut.filter { input.scope.includes($0.resource) }.map { .text($0.why) })
        }
        if let missing = status.missingApprovals, status.state == .pending {
            out["missing"] = .text("\(missing.count) more approval\(missing.count == 1 ? "" : "s") over the same terms needed under policy \(missing.policy)")
        }
        out["decisions"] = .list(status.checks.map { check in
            let d = check.decision
            var row: Context = [
                "kind": .text(d.kind.value.rawValue),
                "by": personLink(d.by.value, base: base),
                "at": .text(Self.human(d.at.value)),
                "reason": .text(d.reason),
                "policy": .text(check.policy),
            ]
            switch check.outcome {
            case .valid where check.signatureChecked:
                row["verified"] = .bool(true)
                row["verification"] = .text("signature verified with the signer's key; the signer may decide under the policy")
            case .valid:
                // Never shown as verified: this run did not check the signature.
                row["unchecked"] = .bool(true)
                row["verification"] = .text("signature not re-verified: the request closed before the report's time, so this decision can no longer change access")
            case .invalid(let why):
                row["verified"] = .bool(false)
                row["verification"] = .text("not valid: \(why)")
            case .voided(let why):
                row["verified"] = .bool(false)
                row["verification"] = .text("void: \(why)")
            }
            if let terms = d.terms { row["terms"] = termsContext(terms, spec: spec, base: base) }
            return .object(row)
        })
        out["events"] = .list((eventsByRequest[request.id] ?? []).map { eventRow($0, base: base) })
        return out
    }

    /// Terms as shown, with how they differ from what was asked.
    private func termsContext(_ terms: Terms, spec: RequestSpec, base: PageBase) -> MustacheValue {
        var shown = terms
        shown.resources = terms.resources.filter(input.scope.includes)
        var out: Context = [
            // A duration's window is placed when the threshold is reached, not when signed.
            "from": .text(terms.duration == nil ? Self.human(terms.validFrom) : "when the approvals reach the threshold"),
            "to": .text(terms.duration.map { $0.isPermanent ? "no end" : "\($0.text) later" } ?? terms.validTo.map(Self.human) ?? "no end"),
            "role": .text(terms.role),
            "actions": .text(terms.actions.isEmpty ? nil : terms.actions.joined(separator: ", ")),
            "differences": .list(shown.differences(from: spec).map { .text($0) }),
        ]
        out.merge(resourceLinks(terms.resources.map(\.description), base: base))
        return .object(out)
    }

    /// A manifest's path inside the access tree.
    private func relativeFile(_ file: String) -> String {
        let prefix = input.displayRoot.hasSuffix("/") ? input.displayRoot : input.displayRoot + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }

    /// The spec with the resources of other owners left out (a scoped report's view).
    private func scoped(_ spec: RequestSpec) -> RequestSpec {
        var out = spec
        out.resources = spec.resources.filter { input.scope.includes($0.value) }
        return out
    }

    /// One sentence on why the request is in its state.
    private func explanation(_ status: RequestStatus) -> String {
        switch status.state {
        case .pending: "Waiting for approval."
        case .approved: "Approved; access starts at \(status.terms.map { Self.human($0.validFrom) } ?? "the approved time")."
        case .active: "Approved and in force now."
        case .expired: "Approved; the access window has ended."
        case .denied: "Denied by an approver."
        case .revoked: "Access was revoked by an approver."
        case .relinquished: "The requester gave the access back."
        case .stale: "No decision came before the request's time to live ran out; a new request is needed."
        case .voided: "The request was changed after it was approved, so the approval no longer counts."
        }
    }

    // MARK: - Resources

    /// A resource reference, linked to its page when the report has one.
    func resourceLink(_ ref: ResourceRef, base: PageBase) -> MustacheValue {
        let shown = directory.resource(ref) != nil && input.scope.includes(ref)
        return .object(["ref": .text(ref.description), "href": shown ? base.link(Self.resourcePath(ref)) : .null])
    }

    /// A request id, linked to its page when the report has one.
    private func requestLink(_ id: String, base: PageBase) -> MustacheValue {
        .object(["id": .text(id), "href": requestIndex[id] != nil ? base.link(Self.requestPath(id)) : .null])
    }

    /// Resource references as links; those of other owners are counted, not named.
    private func resourceLinks(_ texts: [String], base: PageBase) -> Context {
        resourceLinks(input.scope.visible(texts), base: base)
    }

    private func resourceLinks(_ visible: (shown: [String], hidden: Int), base: PageBase) -> Context {
        let (shown, hidden) = visible
        return [
            "resources": .list(shown.map { text in
                if let slot = base.slot, slot < links.resources.count, let link = links.resources[slot][text] { return link }
                return resourceLink(text: text, base: base)
            }),
            "hiddenResources": hidden == 0 ? .null : .text("and \(hidden) resource\(hidden == 1 ? "" : "s") of another owner, not shown"),
        ]
    }

    /// A resource named by text (as events and specs name them), linked when it is a resource the report has a page for.
    func resourceLink(text: String, base: PageBase) -> MustacheValue {
        guard let ref = ResourceRef(text), !text.contains(ascii: "*") else { return .object(["ref": .text(text), "href": .null]) }
        return resourceLink(ref, base: base)
    }

    private func resourceRow(_ i: Int, base: PageBase) -> MustacheValue {
        let resource = resources[i]
        return .object([
            "ref": .text(resource.ref.description), "href": base.link(Self.resourcePath(resource.ref)),
            "displayName": .text(resource.displayName), "owner": .text(directory.team(resource.owner.value)?.displayName ?? resource.owner.value),
            "holders": .number(Double(Set(holdings[i].map(\.grant.principal)).count)),
        ])
    }

    private func resource(_ i: Int, base: PageBase) -> Context {
        let resource = resources[i]
        let type = input.verified.tree.settings?.resourceType(resource.ref.type)
        var out: Context = [
            "ref": .text(resource.ref.description),
            "displayName": .text(resource.displayName),
            "type": .text(resource.ref.type),
            "typeDescription": .text(type?.description),
            "owner": .text(directory.team(resource.owner.value)?.displayName ?? resource.owner.value),
            "attributes": .list(resource.attributes.map { .object(["key": .text($0.key), "value": .text($0.value)]) }),
            "children": .list((childrenByResource[resource.ref] ?? []).map { resourceLink(resources[$0].ref, base: base) }),
            "requests": .list((requestsByResource[resource.ref] ?? []).map { requestRow($0, base: base) }),
            "events": .list((eventsByResource[resource.ref] ?? []).map { eventRow($0, base: base) }),
        ]
        if let parent = resource.parent?.value, input.scope.includes(parent) {
            out["parent"] = resourceLink(parent, base: base)
        }
        out["access"] = .list(holdings[i].map { holdingRow($0, base: base, showResource: nil) })
        return out
    }

    /// One line of "who has access": the principal, what they may do, how, and until when.
    private func holdingRow(_ holding: AccessIndex.Holding, base: PageBase, showResource: Resource?) -> MustacheValue {
        let grant = holding.grant
        var row: Context = [
            "principal": personLink(grant.principal, base: base),
            "actions": .text(holding.actions.joined(separator: ", ")),
            "via": .text(Self.via(grant)),
            "through": .text(holding.through?.description),
            "until": .text(grant.validTo.map(Self.human) ?? "no end"),
            "remaining": grant.validTo.map { $0.seconds - input.now.seconds }.flatMap { $0 > 0 ? .text(Self.remaining($0)) : nil } ?? .null,
            "iso": .text(grant.validTo?.description),
            "conditions": .list(holding.conditions.map { .text($0) }),
        ]
        if case .request(let id, _) = grant.source, requestIndex[id] != nil { row["requestHref"] = base.link(Self.requestPath(id)) }
        if let resource = showResource { row["resource"] = resourceLink(resource.ref, base: base) }
        return .object(row)
    }

    // MARK: - People

    /// A principal's name, linked to their page when the report has one.
    func personLink(_ id: String, base: PageBase) -> MustacheValue {
        if let slot = base.slot, slot < links.people.count, let link = links.people[slot][id] { return link }
        return makePersonLink(id, base: base)
    }

    func makePersonLink(_ id: String, base: PageBase) -> MustacheValue {
        let principal = directory.principal(id)
        return .object([
            "id": .text(id), "name": .text(principal?.displayName ?? id),
            "href": shownPeople.contains(id) ? base.link(Self.personPath(id)) : .null,
        ])
    }

    private func personRow(_ principal: Principal, base: PageBase) -> MustacheValue {
        .object([
            "person": personLink(principal.id, base: base), "kind": .text(principal.kind.rawValue), "external": .bool(principal.external),
            "requests": .number(Double(requestsByPerson[principal.id]?.count ?? 0)),
            "administrator": .bool(administratorIDs.contains(principal.id)),
        ])
    }

    private func person(_ i: Int, base: PageBase) -> Context {
        let principal = people[i]
        let isAdmin = administratorIDs.contains(principal.id)
        return [
            "id": .text(principal.id), "name": .text(principal.displayName), "kind": .text(principal.kind.rawValue),
            "external": .bool(principal.external),
            // Email addresses are shown for administrators, whom customers may need to reach.
            "email": .text(isAdmin ? principal.email : nil),
            "administrator": .bool(isAdmin),
            "teams": .list(input.scope.team == nil ? principal.teams.map { .text(directory.team($0.value)?.displayName ?? $0.value) } : []),
            "requests": .list((requestsByPerson[principal.id] ?? []).map { requestRow($0, base: base) }),
            "access": .list((holdingsByPerson[principal.id] ?? []).map { holdingRow(holdings[$0.resource][$0.holding], base: base, showResource: resources[$0.resource]) }),
            "notifications": .list((inboxes[principal.id] ?? []).map { notificationRow($0, base: base) }),
            // Principals are resources for impersonation: who may act as this one now.
            "actingAs": .list(actingAsResource[principal.id].map { r in
                holdings[r].map { holdingRow($0, base: base, showResource: nil) }
            } ?? []),
        ]
    }

    private func notificationRow(_ item: NotificationItem, base: PageBase) -> MustacheValue {
        var row: Context = [
            "time": .text(Self.human(item.time)), "iso": .text(item.time.description), "subject": .text(item.subject), "text": .text(item.text),
            "kind": .text(item.kind),
        ]
        if let request = item.request, requestIndex[request] != nil { row["requestHref"] = base.link(Self.requestPath(request)) }
        return .object(row)
    }

    /// The configuration reconcile trusts: its digest, since when, and who signed it.
    private func trust(base: PageBase) -> MustacheValue {
        guard let event = input.events.last(where: { $0.event == AuditEvent.Name.configurationTrusted }) else { return .null }
        var signers: [MustacheValue] = []
        if case .array(let items)? = event.detail("signers") { signers = items.compactMap(\.stringValue).map { personLink($0, base: base) } }
        return .object([
            "digest": .text(event.detail("digest")?.stringValue), "since": .text(Self.human(event.time)), "how": .text(event.detail("how")?.stringValue),
            "signers": .list(signers), "signed": .bool(!signers.isEmpty),
        ])
    }

    private func adminRow(_ admin: (principal: Principal, grant: Grant), base: PageBase) -> MustacheValue {
        .object([
            "person": personLink(admin.principal.id, base: base), "email": .text(admin.principal.email),
            "role": .text(admin.grant.role), "via": .text(Self.via(admin.grant)),
        ])
    }

    /// The reviews of standing access this report shows: all of them in the full report, the
    /// administrators' (whose access reaches every customer) in a scoped one.
    var shownReviews: [AccessReview] {
        let admins = Set(administrators.map(\.grant.key))
        return input.verified.reviews.values.filter { input.scope.team == nil || admins.contains($0.key) }.sorted { $0.key < $1.key }
    }

    private func reviewRow(_ review: AccessReview, base: PageBase) -> MustacheValue {
        let label = switch review.state {
        case .current: "done"
        case .due: "due"
        case .overdue: "overdue"
        case .removed: "removed"
        }
        var last: String?
        if let by = review.record.confirmedBy, let at = review.record.confirmedAt { last = "confirmed by \(by), \(Self.human(at))" }
        if review.state == .removed, let by = review.record.removedBy, let at = review.record.removedAt {
            last = "removed by \(by), \(Self.human(at))" + (review.record.removedReason.map { ": \($0)" } ?? "")
        }
        return .object([
            "key": .text(review.key), "person": personLink(review.principal, base: base), "state": .text(review.state.rawValue), "label": .text(label),
            "due": .text(Self.human(review.due)), "overdueAt": .text(Self.human(review.overdueAt)), "by": .text(review.policy.by.value),
            "every": .text(review.policy.every.text), "last": .text(last),
        ])
    }

    // MARK: - Audit

    private func audit(_ page: Int, base: PageBase) -> Context {
        let archive = archivePages
        guard page > 0 else {
            // The newest events, the chain's state, and the way into the archive.
            let rows = events.indices.prefix(Self.eventsPerPage)
            var out: Context = [
                "events": .list(rows.map { eventRow($0, base: base) }),
                "shown": .number(Double(events.count)),
                "total": .number(Double(input.events.count)),
                "scoped": .bool(input.scope.team != nil),
                "head": .text(input.events.last?.hash ?? AuditEvent.genesis),
                "newest": .bool(true),
                "archive": archive == 0 ? .null : .object([
                    "pages": .number(Double(archive)), "latest": base.link("audit-\(archive).html"), "oldest": base.link("audit-1.html"),
                ]),
            ]
            if let problem = input.chainProblem { out["broken"] = .text(problem) } else { out["verifies"] = .bool(true) }
            return out
        }
        // An archive page: events newest first within it, and nothing that changes as the
        // log grows (no head, no count of pages), so the page is written once.
        let first = (page - 1) * Self.eventsPerPage
        // Positions in `events` (newest first): the page's oldest event is the `first`+1-th oldest.
        let rows = max(0, events.count - first - Self.eventsPerPage)..<max(0, events.count - first)
        func href(_ p: Int) -> MustacheValue { base.link("audit-\(p).html") }
        let near = Array(max(1, page - 4)...min(archive, page + 4))
        var links: [MustacheValue] = []
        for (i, p) in ([1] + near.filter { $0 != 1 }).enumerated() {
            if i == 1, p > 2 { links.append(.object(["gap": .bool(true)])) }
            links.append(.object(["number": .number(Double(p)), "href": href(p), "current": .bool(p == page)]))
        }
        return [
            "events": .list(rows.map { eventRow($0, base: base) }),
            "range": .object([
                "from": .number(Double(first + 1)), "to": .number(Double(first + rows.count)), "newestHref": base.link("audit.html"),
                "scoped": .bool(input.scope.team != nil),
            ]),
            "pagination": .object([
                "pages": .list(links), "page": .number(Double(page)),
                "previous": page > 1 ? href(page - 1) : .null,
                "next": page < archive ? href(page + 1) : base.link("audit.html"),
            ]),
        ]
    }

    /// The row of `events[i]`.
    func eventRow(_ i: Int, base: PageBase) -> MustacheValue {
        if base.mode == .digest { return Self.sharedRow(eventRowDigests[i]) }
        let event = events[i]
        let visible = input.scope.visible(event.resources)
        let hidden = visible.hidden
        var row: Context = [
            "seq": .number(Double(event.seq)), "time": .text(eventTimes[i]), "event": .text(event.event),
            "principal": event.principal.map { personLink($0, base: base) } ?? .null,
            "actor": event.actor.map { personLink($0, base: base) } ?? .null,
            // An event that also names another owner's resources keeps its details to itself.
            "summary": .text(hidden == 0 ? eventSummaries[i] : "details not shown: this event also concerns resources of another owner"),
            "hash": .text(event.hash), "shortHash": .text(String(event.hash.dropFirst("sha256:".count).prefix(12))),
        ]
        row.merge(resourceLinks(visible, base: base))
        if let request = event.request {
            row["request"] = requestLink(request, base: base)
        }
        if base.mode == .render { row.prepend(PageBase.rowMarker, .text(eventRowDigests[i])) }
        return .object(row)
    }

    // MARK: - Shared pieces

    private func pagination(_ page: Int, _ count: Int, base: PageBase, prefix: String) -> MustacheValue {
        guard count > 1 else { return .null }
        func href(_ p: Int) -> MustacheValue { base.link(p == 1 ? "\(prefix).html" : "\(prefix)-\(p).html") }
        // The first and last pages and those near this one: a thousand links on every page would not help.
        let shown = Set([1, count] + Array(max(1, page - 4)...min(count, page + 4))).sorted()
        var links: [MustacheValue] = []
        for (i, p) in shown.enumerated() {
            if i > 0, p > shown[i - 1] + 1 { links.append(.object(["gap": .bool(true)])) }
            links.append(.object(["number": .number(Double(p)), "href": href(p), "current": .bool(p == page)]))
        }
        return .object([
            "pages": .list(links),
            "previous": page > 1 ? href(page - 1) : .null,
            "next": page < count ? href(page + 1) : .null,
            "page": .number(Double(page)), "count": .number(Double(count)),
        ])
    }

    /// The grant's path without the principal in front: `team support-eu → parent team support → role r`.
    static func via(_ grant: Grant) -> String { via(path: grant.path) }

    /// `via` of a grant's path: its parts after the first, split at ` -> `, joined by ` → `.
    static func via(path: String) -> String {
        // Bytes, not `components(separatedBy:)`: Foundation's split was 6% of a report's page
        // work (every holding on a resource's page and a person's page shows it).
        let bytes = Array(path.utf8), arrow = Array(" -> ".utf8)
        var out: [UInt8] = []
        var i = 0, first = true
        while i < bytes.count {
            if bytes[i] == arrow[0], bytes[i...].starts(with: arrow) {
                if !first { out += " → ".utf8 }
                first = false
                i += arrow.count
            } else {
                if !first { out.append(bytes[i]) }
                i += 1
            }
        }
        return first ? "own role" : String(decoding: out, as: UTF8.self)
    }

    /// `2026-11-22 13:30 UTC` (seconds shown only when not zero).
    static func human(_ time: Timestamp) -> String {
        // From the RFC 3339 bytes: every row of every page prints times.
        var bytes = Array(time.description.utf8)
        guard bytes.count == 20 else {
            // A year of more than four digits: the same, split at the `T`.
            let parts = time.description.dropLast().split(separator: "T")
            guard parts.count == 2 else { return time.description }
            let clock = parts[1]
            return "\(parts[0]) \(clock.hasSuffix(":00") ? String(clock.prefix(5)) : String(clock)) UTC"
        }
        bytes[10] = 0x20
        let seconds = bytes[17] != 0x30 || bytes[18] != 0x30
        bytes.removeLast(seconds ? 1 : 4)
        bytes += Array(" UTC".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Time left in at most two units: `2d 3h left`, `3h 20m left`, `5m left`.
    static func remaining(_ seconds: Int64) -> String {
        let d = seconds / 86_400, h = seconds % 86_400 / 3_600, m = seconds % 3_600 / 60
        if d > 0 { return h > 0 ? "\(d)d \(h)h left" : "\(d)d left" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m left" : "\(h)h left" }
        return m > 0 ? "\(m)m left" : "under a minute left"
    }

    /// How long was asked for: a duration, a window, or both ends.
    static func window(_ spec: RequestSpec) -> String? {
        if let duration = spec.duration?.value { return duration.isPermanent ? "permanent" : "\(duration.text) from approval" }
        switch (spec.validFrom?.value, spec.validTo?.value) {
        case (let from?, let to?): return "\(human(from)) to \(human(to))"
        case (let from?, nil): return "from \(human(from))"
        case (nil, let to?): return "until \(human(to))"
        default: return nil
        }
    }

    static func label(_ state: RequestState) -> String {
        state.rawValue.prefix(1).uppercased() + state.rawValue.dropFirst()
    }

    /// The report's one script (countdowns), kept here so its hash is the only script the
    /// pages' Content-Security-Policy allows: a `<script>` added to a template is published but
    /// never runs.
    static let script = """
//<![CDATA[
// Optional: turns "3h 20m left" (as of generation) into the time left now. The page reads the same without it.
(function () {
  function left(s) {
    if (s <= 0) return "ended";
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d > 0) return d + "d" + (h > 0 ? " " + h + "h" : "") + " left";
    if (h > 0) return h + "h" + (m > 0 ? " " + m + "m" : "") + " left";
    return m > 0 ? m + "m left" : "under a minute left";
  }
  function tick() {
    var items = document.querySelectorAll("[data-until]");
    for (var i = 0; i !== items.length; i++) {
      items[i].textContent = left((Date.parse(items[i].getAttribute("data-until")) - Date.now()) / 1000);
    }
  }
  tick();
  setInterval(tick, 30000);
})();
//]]>
"""

    /// The policy of every page: nothing but the stylesheet and the report's own script.
    static let policy: String = {
        var hasher = SHA256()
        hasher.update(Array(script.utf8))
        let digest = Data(hasher.finalize()).base64EncodedString()
        return "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'sha256-\(digest)'; base-uri 'none'; form-action 'none'"
    }()

    /// The page with the policy as the first element of its head, put there by accessctl so a
    /// template cannot leave it out.
    static func withPolicy(_ page: consuming [UInt8], template: String) throws(Diagnostic) -> [UInt8] {
        let head = Array("<head>".utf8)
        guard let at = page.indices.first(where: { page[$0...].starts(with: head) }) else {
            throw Diagnostic(file: template, message: "the layout has no <head>: accessctl puts the pages' Content-Security-Policy there")
        }
        // In place: the rendered page is this function's own, and most of a page follows <head>.
        var out = page
        out.insert(contentsOf: "\n<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\" />".utf8, at: at + head.count)
        return out
    }
}
