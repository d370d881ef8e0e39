import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// The static HTML report (DESIGN.md section 8): what every page shows, worked out once,
/// and each page rendered from the templates on demand, so pages can be written in parallel.
package struct ReportSite: Sendable {
    /// Everything a report is made from.
    package struct Input: Sendable {
        package var verified: VerifiedTree
        package var state: StateFile?
        /// The audit log's events, oldest first (empty when it does not verify).
        package var events: [AuditEvent]
        /// Why the audit log does not verify, if it does not.
        package var chainProblem: String?
        package var now: Timestamp
        package var scope: ReportScope
        /// The tree's root as file names in diagnostics start with it; pages show paths
        /// relative to it, so the report does not depend on where it was made.
        package var displayRoot: String
        /// The queued notifications: a principal's page shows their inbox.
        package var notifications: [NotificationItem]

        package init(
            verified: VerifiedTree, state: StateFile?, events: [AuditEvent], chainProblem: String?, now: Timestamp, scope: ReportScope, displayRoot: String,
            notifications: [NotificationItem] = []
        ) {
            self.notifications = notifications
            self.verified = verified
            self.state = state
            self.events = events
            self.chainProblem = chainProblem
            self.now = now
            self.scope = scope
            self.displayRoot = displayRoot
        }
    }

    /// One file of the report: its path inside the output folder and its content.
    package struct Page: Sendable {
        package var path: String
        package var bytes: [UInt8]
    }

    /// A page to render.
    package enum Job: Sendable, Hashable {
        case requests(RequestState?, page: Int)
        case request(Int)
        case resources
        case resource(Int)
        case people
        case person(Int)
        case administrators
        /// Page 0 is `audit.html`, the newest events; pages 1... are the archive, oldest first.
        case audit(page: Int)
    }

    /// Rows on one page of the request list and of the audit log.
    package static let requestsPerPage = 100
    package static let eventsPerPage = 200

    let input: Input
    let library: MustacheLibrary
    /// What every page's digest starts with: the templates and the renderer's own version.
    let fingerprint: [UInt8]
    /// Changes whenever the code that turns a page's data into bytes changes in a way the
    /// templates do not show (the layout's script and policy are added to it here).
    static let rendererVersion = "accessctl-report-renderer 1"
    let directory: Directory
    let title: String
    /// Requests in scope, last updated first.
    package let requests: [RequestStatus]
    let requestIndex: [String: Int]
    /// Positions in `requests` of each state's requests, in the same order.
    let requestsByState: [RequestState: [Int]]
    /// Positions in `resources` of each resource's children.
    let childrenByResource: [ResourceRef: [Int]]
    package let resources: [Resource]
    let holdings: [[AccessIndex.Holding]]
    /// Principals with a page, by id.
    let people: [Principal]
    let shownPeople: Set<String>
    let administrators: [(principal: Principal, grant: Grant)]
    /// Events in scope, newest first.
    let events: [AuditEvent]
    /// Each event's summary and time as shown, worked out once: an event's row is on an
    /// audit page, its request's page and each of its resources' pages.
    let eventSummaries: [String]
    let eventTimes: [String]
    let requestsByResource: [ResourceRef: [Int]]
    let eventsByResource: [ResourceRef: [Int]]
    let eventsByRequest: [String: [Int]]
    let requestsByPerson: [String: [Int]]
    let holdingsByPerson: [String: [(resource: Int, holding: Int)]]
    /// Ids of the administrators; by principal id, the position in `resources` of the first
    /// derived resource naming them (who may act as them) and their in-app notifications,
    /// newest first (in a customer's report only those about that customer's resources).
    /// Worked out once: each person's page asked every administrator, resource and queued
    /// notification (10,000 pages times 20,000 resources on the 100k tree).
    let administratorIDs: Set<String>
    let actingAsResource: [String: Int]
    let inboxes: [String: [NotificationItem]]
    /// The digest of each event's row and each request's row (`PageBase`), by position in
    /// `events` and `requests`: a row is on several pages (an event on an audit page, its
    /// request's page and its resources' pages), and a page's digest covers it by this one.
    var eventRowDigests = RowDigests()
    var requestRowDigests = RowDigests()
    /// Row digests, 32 bytes each in one array (as text they took 40 MB more on the 100k tree).
    struct RowDigests: Sendable {
        var bytes: [UInt8] = []

        init() {}

        init(_ digests: [[UInt8]]) {
            bytes.reserveCapacity(digests.count * 32)
            for digest in digests { bytes += digest }
        }

        /// The digest of row `i` in hex, the text that stands for the row in a page's digest.
        subscript(i: Int) -> String { Hex.encode(bytes[(i * 32)..<(i * 32 + 32)]) }
    }
    /// Links made once each, by `PageBase.slot`: every row of every page names people and
    /// resources, and each link was a lookup or two and a new object.
    struct Links: Sendable {
        /// By slot, then principal id.
        var people: [[String: MustacheValue]] = []
        /// By slot, then the reference as text (`ResourceRef.description`).
        var resources: [[String: MustacheValue]] = []
    }
    var links = Links()

    package init(_ input: Input, library: MustacheLibrary) {
        self.input = input
        self.library = library
        var seed = library.fingerprint
        MustacheValue.append(Self.rendererVersion, to: &seed)
        MustacheValue.append(Self.policy, to: &seed)
        fingerprint = seed
        let tree = input.verified.tree
        let scope = input.scope
        directory = Directory(tree)
        let organization = tree.settings?.displayName ?? "accessctl"
        title = tree.settings?.reportTitle ?? "\(organization): who can reach your data"

        let statuses = tree.requests.compactMap { input.verified.statuses[$0.id] }
        // Positions are filtered and sorted, then the states gathered once: sorting the
        // states themselves moved 100,000 large values many times over, on one core.
        let inScope = statuses.indices.filter { scope.concerns(statuses[$0].request, terms: statuses[$0].terms) }
        let keys = statuses.map { (updated: $0.updatedAt, id: $0.request.id) }
        let requests = inScope.sorted { a, b in (keys[a].updated, keys[b].id) > (keys[b].updated, keys[a].id) }.map { statuses[$0] }
        self.requests = requests
        var byState: [RequestState: [Int]] = [:]
        for (i, status) in requests.enumerated() { byState[status.state, default: []].append(i) }
        requestsByState = byState
        let requestIndex = Dictionary(requests.enumerated().map { ($1.request.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.requestIndex = requestIndex

        let resources = tree.resources.filter { scope.includes($0.ref) }.sorted { $0.ref < $1.ref }
        self.resources = resources
        var children: [ResourceRef: [Int]] = [:]
        for (i, resource) in resources.enumerated() {
            if let parent = resource.parent?.value { children[parent, default: []].append(i) }
        }
        childrenByResource = children
        let index = AccessIndex(input.verified.engine(directory).evaluator(at: input.now), at: input.now)
        // On every core: one lookup per resource, 20,000 on the 100k tree.
        let holdings = Parallel.map(resources, workers: Parallel.workers(for: resources.count, from: 1024)) { index.holdings($0.ref) }
        self.holdings = holdings

        // The organization's report shows every event; a customer's, those that concern it.
        let events = scope.team == nil ? Array(input.events.reversed()) : input.events.reversed().filter { event in
            event.resources.contains(where: scope.concerns) || (event.request.map { requestIndex[$0] != nil } ?? false)
        }
        self.events = events
        let texts: [(summary: String, time: String)] = Parallel.map(events, workers: Parallel.workers(for: events.count, from: 4096)) { event in
            (event.summary, Self.human(event.time))
        }
        eventSummaries = texts.map { $0.summary }
        eventTimes = texts.map { $0.time }

        var admins: [(principal: Principal, grant: Grant)] = []
        let directory = self.directory
        let adminGrants = scope.team == nil ? index.grants : holdings.flatMap { $0.map(\.grant) }
        var seen = Set<String>()
        for grant in adminGrants {
            guard let role = grant.role.flatMap(directory.role), role.administrator, let principal = directory.principal(grant.principal),
                seen.insert(grant.path).inserted
            else { continue }
            admins.append((principal, grant))
        }
        let administrators = admins.sorted { ($0.principal.displayName, $0.principal.id, $0.grant.path) < ($1.principal.displayName, $1.principal.id, $1.grant.path) }

        self.administrators = administrators
        administratorIDs = Set(administrators.map(\.principal.id))
        var actingAs: [String: Int] = [:]
        for (i, resource) in resources.enumerated() where resource.derived && actingAs[resource.ref.name] == nil { actingAs[resource.ref.name] = i }
        actingAsResource = actingAs
        // Grouped in the queue's order, then sorted: the same order as sorting each
        // person's share of the whole queue (the sort is stable).
        var inboxes: [String: [NotificationItem]] = [:]
        for item in input.notifications where item.channels.contains(.inbox) {
            guard scope.team == nil || (!item.resources.isEmpty && item.resources.allSatisfy(scope.concerns)) else { continue }
            inboxes[item.recipient, default: []].append(item)
        }
        self.inboxes = inboxes.mapValues { $0.sorted { ($0.time, $0.seq) > ($1.time, $1.seq) } }
        var requestsByResource: [ResourceRef: [Int]] = [:], requestsByPerson: [String: [Int]] = [:]
        for (i, status) in requests.enumerated() {
            for ref in Set(status.request.spec.resources.map(\.value) + (status.terms?.resources ?? [])) where scope.includes(ref) {
                requestsByResource[ref, default: []].append(i)
            }
            requestsByPerson[status.request.spec.requester.value, default: []].append(i)
        }
        var eventsByResource: [ResourceRef: [Int]] = [:], eventsByRequest: [String: [Int]] = [:]
        // Each event's resources are parsed on every core (285,000 events on the 100k tree),
        // then indexed in order.
        let eventRefs = Parallel.map(events, workers: Parallel.workers(for: events.count, from: 4096)) { event in
            Set(event.resources.compactMap { $0.contains(ascii: "*") ? nil : ResourceRef($0) }).filter(scope.includes)
        }
        for (i, event) in events.enumerated() {
            for ref in eventRefs[i] { eventsByResource[ref, default: []].append(i) }
            if let request = event.request { eventsByRequest[request, default: []].append(i) }
        }
        var holdingsByPerson: [String: [(resource: Int, holding: Int)]] = [:]
        for (r, list) in holdings.enumerated() {
            for (h, holding) in list.enumerated() { holdingsByPerson[holding.grant.principal, default: []].append((r, h)) }
        }
        self.requestsByResource = requestsByResource
        self.requestsByPerson = requestsByPerson
        self.eventsByResource = eventsByResource
        self.eventsByRequest = eventsByRequest
        self.holdingsByPerson = holdingsByPerson

        // A scoped report has pages only for people who appear in it.
        var shown = Set<String>()
        if scope.team == nil {
            shown = Set(tree.principals.map(\.id))
        } else {
            for status in requests {
                shown.insert(status.request.spec.requester.value)
                for d in status.request.decisions { shown.insert(d.by.value) }
            }
            shown.formUnion(holdingsByPerson.keys)
            shown.formUnion(administrators.map(\.principal.id))
            for event in events { shown.formUnion([event.principal, event.actor].compactMap { $0 }) }
        }
        shownPeople = shown
        people = tree.principals.filter { shown.contains($0.id) }.sorted { $0.id < $1.id }

        // Last, from everything above: the links, then each shared row once, on every core.
        let linking = self
        let ids = tree.principals.map(\.id), refs = tree.resources.map(\.ref)
        let slots = Array(PageBase.slots.indices)
        let made = Parallel.map(slots + slots, workers: Parallel.workers(for: ids.count + refs.count, from: 1024)) { job -> [String: MustacheValue] in
            if job < PageBase.slots.count {
                return Dictionary(ids.map { ($0, linking.makePersonLink($0, base: PageBase.slots[job])) }, uniquingKeysWith: { a, _ in a })
            }
            let base = PageBase.slots[job - PageBase.slots.count]
            return Dictionary(refs.map { ($0.description, linking.resourceLink(text: $0.description, base: base)) }, uniquingKeysWith: { a, _ in a })
        }
        links = Links(people: Array(made[..<slots.count]), resources: Array(made[slots.count...]))
        let site = self, marked = PageBase(prefix: "", mode: .marked)
        eventRowDigests = RowDigests(Parallel.map(Array(events.indices), workers: Parallel.workers(for: events.count, from: 1024)) { Self.rowDigest(site.eventRow($0, base: marked)) })
        requestRowDigests = RowDigests(Parallel.map(Array(requests.indices), workers: Parallel.workers(for: requests.count, from: 1024)) { Self.rowDigest(site.requestRow($0, base: marked)) })
    }

    /// Every page of the report, in a fixed order.
    package var jobs: [Job] {
        var out: [Job] = (1...Self.pageCount(requests.count, Self.requestsPerPage)).map { .requests(nil, page: $0) }
        for state in RequestState.allCases {
            let count = requestsByState[state]?.count ?? 0
            if count > 0 { out += (1...Self.pageCount(count, Self.requestsPerPage)).map { .requests(state, page: $0) } }
        }
        out += requests.indices.map { .request($0) }
        out.append(.resources)
        out += resources.indices.map { .resource($0) }
        out.append(.people)
        out += people.indices.map { .person($0) }
        out.append(.administrators)
        out.append(.audit(page: 0))
        out += (0..<archivePages).map { .audit(page: $0 + 1) }
        return out
    }

    static func pageCount(_ items: Int, _ perPage: Int) -> Int { max(1, (items + perPage - 1) / perPage) }

    /// The audit log's archive pages: every whole run of `eventsPerPage` events counted from
    /// the oldest, so a page once full never changes as the log grows (`audit.html` shows
    /// the newest events and the chain's state).
    var archivePages: Int { events.count / Self.eventsPerPage }

    /// A safe file name for an id: ids are already `[a-z0-9][a-z0-9._-]*`; anything else
    /// (and a leading dot) is spelled `_XX` in hex, which no id can contain, so names never collide.
    package static func fileName(_ id: String) -> String {
        func safe(_ byte: UInt8, first: Bool) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || (byte == 0x2E && !first)
        }
        // Almost every id is already safe: keep it as it is, without building a new string.
        if !id.isEmpty, id.utf8.enumerated().allSatisfy({ safe($1, first: $0 == 0) }) { return id }
        var out = ""
        for (i, byte) in id.utf8.enumerated() {
            if safe(byte, first: i == 0) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "_" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out.isEmpty ? "_" : out
    }

    /// The path of a page inside the output folder.
    package func path(_ job: Job) -> String {
        switch job {
        case .requests(let state, let page):
            let base = state.map { "requests-\($0.rawValue)" } ?? "index"
            return page == 1 ? "\(base).html" : "\(base)-\(page).html"
        case .request(let i): return Self.requestPath(requests[i].request.id)
        case .resources: return "resources/index.html"
        case .resource(let i): return Self.resourcePath(resources[i].ref)
        case .people: return "people/index.html"
        case .person(let i): return Self.personPath(people[i].id)
        case .administrators: return "administrators.html"
        case .audit(let page): return page == 0 ? "audit.html" : "audit-\(page).html"
        }
    }

    static func requestPath(_ id: String) -> String { "requests/\(fileName(id)).html" }
    static func resourcePath(_ ref: ResourceRef) -> String { "resources/\(fileName(ref.type))/\(fileName(ref.name)).html" }
    static func personPath(_ id: String) -> String { "people/\(fileName(id)).html" }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
