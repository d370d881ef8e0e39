import Foundation
import AccessFormats
import AccessModel

/// Signing and verifying through OpenSSH's `ssh-keygen -Y` (SSHSIG), as git does for
/// SSH-signed commits. accessctl never reads a private key itself.
package struct SSHKeygen: SignatureTool {
    package var executable: String

    /// Where OpenSSH installs `ssh-keygen`, in the order they are tried.
    package static let systemLocations = ["/usr/bin/ssh-keygen", "/usr/local/bin/ssh-keygen", "/opt/homebrew/bin/ssh-keygen", "/bin/ssh-keygen"]

    /// `$ACCESSCTL_SSH_KEYGEN` when it is an absolute path, else the first of the system
    /// locations that exists. Never `PATH`: a repository (or a pull request's CI step) could
    /// put a fake `ssh-keygen` that calls every signature good ahead of the real one.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let chosen = environment["ACCESSCTL_SSH_KEYGEN"], chosen.hasPrefix("/") {
            executable = chosen
        } else {
            executable = Self.systemLocations.first { FileManager.default.isExecutableFile(atPath: $0) } ?? Self.systemLocations[0]
        }
    }

    /// The program at `executable`, an absolute path the caller has checked (`--ssh-keygen`).
    package init(executable: String) {
        self.executable = executable
    }

    /// The program's path: a verdict cached from one ssh-keygen never answers for another.
    package var identity: String? { "ssh-keygen " + executable }

    /// Whether the program is there at all.
    package var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Signs `message` with the key at `keyPath` (a private key, or a public key whose private
    /// half is in ssh-agent) and returns the armored signature.
    package func sign(_ message: [UInt8], keyPath: String, namespace: String, environment: [String: String]?) throws -> String {
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let output = try ProcessRunner.run(executable, ["-Y", "sign", "-f", keyPath, "-n", namespace], input: message, in: folder, environment: environment)
        guard output.status == 0, output.standardOutput.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
            throw SigningError(message: "ssh-keygen could not sign with \(keyPath): " + output.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return output.standardOutput
    }

    /// Verifies that `armor` is `signer`'s signature of `message` in `namespace`, with one of
    /// `publicKeys`, as of `time` (never the signer's claimed time).
    package func verify(_ message: [UInt8], armor: String, signer: String, publicKeys: [String], namespace: String, time: Timestamp) throws -> SignatureVerdict {
        if let refused = Self.refusal(signer: signer, publicKeys: publicKeys) { return refused }
        let folder = try PrivateFolder()
        defer { folder.remove() }
        try folder.write("allowed_signers", Array(Self.allowedSigners([(signer, publicKeys)], namespace: namespace).utf8))
        return try check(message, armor: armor, signer: signer, namespace: namespace, time: time, in: folder)
    }

    /// Verifies `jobs` with one private folder per worker, reused for every check it runs,
    /// and one allowed-signers file per folder holding every signer's keys: a check then
    /// writes only its signature. Each line names one principal exactly, and ssh-keygen's
    /// `-I` picks that principal's lines, so a key counts only for its own signer. When one
    /// signer comes with two different key lists, each job gets its own file instead.
    package func verifyAll(_ jobs: [SignatureJob], namespace: String, time: Timestamp, parallel: Int) -> [String: [Int: SignatureVerdict]] {
        var keys: [String: [String]] = [:]
        var consistent = true
        for job in jobs where Self.refusal(signer: job.signer, publicKeys: job.publicKeys) == nil {
            if let known = keys[job.signer], known != job.publicKeys { consistent = false }
            keys[job.signer] = job.publicKeys
        }
        guard consistent else { return verifyEach(jobs, namespace: namespace, time: time, parallel: parallel) }
        let allowed = Self.allowedSigners(keys.keys.sorted().map { ($0, keys[$0]!) }, namespace: namespace)
        let workers = max(1, min(parallel, jobs.count))
        let chunks = (0..<workers).map { w in Array(stride(from: w, to: jobs.count, by: workers)) }
        let results = Parallel.map(chunks, workers: workers) { indices -> [(Int, SignatureVerdict)] in
            let folder: PrivateFolder
            do {
                folder = try PrivateFolder()
                try folder.write("allowed_signers", Array(allowed.utf8))
            } catch {
                return indices.map { ($0, .bad("ssh-keygen could not run: \(error)")) }
            }
            defer { folder.remove() }
            return indices.map { i in
                let job = jobs[i]
                if let refused = Self.refusal(signer: job.signer, publicKeys: job.publicKeys) { return (i, refused) }
                do {
                    return (i, try check(job.message, armor: job.armor, signer: job.signer, namespace: namespace, time: time, in: folder))
                } catch {
                    return (i, .bad("ssh-keygen could not run: \(error)"))
                }
            }
        }
        var verdicts = [SignatureVerdict](repeating: .unknownKey, count: jobs.count)
        for (i, verdict) in results.joined() { verdicts[i] = verdict }
        return SignatureJob.byRequest(jobs, verdicts)
    }

    /// The verdict without running ssh-keygen, when there is one. allowed_signers treats its
    /// principals field as a pattern list ("*" matches anyone), so only a valid id, which
    /// cannot hold pattern characters, may name a signer.
    static func refusal(signer: String, publicKeys: [String]) -> SignatureVerdict? {
        guard Identifier.isValid(signer) else { return .bad("'\(signer)' is not a valid principal id") }
        return publicKeys.isEmpty ? .unknownKey : nil
    }

    /// allowed_signers lines: exact principal names only, restricted to our namespace, never
    /// patterns.
    static func allowedSigners(_ signers: [(String, [String])], namespace: String) -> String {
        signers.flatMap { signer, keys in
            keys.map { key in
                let parts = key.split(separator: " ")
                return "\"\(signer)\" namespaces=\"\(namespace)\" \(parts[0]) \(parts[1])\n"
            }
        }.joined()
    }

    /// One `ssh-keygen -Y verify` in `folder`, whose allowed_signers file is written.
    private func check(_ message: [UInt8], armor: String, signer: String, namespace: String, time: Timestamp, in folder: PrivateFolder) throws -> SignatureVerdict {
        try folder.write("signature", Array(Self.normalizedArmor(armor).utf8))
        let output = try ProcessRunner.run(
            executable,
            ["-Y", "verify", "-f", folder.path("allowed_signers"), "-I", signer, "-n", namespace, "-s", folder.path("signature"), "-Overify-time=\(Self.verifyTime(time))"],
            input: message, in: folder)
        if output.status == 0, output.standardOutput.hasPrefix("Good") { return .good }
        let reason = output.standardError.split(separator: "\n").first { !$0.isEmpty && !$0.hasPrefix("Could not verify") }
        return .bad(reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "signature does not verify")
    }

    /// The armor as ssh-keygen wrote it: no indentation, LF line ends, one final newline.
    package static func normalizedArmor(_ armor: String) -> String {
        armor.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
    }

    /// `YYYYMMDDHHMMSSZ`, the form `-Overify-time` takes for a UTC time.
    static func verifyTime(_ t: Timestamp) -> String {
        t.description.filter { $0.isNumber } + "Z"
    }
}

/// ssh-keygen failed to sign; the message includes what it said.
package struct SigningError: Error, Sendable {
    package var message: String

    package init(message: String) {
        self.message = message
    }
}
