import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// The configuration a run computes access with, and how its trust stands: the tree's own
/// when trusted, otherwise the part it shares with the trusted snapshot.
package struct ConfigurationView: Sendable {
    package enum Status: Sendable, Equatable {
        /// The tree's configuration is the trusted one.
        case trusted
        /// This run trusts it: pinned on first use, matched to the trust root, or signed.
        case newlyTrusted(signers: [String], how: String)
        /// A change waits for signatures; what adds access waits with it.
        case pending(summary: String, changes: [String], refused: [String])
    }

    /// The tree's configuration digest.
    package var digest: String
    /// The digest trusted before this run, if any.
    package var trustedDigest: String?
    package var status: Status
    /// The tree to compute access with.
    package var tree: AccessTree
    /// Whether applying this run records the tree's configuration as the trusted snapshot
    /// (it trusts a new one, or rebuilds a lost or stale one); read from the files only then.
    package var recordsSnapshot: Bool
    /// Problems with the statements file.
    package var diagnostics: [Diagnostic] = []

    package var isPending: Bool { if case .pending = status { true } else { false } }

    /// `configuration change pending: ...` and `configuration sha256:... trusted: ...`, for the plan.
    package var notices: [String] {
        switch status {
        case .trusted: return []
        case .newlyTrusted(let signers, let how):
            return ["configuration \(digest) trusted: " + how + (signers.isEmpty ? "" : " (\(signers.joined(separator: ", ")))")]
        case .pending(let summary, let changes, let refused):
            var out = ["configuration change pending: \(summary); until then access is computed from what the trusted configuration \(trustedDigest ?? "") and this one share; waiting: \(changes.joined(separator: ", "))"]
            out += refused.map { "configuration signature not counted: \($0)" }
            return out
        }
    }
}

extension Reconciler {
    /// Works out which configuration this run may trust (see ConfigurationTrust) and the tree
    /// to compute access with. Refuses when the recorded trust cannot be vouched for.
    package func configurationView(_ current: AccessTree, history: AuditHistory) throws(Refusal) -> ConfigurationView {
        let digest = current.configurationDigest
        if let root = trustRoot, let first = history.trustedConfigurations.first, first != root {
            throw Refusal(Diagnostic(file: display(AuditLog.relativePath), message: "the audit log's trust starts at configuration \(first), not at the trust root \(root): the log or the trust root was replaced"))
        }
        guard let logged = history.trustedConfigurations.last else {
            // Trust starts with the first configuration that names an administrator: before
            // that nobody could sign, so there is nothing to record.
            if trustRoot == nil, ConfigurationTrust.administrators(current).isEmpty {
                return ConfigurationView(digest: digest, trustedDigest: nil, status: .trusted, tree: current, recordsSnapshot: false)
            }
            // First use: trust what is here, unless a trust root from outside the repository says otherwise.
            if let root = trustRoot, root != digest {
                throw Refusal(message: "the configuration's digest \(digest) is not the trust root \(root), and no trusted configuration is recorded: check out the configuration the trust root names, or set the trust root to this digest once its administrators agree")
            }
            // Signatures of the first configuration (`previous: null`) are recorded when they
            // reach the threshold; without them the configuration is pinned as it is.
            var statements: [ConfigurationStatement] = []
            var diagnostics: [Diagnostic] = []
            do throws(Diagnostic) { statements = try store.readStatements() } catch { diagnostics.append(error) }
            let verdict = ConfigurationTrust.evaluate(
                trusted: current, trustedDigest: nil, current: current, currentDigest: digest, statements: statements, keygen: keygen, now: now)
            let how = verdict.trusted ? "signed by " + verdict.summary : (trustRoot == nil ? "pinned on first use" : "it is the trust root")
            return ConfigurationView(
                digest: digest, trustedDigest: nil, status: .newlyTrusted(signers: verdict.trusted ? verdict.signers : [], how: how),
                tree: current, recordsSnapshot: true, diagnostics: diagnostics)
        }
        var snapshot: TrustedConfiguration?
        do throws(Diagnostic) { snapshot = try store.readTrusted() } catch { snapshot = nil }
        if digest == logged {
            // The tree is what the log trusts: nothing to parse; a lost or stale snapshot
            // (a crash after the log's append) is rebuilt from the tree.
            return ConfigurationView(digest: digest, trustedDigest: logged, status: .trusted, tree: current, recordsSnapshot: snapshot?.digest != logged)
        }
        // Only now is the snapshot needed: its files must give the digest the log trusts.
        let trustedLoaded = snapshot?.load(display: store.trustedDisplay)
        guard snapshot?.digest == logged, let trustedTree = trustedLoaded?.tree, ConfigurationEntry.digest(trustedTree.configuration) == logged else {
            throw Refusal(Diagnostic(
                file: store.trustedDisplay,
                message: "does not hold the configuration the audit log trusts (\(logged)): restore it from git history; accessctl will not guess which configuration to trust"))
        }
        var diagnostics: [Diagnostic] = []
        var statements: [ConfigurationStatement] = []
        do throws(Diagnostic) { statements = try store.readStatements() } catch { diagnostics.append(error) }
        if ConfigurationTrust.administrators(trustedTree).isEmpty {
            return ConfigurationView(
                digest: digest, trustedDigest: logged,
                status: .newlyTrusted(signers: [], how: "the trusted configuration names no administrators, so configuration trust is off"),
                tree: current, recordsSnapshot: true, diagnostics: diagnostics)
        }
        let verdict = ConfigurationTrust.evaluate(
            trusted: trustedTree, trustedDigest: logged, current: current, currentDigest: digest, statements: statements, keygen: keygen, now: now)
        if verdict.trusted {
            return ConfigurationView(
                digest: digest, trustedDigest: logged, status: .newlyTrusted(signers: verdict.signers, how: "signed by " + verdict.summary),
                tree: current, recordsSnapshot: true, diagnostics: diagnostics)
        }
        return ConfigurationView(
            digest: digest, trustedDigest: logged,
            status: .pending(summary: verdict.summary, changes: ConfigurationTrust.changes(from: trustedTree.configuration, to: current.configuration), refused: verdict.refused),
            tree: ConfigurationIntersection.intersect(trusted: trustedTree, current: current), recordsSnapshot: false, diagnostics: diagnostics)
    }
}
