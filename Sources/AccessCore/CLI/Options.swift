import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// Every option of every command, each declared once with its help and the type of its
/// value. A command lists the ones it takes in its `spec` and reads them typed.
enum Options {
    static let root = Option<String>("--root", "DIR", "the access tree (default: $ACCESSCTL_ROOT, else ./access)")
    static let now = Option<Timestamp>.time("--now", "evaluate at this RFC 3339 time instead of the clock (tests, replays)")
    static let askAt = Option<Timestamp>.time("--at", "ask about this RFC 3339 time (default: now)")
    static let templates = Option<String>("--templates", "DIR", "a folder whose files replace the built-in report templates and the tree's templates/ (default: $ACCESSCTL_TEMPLATES)")
    static let textOrJSON = Option<String>("--format", "FORMAT", "text (default) or json", choices: ["text", "json"])

    // validate, parse
    static let validateFormat = Option<String>("--format", "FORMAT", "text (default), or github for pull request annotations", choices: ["text", "github"])
    static let canonical = Option<Bool>.flag("--canonical", "print exactly the RFC 8785 canonical JSON bytes (the form that is hashed and signed), without a final newline")

    // plan, reconcile
    static let planFormat = Option<String>("--format", "FORMAT", "text (default), markdown for a pull request comment, or json", choices: ["text", "markdown", "json"])
    static let trustRoot = Option<String>("--trust-root", "DIGEST", "the configuration digest trusted first (default: $ACCESSCTL_TRUST_ROOT; else the first configuration seen is pinned)")
    static let requireTrusted = Option<Bool>.flag("--require-trusted-configuration", "exit 1 while a configuration change waits for administrator signatures")
    static let trustedBase = Option<String>("--trusted", "BASE", "check against the configuration of BASE, the base branch's tree (a pull request check)")
    static let copyTemplates = Option<Bool>.flag("--templates", "also write a copy of the built-in report templates to DIR/templates/ to restyle (into an existing tree too)")
    static let inboxAs = Option<String>("--as", "ID", "the principal whose inbox to show (required)")
    static let awaiting = Option<String>("--awaiting", "ID", "only the pending requests waiting for ID's decision, oldest first (as 'inbox')")
    static let sendmail = Option<String>("--sendmail", "CMD", "the sendmail-compatible command for email, starting with an absolute path (default: the settings' notifications.email.sendmail)")
    static let dryRun = Option<Bool>.flag("--dry-run", "print what would be sent to whom; send and record nothing")
    static let verbose = Option<Bool>.flag("--verbose", "also print which ssh-keygen verifies signatures")
    static let anchor = Option<String>("--anchor", "FILE", "the previous run's anchor, kept outside the repository (default: $ACCESSCTL_ANCHOR); the log must extend it")
    static let detailedExitcode = Option<Bool>.flag("--detailed-exitcode", "exit 2 when there are changes (0 when there are none)")
    static let replayInto = Option<String>("--replay-into", "DIR", "a simulation: read and write state/ and audit/ in DIR (first copied from the tree), never the tree's; allows --now ahead of the clock")
    static let hook = Option<String>("--hook", "CMD", "run CMD (through /bin/sh) for each change, with the change as JSON on stdin")
    static let lockTimeout = Option<Double>(CommandSpec.Option(name: "--lock-timeout", value: "SECONDS", help: "wait this long for another run's lock (default 120)")) { text in
        guard let seconds = Double(text), seconds >= 0, seconds.isFinite else { return .failure(OptionValueError(message: "--lock-timeout needs a number of seconds; got '\(text)'")) }
        return .success(seconds)
    }
    static let reportInto = Option<String>("--report", "DIR", "render the HTML report into DIR after applying (see 'accessctl report')")

    // report
    static let reportOut = Option<String>("--out", "DIR", "the folder to write (required); replaced whole on each run")
    static let fullReport = Option<Bool>.flag("--full", "render and write every page; by default a page whose data did not change is kept from the earlier report in the folder")
    static let forTeam = Option<String>("--for", "TEAM", "only what concerns the resources TEAM and its child teams own (one customer's report)")

    // audit show
    static let request = Option<String>("--request", "NAME", "only events about this request")
    static let principal = Option<String>("--principal", "ID", "only events whose principal or actor is ID")
    static let since = Option<Timestamp>.time("--since", "only events at or after this RFC 3339 time")

