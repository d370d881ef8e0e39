import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

extension ValidateCommand {
    /// `validate --trusted BASE`: the pull request's tree checked against the base branch's
    /// configuration, as reconcile will check it after the merge: its configuration changes,
    /// their effect on access, and the administrator signatures present and missing.
    func runTrusted(_ cli: AccessCLI, base given: String) -> CommandResult {
        let root = cli.root(root)
        let base = (display: given, path: cli.absolutePath(given))
        let now = cli.now(now)
        var pull = TreeLoader.load(root: root.path, displayRoot: root.display)
        let trusted = TreeLoader.load(root: base.path, displayRoot: base.display)
        if trusted.diagnostics.contains(where: { $0.severity == .error }) || trusted.tree.settings == nil {
            return CommandResult(exitCode: ExitCode.failure, standardError: cli.render(trusted.diagnostics) + ErrorPresenter.line("the base tree \(base.display) has errors: it cannot be the trusted configuration"))
        }
        // Only reconcile writes state/ and audit/: a pull request that changes them is refused.
        for path in Self.ledgerFiles(root.path).union(Self.ledgerFiles(base.path)).sorted() {
            let mine = FileManager.default.contents(atPath: TreeLoader.join(root.path, path))
            if mine != FileManager.default.contents(atPath: TreeLoader.join(base.path, path)) {
                pull.diagnostics.append(Diagnostic(
                    file: TreeLoader.join(root.display, path),
                    message: "the pull request \(mine == nil ? "deletes" : "changes") this file: only reconcile writes state/ and audit/"))
            }
        }
        let history = cli.history(self.root)
        func verified(_ tree: AccessTree, diagnostics: [Diagnostic] = []) -> VerifiedTree {
            var out = VerifiedTree(tree: tree, diagnostics: diagnostics, statuses: [:])
            out.verify(now: now, keygen: cli.signatures, displayRoot: root.display, observed: history.firstSeen)
            out.close(by: history)
            return out
        }
        let baseDigest = ConfigurationEntry.digest(trusted.tree.configuration)
        let digest = ConfigurationEntry.digest(pull.tree.configuration)
        let changes = ConfigurationTrust.changes(from: trusted.tree.configuration, to: pull.tree.configuration)
        var statements: [ConfigurationStatement] = []
        var problems = pull.diagnostics
        do throws(Diagnostic) { statements = try cli.store(self.root).readStatements() } catch { problems.append(error) }
        let verdict = ConfigurationTrust.evaluate(
            trusted: trusted.tree, trustedDigest: baseDigest, current: pull.tree, currentDigest: digest, statements: statements, keygen: cli.signatures, now: now)
        let signed = changes.isEmpty || verdict.trusted || ConfigurationTrust.administrators(trusted.tree).isEmpty
        // Decisions are checked as reconcile will check them: against what both configurations share.
        let effective = signed ? pull.tree : ConfigurationIntersection.intersect(trusted: trusted.tree, current: pull.tree)
        let checked = verified(effective)
        let asSigned = signed ? checked : verified(pull.tree)
        problems += signed ? checked.diagnostics
            : VerifiedTree.deferring(checked.diagnostics, notIn: asSigned.diagnostics, note: " under the base configuration; it counts once the configuration change is signed")
        // The effect on access of the configuration change, requests held fixed.
        var before = trusted.tree
        before.requests = pull.tree.requests
        let grantsBefore = Self.grants(verified(before), now)
        let grantsAfter = Self.grants(asSigned, now)
        let grantsNow = Self.grants(checked, now)
        var effect: [String] = []
        for key in Set(grantsBefore.keys).union(grantsAfter.keys).sorted() where grantsBefore[key] != grantsAfter[key] {
            let sign = grantsBefore[key] == nil ? "+" : grantsAfter[key] == nil ? "-" : "~"
            let when = grantsNow[key] == grantsAfter[key] ? "at the merge" : "once signed"
            effect.append("\(sign) \(key) (\(when))")
        }
        var out = ""
        if changes.isEmpty {
            out += "configuration: unchanged from \(base.display) (\(digest))\n"
        } else {
            let paths = Dictionary((pull.tree.configuration + trusted.tree.configuration).map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
            out += "configuration: \(digest) changes \(base.display)'s \(baseDigest):\n"
            out += changes.map { "  \($0) (\(TreeLoader.join(root.display, paths[String($0.dropFirst(2))] ?? "")))\n" }.joined()
            out += "signatures: " + (signed ? "enough (\(verdict.signers.joined(separator: ", ")))" : verdict.summary) + "\n"
            out += verdict.refused.map { "  not counted: \($0)\n" }.joined()
            out += "access:" + (effect.isEmpty ? " unchanged\n" : "\n" + effect.map { "  \($0)\n" }.joined())
            if !signed {
                for change in changes {
                    let id = String(change.dropFirst(2))
                    let file = TreeLoader.join(root.display, paths[id] ?? "")
                    problems.append(Diagnostic(
                        file: file, location: change.hasPrefix("-") ? .whole : SourceLocation(line: 1, column: 1),
                        message: "configuration change (\(change.prefix(1)) \(id)) waits for administrator signatures: \(verdict.summary)", severity: .warning))
                }
            }
        }
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        let warningText = warnings == 0 ? "" : ", \(AccessCLI.count(warnings, "warning"))"
        out += errors == 0
            ? "\(root.display): \(AccessCLI.count(pull.tree.manifestCount, "manifest")) valid against \(base.display)'s configuration\(warningText).\n"
            : "\(root.display): \(AccessCLI.count(errors, "error"))\(warningText) against \(base.display)'s configuration.\n"
        let code = errors == 0 ? ExitCode.success : ExitCode.failure
        if format == "github" { return CommandResult(exitCode: code, standardOutput: cli.render(problems, format: format) + out) }
        return CommandResult(exitCode: code, standardOutput: out, standardError: cli.render(problems))
    }

    /// The grants in force at `now`, by key.
    static func grants(_ verified: VerifiedTree, _ now: Timestamp) -> [String: GrantRecord] {
        Dictionary(GrantRecord.inForce(verified, at: now).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The files of `state/` and `audit/` under a tree, relative to it (not the lock).
    static func ledgerFiles(_ root: String) -> Set<String> {
        var out = Set<String>()
        for folder in ["state", "audit"] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: TreeLoader.join(root, folder))) ?? [] where name != ".lock" {
                out.insert(folder + "/" + name)
            }
        }
        return out
    }

}
