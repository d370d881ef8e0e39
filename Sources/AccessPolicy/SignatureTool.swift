import AccessFormats
import AccessModel

/// Signs and verifies decision payloads. Production code uses `SSHKeygen` (OpenSSH);
/// logic tests use a fake, so they need neither the disk nor ssh-keygen.
package protocol SignatureTool: Sendable {
    /// Whether the tool can work at all (ssh-keygen is installed).
    var isAvailable: Bool { get }
    /// What names this tool's verdicts in a `SignatureCache` (for ssh-keygen, its path); nil:
    /// its verdicts are never cached.
    var identity: String? { get }
    /// Signs `message` with the key at `keyPath` and returns the armored signature.
    func sign(_ message: [UInt8], keyPath: String, namespace: String, environment: [String: String]?) throws -> String
    /// Whether `armor` is `signer`'s signature of `message` with one of `publicKeys`, as of `time`.
    func verify(_ message: [UInt8], armor: String, signer: String, publicKeys: [String], namespace: String, time: Timestamp) throws -> SignatureVerdict
    /// Verifies `jobs` with up to `parallel` at once, as of `time`, by request and decision
    /// index. A job whose check could not run gets a `.bad` verdict saying so.
    func verifyAll(_ jobs: [SignatureJob], namespace: String, time: Timestamp, parallel: Int) -> [String: [Int: SignatureVerdict]]
}

/// Why a signature did not verify, or that it did.
package enum SignatureVerdict: Sendable, Equatable {
    case good
    /// The signer has no keys in the tree.
    case unknownKey
    case bad(String)

    /// What went wrong, for messages.
    package func problem(signer: String) -> String? {
        switch self {
        case .good: nil
        case .unknownKey: "unknown key: principal '\(signer)' has no sshKeys"
        case .bad(let reason): "bad signature: \(reason)"
        }
    }
}

/// One signature to verify, named by its request and decision index.
package struct SignatureJob: Sendable {
    /// Verdicts keyed by request and decision index, in the jobs' order.
    package static func byRequest(_ jobs: [SignatureJob], _ verdicts: [SignatureVerdict]) -> [String: [Int: SignatureVerdict]] {
        var out: [String: [Int: SignatureVerdict]] = [:]
        for (job, verdict) in zip(jobs, verdicts) { out[job.request, default: [:]][job.index] = verdict }
        return out
    }

    package var request: String
    package var index: Int
    package var message: [UInt8]
    package var armor: String
    package var signer: String
    package var publicKeys: [String]

    package init(request: String, index: Int, message: [UInt8], armor: String, signer: String, publicKeys: [String]) {
        self.request = request
        self.index = index
        self.message = message
        self.armor = armor
        self.signer = signer
        self.publicKeys = publicKeys
    }
}

extension SignatureTool {
    package var identity: String? { nil }

    /// Signs with the process's own environment (ssh-agent and all).
    package func sign(_ message: [UInt8], keyPath: String, namespace: String) throws -> String {
        try sign(message, keyPath: keyPath, namespace: namespace, environment: nil)
    }

    /// Verifies `jobs` one `verify` call each, up to `parallel` at once.
    package func verifyAll(_ jobs: [SignatureJob], namespace: String, time: Timestamp, parallel: Int) -> [String: [Int: SignatureVerdict]] {
        verifyEach(jobs, namespace: namespace, time: time, parallel: parallel)
    }

    /// `verifyAll` as one `verify` call per job; tools with a faster batch fall back to it.
    package func verifyEach(_ jobs: [SignatureJob], namespace: String, time: Timestamp, parallel: Int) -> [String: [Int: SignatureVerdict]] {
        let verdicts = Parallel.map(jobs, workers: parallel) { job -> SignatureVerdict in
            do {
                return try verify(job.message, armor: job.armor, signer: job.signer, publicKeys: job.publicKeys, namespace: namespace, time: time)
            } catch {
                return .bad("ssh-keygen could not run: \(error)")
            }
        }
        return SignatureJob.byRequest(jobs, verdicts)
    }
}
