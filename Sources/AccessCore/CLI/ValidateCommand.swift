import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// `accessctl validate`: load the whole tree, verify every decision, print every problem.
struct ValidateCommand: Command {
    static let spec = CommandSpec(
        name: "validate", summary: "Check every manifest of the access tree and report all problems.",
        arguments: [], options: CommandSpec.list([Options.root, Options.validateFormat, Options.now, Options.trustedBase, Options.verbose]),
        example: "accessctl validate --root access --format github",
        details: "Exits 0 when the tree is valid, 1 when any manifest has a problem. Every problem is\nprinted as file:line:column: error: message. Every signed decision is verified with\nssh-keygen and checked against the policies; a decision voided by a later spec change\nis a warning. With --trusted BASE (the base branch's tree) decisions are checked against\nthe base's configuration, and the configuration changes are listed with their effect on\naccess and the administrator signatures present and missing.")

    var root: String?
    var format: String
    var now: Timestamp?
    var trusted: String?
    var verbose: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        verbose = arguments.isSet(Options.verbose)
        root = try arguments.get(Options.root)
        format = try arguments.get(Options.validateFormat) ?? "text"
        now = try arguments.get(Options.now)
        trusted = try arguments.get(Options.trustedBase)
    }

    func run(_ cli: AccessCLI) -> CommandResult {
        var result = trusted.map { runTrusted(cli, base: $0) } ?? runPlain(cli)
        if verbose {
            // Which program decides what verifies: never one found through PATH.
            let cached = cli.signatures as? CachingSignatureTool
            let base = cached?.inner ?? cli.signatures
            let tool = (base as? SSHKeygen)?.executable ?? "\(type(of: base))"
            let cache = cached != nil ? cli.cacheFolder.map { "signatures seen to verify are cached in \(Paths.join($0, AccessCLI.signatureCacheName))\n" } ?? "" : ""
            result.standardOutput = "ssh-keygen: \(tool)\n" + cache + result.standardOutput
        }
        return result
    }

    func runPlain(_ cli: AccessCLI) -> CommandResult {
        let root = cli.root(root)
        let (history, loaded) = cli.historyAndTree(self.root)
        var result = VerifiedTree(tree: loaded.tree, diagnostics: loaded.diagnostics, statuses: [:])
        result.verify(now: cli.now(now), keygen: cli.signatures, displayRoot: root.display, observed: history.firstSeen)
        // Reviews of standing access: bad statements are errors, overdue reviews warnings.
        result.review(by: history, now: cli.now(now), keygen: cli.signatures, displayRoot: root.display)
        let problems = result.diagnostics
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        let manifests = AccessCLI.count(result.tree.manifestCount, "manifest")
        let warningText = warnings == 0 ? "" : ", \(AccessCLI.count(warnings, "warning"))"
        let summary = errors == 0
            ? "\(root.display): \(manifests) valid\(warningText).\n"
            : "\(root.display): \(AccessCLI.count(errors, "error"))\(warningText) in \(AccessCLI.count(result.tree.fileCount, "file")).\n"
        let code = errors == 0 ? ExitCode.success : ExitCode.failure
        if format == "github" {
            return CommandResult(exitCode: code, standardOutput: cli.render(problems, format: format) + summary).keeping(result, history)
        }
        return CommandResult(exitCode: code, standardOutput: summary, standardError: cli.render(problems)).keeping(result, history)
    }
}
