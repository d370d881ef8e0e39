import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// `state/grants.json`: the grants the last successful run applied, the time of that run,
/// and the audit line it ended on. Written only by `reconcile`, always atomically.
package struct StateFile: Sendable, Equatable {
    package static let relativePath = "state/grants.json"

    package var lastRun: Timestamp
    /// `seq` and `hash` of the last audit line this state includes (0 and the genesis hash before any).
    package var auditSeq: Int
    package var auditHash: String
    /// Sorted by key.
    package var grants: [GrantRecord]

    package init(lastRun: Timestamp, auditSeq: Int, auditHash: String, grants: [GrantRecord]) {
        self.lastRun = lastRun
        self.auditSeq = auditSeq
        self.auditHash = auditHash
        self.grants = grants.sorted { $0.key < $1.key }
    }

    /// Pretty JSON with a fixed member order, so each change is one readable diff in git.
    package var text: String {
        CanonicalJSON.pretty(
            .object([
                ("apiVersion", .string("accessctl/v1")), ("kind", .string("GrantState")), ("lastRun", .string(lastRun.description)),
                ("auditHead", .object([("seq", .number(Double(auditSeq))), ("hash", .string(auditHash))])),
                ("grants", .array(grants.map(\.json))),
            ]), sortKeys: false)
    }

    /// Decodes the file's bytes; `display` names it in errors.
    package static func decode(_ bytes: [UInt8], display: String) throws(Diagnostic) -> StateFile {
        let node = try JSONParser.parse(bytes: bytes, file: display)
        func fail(_ message: String, _ at: Node? = nil) -> Diagnostic {
            Diagnostic(file: display, location: at?.location ?? node.location, message: message)
        }
        let json = node.json
        guard json["kind"]?.stringValue == "GrantState", json["apiVersion"]?.stringValue == "accessctl/v1" else {
            throw fail("not an accessctl state file (kind GrantState, apiVersion accessctl/v1)")
        }
        guard let lastText = json["lastRun"]?.stringValue, let lastRun = Timestamp(rfc3339: lastText) else {
            throw fail("'lastRun' must be an RFC 3339 time", node["lastRun"])
        }
        guard case .number(let seq)? = json["auditHead"]?["seq"], seq >= 0, seq == seq.rounded(), let hash = json["auditHead"]?["hash"]?.stringValue else {
            throw fail("'auditHead' must have a whole number 'seq' and a 'hash'", node["auditHead"])
        }
        guard case .array(let items)? = json["grants"], let list = node["grants"], case .sequence(let nodes) = list.value else {
            throw fail("'grants' must be a list", node["grants"])
        }
        var grants: [GrantRecord] = []
        for (item, itemNode) in zip(items, nodes) {
            guard let record = GrantRecord(json: item) else { throw fail("a grant with missing or mistyped fields", itemNode) }
            grants.append(record)
        }
        return StateFile(lastRun: lastRun, auditSeq: Int(seq), auditHash: hash, grants: grants)
    }
}
