import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

extension VerifiedTree {
    /// Works out the reviews of standing access: the signed statements in
    /// `trust/reviews.jsonl` (verified with ssh-keygen; problems join the diagnostics) and what
    /// the audit log recorded. The engine then leaves out what the reviews take away.
    package mutating func review(by history: AuditHistory, now: Timestamp, keygen: any SignatureTool, displayRoot: String, directory given: Directory? = nil) {
        guard let settings = tree.settings else { return }
        // Most trees review nothing: no lookups are built for them.
        guard tree.principals.contains(where: { $0.review != nil }) || tree.teams.contains(where: { $0.review != nil })
            || tree.bindings.contains(where: { $0.review != nil })
        else { return }
        let directory = given ?? Directory(tree)
        let grants = AccessEngine(directory: directory, statuses: statuses).reviewedGrants()
        let display = TreeLoader.join(displayRoot, AccessReviewStatement.relativePath)
        var statements: [AccessReviewStatement] = []
        if let data = FileManager.default.contents(atPath: TreeLoader.join(tree.root, AccessReviewStatement.relativePath)) {
            do throws(Diagnostic) {
                statements = try AccessReviewStatement.parse(String(decoding: data, as: UTF8.self), file: display)
            } catch {
                diagnostics.append(error)
            }
        }
        var valid: [AccessReviewStatement] = []
        if !statements.isEmpty {
            if keygen.isAvailable {
                do {
                    let checked = try AccessReviews.verify(statements, grants: grants, directory: directory, settings: settings, keygen: keygen, now: now, file: display)
                    valid = checked.valid
                    diagnostics += checked.diagnostics
                } catch {
                    diagnostics.append(Diagnostic(file: display, message: "cannot run ssh-keygen: \(error)"))
                }
            } else {
                diagnostics.append(Diagnostic(file: display, message: "ssh-keygen (OpenSSH) was not found on PATH: access reviews cannot be verified", severity: .warning))
            }
        }
        reviews = AccessReviews.evaluate(
            grants: grants, statements: valid, records: history.reviews, isLogged: history.hasLogged, now: now, settings: settings.reviews)
        for review in reviews.values.sorted(by: { $0.key < $1.key }) where review.state == .overdue {
            diagnostics.append(Diagnostic(
                file: displayRoot, message: "\(review.key): \(review.why); a member of team \(review.policy.by.value) runs 'accessctl access-review \(review.key) --decision confirm' (or remove)",
                severity: .warning))
        }
    }
}