    // request new, request extend
    static let requester = Option<String>("--requester", "ID", "who asks (required)")
    static let requestResource = Option<String>("--resource", "TYPE:NAME", "a resource (required; repeat for more)", repeatable: true)
    static let requestRole = Option<String>("--role", "ID", "the role asked for")
    static let requestAction = Option<String>("--action", "A", "an action asked for (repeat for more)", repeatable: true)
    static let requestReason = Option<String>("--reason", "TEXT", "why, with a ticket if there is one (required)")
    static let requestDuration = Option<String>("--duration", "D", "how long once approved, e.g. 4h, or a preset of the settings (durationPresets)")
    static let requestFrom = Option<String>("--from", "TIME", "start of a fixed window (with --to)")
    static let requestTo = Option<String>("--to", "TIME", "end of a fixed window (with --from)")
    static let requestName = Option<String>("--name", "NAME", "the request's id (default: RESOURCE-REQUESTER-DATE)")
    static let requestedAt = Option<Timestamp>.time("--at", "requestedAt (default: now); for tests and replays")
    static let extendDuration = Option<String>("--duration", "D", "how long, or a preset of the settings (default: as the renewed request)")
    static let extendName = Option<String>("--name", "NAME", "the new request's id (default: NAME-renewal)")
    static let extendAt = Option<Timestamp>.time("--at", "requestedAt (default: now)")

    // approve, deny, revoke, relinquish, payload, attach
    static let by = Option<String>("--as", "ID", "the principal who decides (required)")
    static let decisionAt = Option<Timestamp>.time("--at", "the decision's time (default: now); for tests and replays")
    static let approveDuration = Option<String>("--duration", "D", "approve: grant this long from when the threshold is reached, e.g. 2h, or a preset of the settings")
    static let approveFrom = Option<Timestamp>.time("--from", "approve: start of the grant")
    static let approveTo = Option<Timestamp>.time("--to", "approve: end of the grant")
    static let approveResource = Option<ResourceRef>(CommandSpec.Option(name: "--resource", value: "TYPE:NAME", help: "approve: grant only these of the requested resources", repeatable: true)) { text in
        ResourceRef(text).map { .success($0) } ?? .failure(OptionValueError(message: "invalid --resource '\(text)': write TYPE:NAME"))
    }
    static let approveRole = Option<String>("--role", "ID", "approve: the role granted (default: the requested one)")
    static let approveAction = Option<String>("--action", "A", "approve: grant only these of the requested actions", repeatable: true)
    static let decisionReason = Option<String>("--reason", "TEXT", "why: required for revoke and for a break-glass approve; optional for deny, review and access-review")
    static let key = Option<String>("--key", "PATH", "the SSH key to sign with (a public key works if ssh-agent holds its private half)")
    static let decision = Option<Decision.Kind>(
        CommandSpec.Option(name: "--decision", value: "D", help: "approve, deny, revoke, relinquish or review (required)", choices: Decision.Kind.allCases.map(\.rawValue))
    ) { text in
        // The parser has already checked the choice.
        Decision.Kind(rawValue: text).map { .success($0) } ?? .failure(OptionValueError(message: "missing option --decision"))
    }
    static let signature = Option<String>("--signature", "SIGFILE", "the ssh-keygen signature file (required)")

    // bench
    static let benchOut = Option<String>("--out", "DIR", "the new tree's folder (required; must be empty or absent)")
    static let benchRequests = count("--requests", "N", "how many requests (required)")
    static let benchPrincipals = count("--principals", "P", "how many principals (default: requests/10, at least 40); teams are P/10")
    static let benchResources = count("--resources", "R", "how many resources (default: requests/5, at least 20)")
    static let benchLive = count("--live", "L", "requests with live, really signed approvals (default: requests/100, at most 100)")
    static let benchSeed = count("--seed", "S", "the random seed (default 1); the same seed gives the same tree")
    static let benchNow = Option<Timestamp>.time("--now", "the time the tree is made for (default 2026-11-23T00:00:00Z)")
    static let jobs = count("--jobs", "N", "ssh-keygen processes at once (default: one per core)")
    static let benchAt = Option<Timestamp>.time("--at", "ask about this RFC 3339 time (default: --now)")
    static let repeats = Option<Int>(CommandSpec.Option(name: "--repeat", value: "N", help: "answer each question N times and keep the median (default 5)")) { text in
        guard let n = Int(text), n > 0 else { return .failure(OptionValueError(message: "--repeat needs a whole number above 0")) }
        return .success(n)
    }

    /// A whole number of things, zero or more.
    private static func count(_ name: String, _ placeholder: String, _ help: String) -> Option<Int> {
        Option<Int>(CommandSpec.Option(name: name, value: placeholder, help: help)) { text in
            guard let n = Int(text), n >= 0 else { return .failure(OptionValueError(message: "\(name) needs a whole number; got '\(text)'")) }
            return .success(n)
        }
    }
}
