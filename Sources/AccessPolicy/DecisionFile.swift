import Foundation
import AccessFormats
import AccessModel

/// Writes a decision into a request file: YAML keeps every byte above `status:`,
/// JSON is rewritten pretty-printed with sorted keys (DESIGN.md section 3).
package enum DecisionFile {
    /// The decision as JSON, in the same fields as the YAML form.
    package static func json(_ decision: Decision) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("decision", .string(decision.kind.value.rawValue)), ("by", .string(decision.by.value)), ("at", .string(decision.at.value.description)),
        ]
        if let terms = decision.terms { members.append(("terms", DecisionPayload.termsJSON(terms))) }
        if let reason = decision.reason { members.append(("reason", .string(reason))) }
        members.append(("specDigest", .string(decision.specDigest.value)))
        members.append(("signature", .string(SSHKeygen.normalizedArmor(decision.signature.value))))
        return .object(members)
    }

    /// The new content of the request file at `path` with `decision` appended.
    package static func appending(_ decision: Decision, toFileAt path: String, display: String) throws(Diagnostic) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(file: display, message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard path.hasSuffix(".json") else { return try StatusWriter.appending(decision, to: text, file: display) }
        let node = try JSONParser.parse(bytes: [UInt8](data), file: display)
        guard case .object(var members) = node.json else { throw Diagnostic(file: display, message: "a manifest must be a JSON object") }
        var status: [(String, JSONValue)] = []
        if let index = members.firstIndex(where: { $0.0 == "status" }) {
            if case .object(let existing) = members[index].1 { status = existing }
            members.remove(at: index)
        }
        var decisions: [JSONValue] = []
        if let index = status.firstIndex(where: { $0.0 == "decisions" }) {
            if case .array(let existing) = status[index].1 { decisions = existing }
            status.remove(at: index)
        }
        status.append(("decisions", .array(decisions + [json(decision)])))
        members.append(("status", .object(status)))
        return CanonicalJSON.pretty(.object(members), sortKeys: true)
    }
}
