import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// What one report may show: everything, or (with `--for TEAM`) only what concerns the
/// resources that team and its child teams own, so one customer never sees another's data.
package struct ReportScope: Sendable {
    /// The team the report is for; nil for the whole organization.
    package let team: String?
    /// The resources shown; nil means all.
    package let resources: Set<ResourceRef>?

    /// The whole organization.
    package static let everything = ReportScope(team: nil, resources: nil)

    init(team: String?, resources: Set<ResourceRef>?) {
        self.team = team
        self.resources = resources
    }

    /// The scope of `team`: resources owned by it or by any team below it.
    package init(team: String, directory: Directory) {
        let owners = Set(directory.tree.teams.map(\.id).filter { directory.ancestors(ofTeam: $0).contains(team) })
        self.team = team
        resources = Set(directory.tree.resources.filter { owners.contains($0.owner.value) }.map(\.ref))
    }

    package func includes(_ ref: ResourceRef) -> Bool { resources?.contains(ref) ?? true }

    /// Whether a resource reference or pattern (as events and grants write them) reaches a
    /// resource in scope.
    package func concerns(_ text: String) -> Bool {
        guard let resources else { return true }
        if let ref = ResourceRef(text), !text.contains(ascii: "*") { return resources.contains(ref) }
        guard let pattern = ResourcePattern(text) else { return false }
        return resources.contains(where: pattern.matches)
    }

    /// The references in scope, and how many others were left out.
    package func visible(_ texts: [String]) -> (shown: [String], hidden: Int) {
        let shown = texts.filter(concerns)
        return (shown, texts.count - shown.count)
    }

    /// Whether a request asks for, or was granted by verified approvals, any resource in
    /// scope. The terms of a decision that did not verify are not facts: a junk approval
    /// naming another customer's resource must not pull the request into their report.
    package func concerns(_ request: AccessRequest, terms: Terms?) -> Bool {
        guard resources != nil else { return true }
        return request.spec.resources.contains { includes($0.value) } || (terms?.resources.contains(where: includes) ?? false)
    }
}
