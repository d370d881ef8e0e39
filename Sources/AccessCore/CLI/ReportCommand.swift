import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl report --out DIR`: the static HTML report.
struct ReportCommand: Command {
    static let spec = CommandSpec(
        name: "report", summary: "Render the static HTML report: requests, resources, people, administrators, audit log.", arguments: [],
        options: CommandSpec.list([Options.root, Options.reportOut, Options.now, Options.forTeam, Options.templates, Options.fullReport]),
        example: "accessctl report --root access --out public --for acme-admins",
        details: "Every value from the access tree is HTML-escaped; the same tree, state, audit log and\n--now give the same bytes. The folder is written beside --out and then renamed into\nplace; a non-empty --out that holds no earlier report is refused. Pages whose data did\nnot change are kept from the earlier report (--full renders every page). Exits 1 when the tree\nhas errors or the audit log does not verify (the report is still written and says so).")

    var root: String?
    var out: String
    var now: Timestamp?
    var team: String?
    var templates: String?
    var full: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        guard let out = try arguments.get(Options.reportOut) else { throw UsageError(message: "report needs --out DIR, the folder to write", command: arguments.command) }
        self.out = out
        root = try arguments.get(Options.root)
        now = try arguments.get(Options.now)
        team = try arguments.get(Options.forTeam)
        templates = try arguments.get(Options.templates)
        full = arguments.isSet(Options.fullReport)
    }

    func run(_ cli: AccessCLI) throws -> CommandResult {
        let root = cli.root(root)
        let now = cli.now(now)
        // The log is read while the tree loads (each ran alone on one core).
        let store = cli.store(self.root)
        let (read, raw) = Parallel.both({ () -> (events: [AuditEvent], problem: String?, history: AuditHistory) in
            let (events, problem) = cli.reportEvents(store)
            return (events, problem, AuditHistory(events))
        }, { TreeLoader.load(root: root.path, displayRoot: root.display) })
        let (events, problem, history) = read
        let loaded = cli.effective(raw, root: self.root, now: now, history: history)
        var verified = VerifiedTree(tree: loaded.tree, diagnostics: loaded.diagnostics, statuses: [:])
        verified.verify(now: now, keygen: cli.signatures, displayRoot: root.display, observed: history.firstSeen)
        var errors = cli.render(verified.diagnostics)
        let scope: ReportScope
        do {
            scope = try cli.reportScope(team, verified.tree)
        } catch {
            throw CommandFailure(error.message, after: CommandResult(exitCode: ExitCode.failure, standardError: errors))
        }
        var state: StateFile?
        do {
            state = try cli.store(self.root).readState()
        } catch {
            errors += error.rendered + "\n"
        }
        verified.close(by: history)
        verified.review(by: history, now: now, keygen: cli.signatures, displayRoot: root.display)
        if let problem { errors += problem + "\n" }
        var notifications: [NotificationItem] = []
        do throws(Diagnostic) { notifications = try cli.store(self.root).readOutbox().items } catch { errors += error.rendered + "\n" }
        let input = ReportSite.Input(
            verified: verified, state: state, events: events, chainProblem: problem, now: now, scope: scope, displayRoot: root.display, notifications: notifications)
        do {
            let written = try cli.writeReport(input, out: out, templates: try cli.reportTemplates(templates, tree: verified.tree, displayRoot: root.display), full: full)
            let failed = verified.hasErrors || problem != nil
            return CommandResult(exitCode: failed ? ExitCode.failure : ExitCode.success, standardOutput: written.line, standardError: errors).keeping(input, loaded, history, events, written)
        } catch {
            return CommandResult(exitCode: ExitCode.failure, standardError: errors + cli.text(of: error))
        }
    }
}

extension AccessCLI {
    /// The report's templates: the built-in ones, overridden file by file by the tree's
    /// `templates/` (configuration, so only once trusted: `tree` is the effective tree), then
    /// by the folder the operator names with `--templates` or `$ACCESSCTL_TEMPLATES`.
    func reportTemplates(_ given: String?, tree: AccessTree, displayRoot: String) throws(Diagnostic) -> ReportTemplates {
        var templates = ReportTemplates.builtIn
        if !tree.templates.isEmpty {
            let folder = TreeLoader.join(displayRoot, TemplateFile.folder)
            templates = templates.overriding(with: try ReportTemplates.make(tree.templates.map { ($0.name, $0.bytes) }, display: { TreeLoader.join(folder, $0) }))
        }
        if let given = given ?? environment["ACCESSCTL_TEMPLATES"].flatMap({ $0.isEmpty ? nil : $0 }) {
            templates = templates.overriding(with: try ReportTemplates.load(directory: absolutePath(given), display: given))
        }
        return templates
    }

    /// The scope `--for` names; a failure naming an unknown team.
    func reportScope(_ team: String?, _ tree: AccessTree) throws(CommandFailure) -> ReportScope {
        guard let team else { return .everything }
        guard tree.teams.contains(where: { $0.id == team }) else {
            throw CommandFailure("unknown team '\(team)' for --for" + didYouMean(team, in: tree.teams.map(\.id)))
        }
        return ReportScope(team: team, directory: Directory(tree))
    }

    /// What `writeReport` did: the line to print, and the site, for the command to keep
    /// until the process exits (freeing it, with its copy of every event, took most of a
    /// second on the 100k tree).
    struct WrittenReport: Sendable {
        let line: String
        let site: ReportSite
    }

    /// Renders the report with `loaded` templates and installs it at `out`.
    func writeReport(_ input: ReportSite.Input, out: String, templates loaded: ReportTemplates, full: Bool = false) throws -> WrittenReport {
        let path = absolutePath(out)
        // The earlier report's page index is read while the site is worked out.
        let (earlier, site) = Parallel.both({ ReportWriter.earlierIndex(at: path) }, { ReportSite(input, library: loaded.library) })
        let outcome = try ReportWriter.write(site, assets: loaded.assets, to: path, display: out, parallel: VerifiedTree.defaultParallelism, full: full, earlier: earlier)
        let scope = input.scope.team.map { " for team \($0)" } ?? ""
        let kept = outcome.pages - outcome.written
        let pages = Self.count(outcome.pages, "page") + (kept > 0 ? " (\(kept) unchanged)" : "")
        return WrittenReport(line: "Report\(scope) written to \(out): \(pages), \(Self.count(site.requests.count, "request")), \(Self.count(site.resources.count, "resource")).\n", site: site)
    }

    /// The audit log's events, or why it does not verify.
    func reportEvents(_ store: LedgerStore) -> (events: [AuditEvent], problem: String?) {
        do {
            return (try store.readWholeLogFromCheckpoint().events, nil)
        } catch {
            return ([], Reconciler.chainProblem(error, file: store.logDisplay).headline)
        }
    }
}
