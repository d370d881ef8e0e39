extension AccessCLI {
    /// `accessctl validate`: load the whole tree, verify every decision, print every problem.
    func validate(_ arguments: ParsedArguments) throws(UsageError) -> CommandResult {
        let root = root(arguments)
        let format = arguments.value("--format") ?? "text"
        let now = try now(arguments)
        let result = TreeLoader.load(root: root.path, displayRoot: root.display)
        let problems = result.diagnostics + verifyDecisions(result.tree, now: now, displayRoot: root.display)
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        let manifests = Self.count(result.tree.manifestCount, "manifest")
        let warningText = warnings == 0 ? "" : ", \(Self.count(warnings, "warning"))"
        let summary = errors == 0
            ? "\(root.display): \(manifests) valid\(warningText).\n"
            : "\(root.display): \(Self.count(errors, "error"))\(warningText) in \(Self.count(result.tree.fileCount, "file")).\n"
        let code = errors == 0 ? ExitCode.success : ExitCode.failure
        if format == "github" {
            return CommandResult(exitCode: code, standardOutput: render(problems, format: format) + summary)
        }
        return CommandResult(exitCode: code, standardOutput: summary, standardError: render(problems))
    }

    /// A diagnostic for each decision that does not verify or no longer counts.
    func verifyDecisions(_ tree: AccessTree, now: Timestamp, displayRoot: String) -> [Diagnostic] {
        guard let settings = tree.settings, tree.requests.contains(where: { !$0.decisions.isEmpty }) else { return [] }
        let keygen = SSHKeygen(environment: environment)
        guard keygen.isAvailable else {
            return [Diagnostic(file: displayRoot, message: "ssh-keygen (OpenSSH) was not found on PATH: signed decisions cannot be verified")]
        }
        let verifier = DecisionVerifier(tree: tree, settings: settings, now: now, keygen: keygen)
        var out: [Diagnostic] = []
        for request in tree.requests where !request.decisions.isEmpty {
            let status: RequestStatus
            do {
                status = try verifier.status(request)
            } catch {
                out.append(Diagnostic(file: request.header.file, message: "cannot run ssh-keygen: \(error)"))
                continue
            }
            if let missing = status.missingApprovals, status.state == .pending {
                out.append(Diagnostic(
                    file: request.header.file, location: request.statusLocation ?? .start,
                    message: "threshold not met: \(missing.count) more approval\(missing.count == 1 ? "" : "s") over the same terms needed under policy \(missing.policy)",
                    severity: .warning))
            }
            for check in status.checks {
                let d = check.decision
                let what = "\(d.kind.value.rawValue) by \(d.by.value)"
                switch check.outcome {
                case .valid: break
                case .invalid(let reason):
                    out.append(Diagnostic(file: request.header.file, location: d.location, message: "\(what): \(reason)"))
                case .voided(let reason):
                    out.append(Diagnostic(file: request.header.file, location: d.location, message: "\(what) is void: \(reason)", severity: .warning))
                }
            }
        }
        return out
    }
}
