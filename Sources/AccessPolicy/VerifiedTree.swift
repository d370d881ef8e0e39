import Foundation
import AccessFormats
import AccessModel

/// A loaded tree with every decision verified at one time: what validate, plan and
/// reconcile share, so each signature is checked once per run.
package struct VerifiedTree: Sendable {
    package var tree: AccessTree
    /// Load, validation and decision problems, in the order found.
    package var diagnostics: [Diagnostic]
    /// The state of each request by id; a request whose decisions could not be checked
    /// (ssh-keygen missing or failing) has none, and so grants nothing.
    package var statuses: [String: RequestStatus]
    /// Reviews of standing access by grant key (see `AccessReviews`); empty until the ledger
    /// works them out from the audit log.
    package var reviews: [String: AccessReview] = [:]

    /// The one engine over this tree: request statuses, and standing grants less those
    /// their reviews take away.
    package func engine(_ directory: Directory) -> AccessEngine {
        let engine = AccessEngine(directory: directory, statuses: statuses)
        return reviews.isEmpty ? engine : engine.suspending(reviews, tree.settings?.reviews ?? ReviewSettings())
    }

    package init(tree: AccessTree, diagnostics: [Diagnostic], statuses: [String: RequestStatus]) {
        self.tree = tree
        self.diagnostics = diagnostics
        self.statuses = statuses
    }

    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Loads the tree at `root` and checks every decision as of `now`, with up to `parallel`
    /// ssh-keygen processes at once.
    package static func load(
        root: String, displayRoot: String, now: Timestamp, keygen: any SignatureTool, parallel: Int = defaultParallelism, observed: [String: Timestamp] = [:]
    ) -> VerifiedTree {
        let loaded = TreeLoader.load(root: root, displayRoot: displayRoot)
        var result = VerifiedTree(tree: loaded.tree, diagnostics: loaded.diagnostics, statuses: [:])
        result.verify(now: now, keygen: keygen, displayRoot: displayRoot, parallel: parallel, observed: observed)
        return result
    }

    /// One ssh-keygen process per core.
    package static var defaultParallelism: Int { Parallel.cores }

    /// Verifies every open request's decisions (see `DecisionVerifier.isClosed`) and works out
    /// each request's state.
    package mutating func verify(
        now: Timestamp, keygen: any SignatureTool, displayRoot: String, parallel: Int = defaultParallelism, verdicts: [String: [Int: SignatureVerdict]]? = nil,
        observed: [String: Timestamp] = [:], screenings: [DecisionVerifier.Screening]? = nil
    ) {
        guard let settings = tree.settings else { return }
        let signed = tree.requests.contains { !$0.decisions.isEmpty }
        // Asked once: each ask looks the program up on disk.
        let available = keygen.isAvailable
        if signed, !available {
            diagnostics.append(Diagnostic(file: displayRoot, message: "ssh-keygen (OpenSSH) was not found on PATH: signed decisions cannot be verified"))
        }
        // Each request's state asks about its requester and deciders several times: with more
        // requests than principals, every membership is worked out at once and read unlocked.
        let directory = Directory(tree, membershipsUpFront: tree.requests.count >= tree.principals.count, parallel: parallel)
        var verifier = DecisionVerifier(directory: directory, settings: settings, now: now, keygen: keygen)
        verifier.observed = observed
        // Each request's policies and whether it is closed, once, in parallel: the signature
        // jobs and the states both start from them.
        let all = tree.requests
        let screener = verifier
        let screenings = screenings ?? Parallel.map(all, workers: Parallel.workers(for: all.count, from: 256, upTo: parallel)) { screener.screen($0) }
        if let verdicts {
            verifier.verdicts = verdicts
        } else if available {
            verifier.verdicts = keygen.verifyAll(verifier.signatureJobs(all, screenings: screenings), namespace: settings.signatureNamespace, time: now, parallel: parallel)
        }
        // Each request's state on its own, in parallel (the verifier's memo is locked), then
        // gathered in the tree's order, so the messages keep their order.
        let positions = available ? Array(all.indices) : all.indices.filter { all[$0].decisions.isEmpty }
        let shared = verifier
        var results = Parallel.map(positions, workers: Parallel.workers(for: positions.count, from: 256, upTo: parallel)) { position -> (RequestStatus?, [Diagnostic]) in
            let request = all[position]
            let status: RequestStatus
            do {
                status = try shared.status(request, screening: screenings[position])
            } catch {
                return (nil, [Diagnostic(file: request.header.file, message: "cannot run ssh-keygen: \(error)")])
            }
            var problems = Self.problems(of: status)
            if status.reviewOverdue(at: shared.now), let due = status.reviewDue {
                let approval = status.checks.first(where: \.emergency)?.decision.location ?? request.header.name.location
                problems.append(Diagnostic(
                    file: request.header.file, location: approval,
                    message: "break-glass access: its signed review by an approver was due at \(due) and is missing; an approver runs 'accessctl review \(request.id)'",
                    severity: .warning))
            }
            // A pending request nobody can ever approve is said before anyone waits for it.
            if status.state == .pending, let why = shared.noPolicyCanApprove(request) {
                problems.append(Diagnostic(file: request.header.file, location: request.header.name.location, message: why, severity: .warning))
            }
            return (status, problems)
        }
        statuses.reserveCapacity(statuses.count + positions.count)
        // Moved out, not copied: a copy and a free of 100,000 states ran on one core.
        for i in results.indices {
            if let status = results[i].0.take() { statuses[all[positions[i]].id] = status }
            diagnostics += results[i].1
        }
    }

    /// A diagnostic for each decision that does not verify or no longer counts, and for an
    /// approval that has not reached its threshold.
    static func problems(of status: RequestStatus) -> [Diagnostic] {
        let request = status.request
        var out: [Diagnostic] = []
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
        return out
    }

    /// Decision errors of `checked` (under the trusted configuration) that `signed` (the same
    /// tree under a configuration change not yet signed) does not have, as warnings: they wait
    /// for the change, they are not wrong. Other diagnostics are kept as they are.
    /// `note` is added to each such message.
    package static func deferring(_ checked: [Diagnostic], notIn signed: [Diagnostic], note: String) -> [Diagnostic] {
        let alsoSigned = Set(signed.map { "\($0.file):\($0.location.line):\($0.location.column)" })
        return checked.map { d in
            guard d.severity == .error, !alsoSigned.contains("\(d.file):\(d.location.line):\(d.location.column)") else { return d }
            var waiting = d
            waiting.severity = .warning
            waiting.message += note
            return waiting
        }
    }
}
