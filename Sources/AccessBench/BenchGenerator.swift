import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// Writes a synthetic, valid access tree at scale for benchmarks: principals in teams, a
/// resource hierarchy per customer, a policy, and requests in realistic states. The same
/// options and seed give the same tree, except the live signatures (ssh-keygen's keys are
/// random), which are real.
package struct BenchGenerator: Sendable {
    package var requests: Int
    package var principals: Int
    package var resources: Int
    package var live: Int
    package var seed: UInt64
    /// The time the tree is made for: live approvals contain it, closed ones ended before it.
    package var now: Timestamp

    package static let defaultNow = Timestamp(rfc3339: "2026-11-23T00:00:00Z")!

    package init(requests: Int, principals: Int? = nil, resources: Int? = nil, live: Int? = nil, seed: UInt64 = 1, now: Timestamp = defaultNow) {
        self.requests = requests
        self.principals = principals ?? max(40, requests / 10)
        self.resources = resources ?? max(20, requests / 5)
        self.live = min(live ?? min(100, requests / 100), requests)
        self.seed = seed
        self.now = now
    }

    /// The signature history decisions carry: a real SSHSIG armor, but over other bytes, so it
    /// never verifies. Fixed, so a seed gives the same tree.
    static let placeholderSignature = """
        -----BEGIN SSH SIGNATURE-----
        U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgJxC1Tu5+yD1pFucIkLhsAQ7CSy
        am874wven8FSW1ufEAAAAJYWNjZXNzY3RsAAAAAAAAAAZzaGE1MTIAAABTAAAAC3NzaC1l
        ZDI1NTE5AAAAQLw5OqNNCh410ZdLZS+njsxU2MDHF/rOBwDWg0Dd79SEx+Rbk73Y8EeTiU
        JGnJkO40Vj0D03DMGJqpF/mSvXrQk=
        -----END SSH SIGNATURE-----

        """

    /// What was written.
    package struct Summary: Sendable {
        package var files: Int
        package var principals: Int
        package var teams: Int
        package var resources: Int
        package var requests: Int
        package var liveSigned: Int
    }

    /// A seed always gives the same tree.
    typealias Random = SeededRandom

    /// Writes the tree into `out`, which must not exist or be empty. Private keys go to
    /// `out/.bench-keys/` (a dot folder, never read as manifests).
    package func write(to out: String, keygen: SSHKeygen) throws -> Summary {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: out), !existing.isEmpty {
            throw SigningError(message: "\(out) is not empty; bench generate writes a new tree")
        }
        var rng = Random(state: seed)
        let teamCount = max(4, principals / 10)
        let customers = max(1, teamCount / 2)
        let supportGroups = max(1, teamCount - 2 - customers)
        let agents = max(1, principals - 2 - 2 * customers)
        var files = 0
        func put(_ path: String, _ text: String) throws {
            let full = TreeLoader.join(out, path)
            try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard fm.createFile(atPath: full, contents: Data(text.utf8)) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: full]) }
            files += 1
        }
        func header(_ kind: String, _ name: String) -> String { "apiVersion: accessctl/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n" }

        // Keys: a small pool of real ed25519 keys shared by the customers' administrators.
        let keyFolder = TreeLoader.join(out, ".bench-keys")
        try fm.createDirectory(atPath: keyFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var keys: [(path: String, line: String)] = []
        for i in 0..<8 {
            let path = TreeLoader.join(keyFolder, "key-\(i)")
            let folder = try PrivateFolder()
            defer { folder.remove() }
            let made = try ProcessRunner.run(keygen.executable, ["-q", "-t", "ed25519", "-N", "", "-C", "bench-\(i)", "-f", path], in: folder)
            guard made.status == 0 else { throw SigningError(message: "ssh-keygen could not make a key: \(made.standardError)") }
            keys.append((path, try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        try put("accessctl.yaml", header("Settings", "bench") + """
              organization: bench
              displayName: Bench Org (generated for \(now), seed \(seed))
              resourceTypes:
                account:
                  actions: [read, admin]
                company:
                  actions: [read, admin]
                site:
                  actions: [read, console, restart]

            """)
        try put("roles/org-admin.yaml", header("Role", "org-admin") + "  administrator: true\n  rules:\n    - resources: [\"*\"]\n      actions: [\"*\"]\n")
        try put("roles/customer-admin.yaml", header("Role", "customer-admin") + "  rules:\n    - resources: [\"account:*\", \"company:*\", \"site:*\"]\n      actions: [\"*\"]\n")
        try put("roles/support-readonly.yaml", header("Role", "support-readonly") + "  rules:\n    - resources: [\"site:*\"]\n      actions: [read]\n")
        try put("roles/support-operator.yaml", header("Role", "support-operator") + "  rules:\n    - resources: [\"site:*\"]\n      actions: [read, console, restart]\n")
        try put("policies/support-sites.yaml", header("Policy", "support-sites") + """
              requesters:
                teams: [support]
              resources: ["site:*"]
              roles: [support-readonly, support-operator]
              maxDuration: 3d
              requestTTL: 7d
              approvers:
                owner: true

            """)
        try put("teams/staff.yaml", header("Team", "staff") + "  displayName: Staff\n")
        try put("teams/support.yaml", header("Team", "support") + "  parent: staff\n")
        for g in 0..<supportGroups { try put("teams/support/support-g\(g).yaml", header("Team", "support-g\(g)") + "  parent: support\n") }
        for i in 1...2 {
            try put("principals/admin-\(i).yaml", header("Principal", "admin-\(i)") + "  displayName: Admin \(i)\n  email: admin-\(i)@bench.example\n  roles: [org-admin]\n  teams: [staff]\n")
        }
        // Customers: an owner team, two administrators, a binding, and account > company > sites.
        var sites: [(name: String, customer: Int)] = []
        let perCustomer = max(3, resources / customers)
        for c in 0..<customers {
            try put("teams/customers/c\(c)-admins.yaml", header("Team", "c\(c)-admins") + "  displayName: Customer \(c) administrators\n")
            for j in 1...2 {
                try put("principals/customers/c\(c)-admin-\(j).yaml", header("Principal", "c\(c)-admin-\(j)") + """
                      displayName: Customer \(c) Admin \(j)
                      email: admin-\(j)@c\(c).example
                      teams: [c\(c)-admins]
                      sshKeys:
                        - \(keys[(c * 2 + j) % keys.count].line)

                    """)
            }
            try put("bindings/c\(c)-admins-own-account.yaml", header("Binding", "c\(c)-admins-own-account") + "  subjects:\n    teams: [c\(c)-admins]\n  role: customer-admin\n  resources: [account:c\(c)]\n")
            try put("resources/c\(c)/c\(c).yaml", header("Resource", "c\(c)") + "  type: account\n  owner: c\(c)-admins\n")
            try put("resources/c\(c)/c\(c)-hq.yaml", header("Resource", "c\(c)-hq") + "  type: company\n  owner: c\(c)-admins\n  parent: account:c\(c)\n")
            for s in 0..<(perCustomer - 2) {
                let name = "c\(c)-s\(s)"
                try put("resources/c\(c)/sites/\(name).yaml", header("Resource", name) + "  type: site\n  owner: c\(c)-admins\n  parent: company:c\(c)-hq\n")
                sites.append((name, c))
            }
        }
        for a in 0..<agents {
            try put("principals/agents/agent-\(a).yaml", header("Principal", "agent-\(a)") + "  displayName: Agent \(a)\n  teams: [support-g\(a % supportGroups)]\n")
        }

        // Requests: the first `live` are active now; the rest are history in realistic shares.
        let placeholder = Self.placeholderSignature
        var pendingSignatures: [(path: String, text: String, decision: Decision, request: AccessRequest, key: String)] = []
        let day: Int64 = 86_400
        for i in 0..<requests {
            let id = String(format: "r%06d", i)
            let agent = "agent-\(rng.below(agents))"
            let site = sites[rng.below(sites.count)]
            let role = rng.below(4) == 0 ? "support-operator" : "support-readonly"
            let hours = [1, 2, 4, 8, 24, 72][rng.below(6)]
            let roll = i < live ? -1 : rng.below(100)
            let requestedAt: Timestamp
            switch roll {
            case -1: requestedAt = now.adding(-Int64(rng.below(hours * 3600 - 1200)) - 1200)
            case 96...97: requestedAt = now.adding(-Int64(rng.below(Int(5 * day))))
            default: requestedAt = now.adding(-30 * day - Int64(rng.below(Int(3 * 365 * day))))
            }
            let reason = "Ticket \(100_000 + i), customer \(site.customer) reports a problem on \(site.name)"
            let spec = RequestSpec(
                requester: Located(agent, at: .start), requestedAt: Located(requestedAt, at: .start), resources: [Located(ResourceRef("site:\(site.name)")!, at: .start)],
                role: Located(role, at: .start), actions: [], reason: Located(reason, at: .start), duration: Located(AccessDuration("\(hours)h")!, at: .start))
            let request = AccessRequest(header: ManifestHeader(file: id, kind: .accessRequest, name: Located(id, at: .start)), spec: spec, decisions: [], statusLocation: nil)
            var text = header("AccessRequest", id) + """
                  requester: \(agent)
                  requestedAt: \(requestedAt)
                  resources: [site:\(site.name)]
                  role: \(role)
                  reason: \(reason)
                  duration: \(hours)h

                """
            let year = requestedAt.description.prefix(4), month = requestedAt.description.dropFirst(5).prefix(2)
            let path = "requests/\(year)/\(month)/\(id).yaml"
            let owner = "c\(site.customer)-admin-1", other = "c\(site.customer)-admin-2"
            let at = requestedAt.adding(600)
            func decision(_ kind: Decision.Kind, by: String, at: Timestamp, terms: Terms? = nil, reason: String? = nil) -> Decision {
                Decision(
                    kind: Located(kind, at: .start), by: Located(by, at: .start), at: Located(at, at: .start), terms: terms, reason: reason,
                    specDigest: Located(spec.digest, at: .start), signature: Located(placeholder, at: .start), location: .start)
            }
            let terms = Terms(validFrom: at, validTo: at.adding(Int64(hours) * 3600), resources: [ResourceRef("site:\(site.name)")!], role: role, actions: [], location: .start)
            var decisions: [Decision] = []
            switch roll {
            case -1:
                pendingSignatures.append((path, text, decision(.approve, by: owner, at: at, terms: terms), request, keys[(site.customer * 2 + 1) % keys.count].path))
                continue
            case 0..<80: decisions = [decision(.approve, by: owner, at: at, terms: terms)]
            case 80..<88: decisions = [decision(.deny, by: owner, at: at, reason: "Not needed for this ticket")]
            case 88..<92: decisions = [decision(.approve, by: owner, at: at, terms: terms), decision(.revoke, by: other, at: at.adding(900), reason: "Ticket closed")]
            case 92..<96: decisions = [decision(.approve, by: owner, at: at, terms: terms), decision(.relinquish, by: agent, at: at.adding(1200))]
            default: break  // pending (recent) or stale (old), no decisions
            }
            for d in decisions { text = try StatusWriter.appending(d, to: text, file: path) }
            try put(path, text)
        }
        // Live approvals are signed for real, several ssh-keygen processes at once.
        let signedTexts = Parallel.map(pendingSignatures.map { ($0.decision, $0.request, $0.key, $0.text, $0.path) }, workers: ProcessInfo.processInfo.activeProcessorCount) {
            job -> Swift.Result<String, SigningError> in
            var (d, request, key, text, path) = job
            do {
                d.signature.value = try keygen.sign(DecisionPayload.bytes(organization: "bench", request: request, decision: d), keyPath: key, namespace: "accessctl")
                text = try StatusWriter.appending(d, to: text, file: path)
                return .success(text)
            } catch {
                return .failure(SigningError(message: "\(error)"))
            }
        }
        for (job, text) in zip(pendingSignatures, signedTexts) { try put(job.path, try text.get()) }
        return Summary(files: files, principals: 2 + 2 * customers + agents, teams: 2 + supportGroups + customers, resources: customers * perCustomer, requests: requests, liveSigned: pendingSignatures.count)
    }
}
