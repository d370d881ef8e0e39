import AccessFormats
import AccessModel

/// Appends a decision to a request file, changing nothing the author wrote above `status:`.
package enum StatusWriter {
    /// The decision as YAML list item lines, indented under `status.decisions`.
    package static func yaml(_ decision: Decision) -> String {
        var out = "    - decision: \(decision.kind.value.rawValue)\n      by: \(decision.by.value)\n      at: \(decision.at.value)\n"
        if let terms = decision.terms {
            out += "      terms:\n"
            if let duration = terms.duration {
                out += "        duration: \(duration.text)\n"
            } else {
                out += "        validFrom: \(terms.validFrom)\n"
                if let to = terms.validTo { out += "        validTo: \(to)\n" }
            }
            out += "        resources: [\(terms.resources.map(\.description).joined(separator: ", "))]\n"
            if let role = terms.role { out += "        role: \(role)\n" }
            if !terms.actions.isEmpty { out += "        actions: [\(terms.actions.joined(separator: ", "))]\n" }
        }
        if let reason = decision.reason { out += "      reason: \(CanonicalJSON.quoted(reason))\n" }
        out += "      specDigest: \(decision.specDigest.value)\n      signature: |\n"
        for line in SSHKeygen.normalizedArmor(decision.signature.value).split(separator: "\n") {
            out += "        \(line)\n"
        }
        return out
    }

    /// The file's new text with `decision` appended. `status:` must be the last top-level key.
    package static func appending(_ decision: Decision, to text: String, file: String) throws(Diagnostic) -> String {
        var body = text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        let topLevel = lines.enumerated().filter { _, line in
            guard let first = line.first else { return false }
            return first != " " && first != "#" && first != "\t"
        }
        if let status = topLevel.first(where: { $0.element.hasPrefix("status:") }) {
            if let after = topLevel.first(where: { $0.offset > status.offset }) {
                throw Diagnostic(
                    file: file, location: SourceLocation(line: after.offset + 1, column: 1),
                    message: "cannot add a decision: 'status:' must be the last block of the file", sourceLine: String(after.element))
            }
            if !lines.contains(where: { $0.hasPrefix("  decisions:") }) {
                body += "  decisions:\n"
            }
        } else {
            body += "status:\n  decisions:\n"
        }
        return body + yaml(decision)
    }
}
