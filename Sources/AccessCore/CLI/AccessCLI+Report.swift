import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

extension AccessCLI {
    static let templatesOption = CommandSpec.Option(name: "--templates", value: "DIR", help: "the report's templates and stylesheet (default: $ACCESSCTL_TEMPLATES, else ./templates)")

    static let reportCommand = CommandSpec(
        name: "report", summary: "Render the static HTML report: requests, resources, people, administrators, audit log.", arguments: [],
        options: [
            rootOption, CommandSpec.Option(name: "--out", value: "DIR", help: "the folder to write (required); replaced whole on each run"),
            nowOption, CommandSpec.Option(name: "--for", value: "TEAM", help: "only what concerns the resources TEAM and its child teams own (one customer's report)"),
            templatesOption,
        ],
        example: "accessctl report --root access --out public --for acme-admins",
        details: "Every value from the access tree is HTML-escaped; the same tree, state, audit log and\n--now give the same bytes. The folder is written beside --out and then renamed into\nplace; a non-empty --out that holds no earlier report is refused. Exits 1 when the tree\nhas errors or the audit log does not verify (the report is still written and says so).")

    /// The templates folder as given and as an absolute path.
    func templates(_ arguments: ParsedArguments) -> (display: String, path: String) {
        let given = arguments.value("--templates") ?? environment["ACCESSCTL_TEMPLATES"] ?? "templates"
        return (given, absolutePath(given))
    }

    /// The scope `--for` names, or an error naming the unknown team.
    func reportScope(_ arguments: ParsedArguments, _ tree: AccessTree) -> Result<ReportScope, CommandFailure> {
        guard let team = arguments.value("--for") else { return .success(.everything) }
        guard tree.teams.contains(where: { $0.id == team }) else {
            return .failure(CommandFailure(message: "error: unknown team '\(team)' for --for" + didYouMean(team, in: tree.teams.map(\.id))))
        }
        return .success(ReportScope(team: team, directory: Directory(tree)))
    }

    /// A message that ends a command with exit 1.
    struct CommandFailure: Error {
        var message: String
    }

    /// Loads the templates, renders the report and installs it at `--out`; returns the line
    /// to print, or the error.
    func writeReport(_ input: ReportSite.Input, out: String, _ arguments: ParsedArguments) -> Result<String, CommandFailure> {
        let folder = templates(arguments)
        let loaded: ReportTemplates
        do {
            loaded = try ReportTemplates.load(directory: folder.path, display: folder.display)
        } catch {
            return .failure(CommandFailure(message: error.rendered))
        }
        let missing = loaded.missingPages
        guard missing.isEmpty else {
            return .failure(CommandFailure(message: "\(folder.display): error: missing template\(missing.count == 1 ? "" : "s") " + missing.joined(separator: ", ")))
        }
        let site = ReportSite(input, library: loaded.library)
        do {
            let pages = try ReportWriter.write(site, assets: loaded.assets, to: absolutePath(out), display: out, parallel: VerifiedTree.defaultParallelism)
            let scope = input.scope.team.map { " for team \($0)" } ?? ""
            return .success("Report\(scope) written to \(out): \(Self.count(pages, "page")), \(Self.count(site.requests.count, "request")), \(Self.count(site.resources.count, "resource")).\n")
        } catch {
            return .failure(CommandFailure(message: error.rendered))
        }
    }

    /// The audit log's events, or why it does not verify.
    func reportEvents(root: (display: String, path: String)) -> (events: [AuditEvent], problem: String?) {
        do {
            return (try AuditLog.read(path: TreeLoader.join(root.path, AuditLog.relativePath)).events, nil)
        } catch {
            return ([], Reconciler.chainProblem(error, file: TreeLoader.join(root.display, AuditLog.relativePath)))
        }
    }

    /// `accessctl report`.
    func report(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        guard let out = arguments.value("--out") else { throw UsageError(message: "report needs --out DIR, the folder to write", command: arguments.command) }
        let root = root(arguments)
        let now = try now(arguments)
        let verified = VerifiedTree.load(root: root.path, displayRoot: root.display, now: now, keygen: SSHKeygen(environment: environment))
        var errors = render(verified.diagnostics)
        let scope: ReportScope
        switch reportScope(arguments, verified.tree) {
        case .success(let s): scope = s
        case .failure(let failure): return CommandResult(exitCode: ExitCode.failure, standardError: errors + failure.message + "\n")
        }
        var state: StateFile?
        do {
            state = try StateFile.read(path: TreeLoader.join(root.path, StateFile.relativePath), display: TreeLoader.join(root.display, StateFile.relativePath))
        } catch {
            errors += error.rendered + "\n"
        }
        let (events, problem) = reportEvents(root: root)
        if let problem { errors += problem + "\n" }
        let input = ReportSite.Input(verified: verified, state: state, events: events, chainProblem: problem, now: now, scope: scope, displayRoot: root.display)
        switch writeReport(input, out: out, arguments) {
        case .success(let line):
            let failed = verified.hasErrors || problem != nil
            return CommandResult(exitCode: failed ? ExitCode.failure : ExitCode.success, standardOutput: line, standardError: errors)
        case .failure(let failure):
            return CommandResult(exitCode: ExitCode.failure, standardError: errors + failure.message + "\n")
        }
    }
}
