import AccessFormats
import AccessModel
import AccessPolicy

/// The plan as people read it: plain text for terminals and CI logs, Markdown for a pull
/// request comment.
package enum PlanText {
    /// terraform-like text: one block per change, then the summary line.
    package static func text(_ plan: Plan) -> String {
        var out = "Plan at \(plan.now)" + (plan.lastRun.map { " (last run \($0))" } ?? " (first run)") + ":\n"
        for change in plan.changes {
            let grant = change.grant
            out += "\n\(change.action.symbol) \(change.key)" + (change.cause.map { " (\($0.rawValue))" } ?? "") + "\n"
            var fields: [(String, String)] = [("principal", grant.principal), ("grants", grant.permissions), ("resources", grant.resources.joined(separator: ", ")), ("window", grant.window), ("source", grant.sourceDescription)]
            if !grant.except.isEmpty { fields.append(("except", grant.except.joined(separator: "; "))) }
            if let reason = change.reason { fields.append((change.action == .change ? "changes" : "why", reason)) }
            if change.drift { fields.append(("drift", "the state file disagreed with the audit log here; corrected and logged")) }
            for (name, value) in fields { out += "    \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(oneLine(value))\n" }
        }
        if !plan.notices.isEmpty {
            out += "\nNotes:\n" + plan.notices.map { "  ! \(oneLine($0))\n" }.joined()
        }
        if !plan.notifications.isEmpty {
            out += "\nNotifications to queue:\n"
            for n in plan.notifications.prefix(shownNotifications) {
                out += "  \(n.kind) \(n.request ?? "") to \(n.recipient) (\(n.channels.map(\.rawValue).joined(separator: ", ")))\n"
            }
            if plan.notifications.count > shownNotifications { out += "  ... and \(plan.notifications.count - shownNotifications) more\n" }
        }
        return out + "\n\(plan.summary)\n"
    }

    /// How many notifications the text plan lists before it counts the rest.
    static let shownNotifications = 20

    /// A Markdown table for a pull request comment; every cell is escaped.
    package static func markdown(_ plan: Plan, errors: Int) -> String {
        var out = "### accessctl plan\n\nAt `\(plan.now)`: **\(plan.summary)**\n"
        if errors > 0 {
            out += "\n> **\(errors) error\(errors == 1 ? "" : "s") in the access tree**: the affected manifests grant nothing. See the validate output.\n"
        }
        if !plan.changes.isEmpty {
            out += "\n| | grant | principal | permissions | resources | window | source | why |\n|---|---|---|---|---|---|---|---|\n"
            for change in plan.changes {
                let g = change.grant
                let why = [change.cause?.rawValue, change.reason, change.drift ? "state file drift" : nil].compactMap { $0 }.joined(separator: ": ")
                let cells = [g.key, g.principal, g.permissions, g.resources.joined(separator: ", "), g.window, g.sourceDescription, why]
                out += "| `\(change.action.symbol)` \(change.action.rawValue) | " + cells.map(cell).joined(separator: " | ") + " |\n"
            }
        }
        if !plan.notices.isEmpty {
            out += "\n" + plan.notices.map { "- " + cell($0) + "\n" }.joined()
        }
        return out
    }

    /// Text safe inside a Markdown table cell: no HTML, no table breaks, no line breaks.
    static func cell(_ text: String) -> String {
        var out = ""
        for c in oneLine(text) {
            switch c {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "`", "*", "_", "[", "]", "\\": out += "\\\(c)"
            default: out.append(c)
            }
        }
        return out
    }

    /// Line breaks (from a reason, say) become spaces, so each field stays on its line.
    package static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
