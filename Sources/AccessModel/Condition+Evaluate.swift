import Foundation
import AccessFormats

/// What a condition is evaluated against: one principal, one resource, the request a grant
/// came from (none for standing access), and the time.
package struct ConditionContext: Sendable {
    package struct RequestFacts: Sendable {
        package var name: String
        package var reason: String
        /// Seconds asked or granted; nil for permanent.
        package var duration: Int64?

        package init(name: String, reason: String, duration: Int64?) {
            self.name = name
            self.reason = reason
            self.duration = duration
        }
    }

    package var principal: Principal
    /// Every team of the principal, parents included.
    package var teams: [String]
    /// Every role the principal holds outright or through teams.
    package var roles: [String]
    package var resource: ResourceRef
    package var owner: String
    /// The resource's attributes, then its ancestors' for keys it does not set.
    package var attributes: [String: String]
    package var request: RequestFacts?
    /// Nil where time may not be used (policies).
    package var time: Timestamp?

    package init(
        principal: Principal, teams: [String], roles: [String], resource: ResourceRef, owner: String, attributes: [String: String],
        request: RequestFacts?, time: Timestamp?
    ) {
        self.principal = principal
        self.teams = teams
        self.roles = roles
        self.resource = resource
        self.owner = owner
        self.attributes = attributes
        self.request = request
        self.time = time
    }
}

/// The verdict on a condition, with the values it read, for `check` to explain.
package struct ConditionResult: Sendable, Equatable {
    package var holds: Bool
    /// `name = value` for each value read, in order of first use.
    package var values: [String]
    /// Why it could not be worked out (an attribute not set, no request), if so: it then fails.
    package var missing: String?
    /// It failed only because it read the request, and there is none (standing access, or
    /// a request not written yet).
    package var needsRequest = false

    package init(holds: Bool, values: [String], missing: String?, needsRequest: Bool = false) {
        self.holds = holds
        self.values = values
        self.missing = missing
        self.needsRequest = needsRequest
    }

    /// `when EXPR held (a = "x")`, `did not hold`, or `could not be checked: why`.
    package func explanation(_ condition: Condition) -> String {
        let expression = condition.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        var text = "when \(expression) "
        if let missing { text += "could not be checked: \(missing)" } else { text += holds ? "held" : "did not hold" }
        if !values.isEmpty { text += " (" + values.joined(separator: ", ") + ")" }
        return text
    }
}

/// Known IANA time zones (the checker refuses others).
package enum TimeZones {
    package static func isKnown(_ name: String) -> Bool { TimeZone(identifier: name) != nil && name.contains("/") || name == "UTC" }
}

extension Condition {
    private enum Value {
        case string(String), bool(Bool), duration(Int64?), list([String])
    }

    private struct Missing: Error {
        var why: String
        var needsRequest = false
    }

    /// Evaluates the condition. An attribute that is not set, or a request field of standing
    /// access, makes it fail: a condition never allows by default.
    package func evaluate(_ context: ConditionContext) -> ConditionResult {
        var values: [String] = []
        func note(_ name: String, _ value: Value) {
            let entry = "\(name) = \(Self.show(value))"
            if !values.contains(entry) { values.append(entry) }
        }
        func eval(_ node: ConditionNode) throws(Missing) -> Value {
            switch node.kind {
            case .string(let s): return .string(s)
            case .bool(let b): return .bool(b)
            case .duration(let d): return .duration(d.seconds)
            case .list(let items):
                var out: [String] = []
                for item in items { if case .string(let s) = try eval(item) { out.append(s) } }
                return .list(out)
            case .path(let parts):
                let value = try lookup(parts, context)
                note(parts.joined(separator: "."), value)
                return value
            case .call(let name, let arguments):
                switch name {
                case "has":
                    guard case .path(let parts) = arguments[0].kind else { return .bool(false) }
                    let present = (try? lookup(parts, context)) != nil
                    note("has(\(parts.joined(separator: ".")))", .bool(present))
                    return .bool(present)
                default:
                    guard case .string(let zoneName) = try eval(arguments[0]) else { return .bool(false) }
                    guard let time = context.time else { throw Missing(why: "\(name)(...) needs a time") }
                    guard let zone = TimeZone(identifier: zoneName) else { throw Missing(why: "'\(zoneName)' is not a known time zone") }
                    var calendar = Calendar(identifier: .gregorian)
                    calendar.timeZone = zone
                    let parts = calendar.dateComponents([.hour, .minute, .weekday], from: Date(timeIntervalSince1970: TimeInterval(time.seconds)))
                    let value: Value = name == "weekday"
                        ? .string(ConditionScope.weekdays[((parts.weekday ?? 1) + 5) % 7])
                        : .string(String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0))
                    note("\(name)(\"\(zoneName)\")", value)
                    return value
                }
            case .method(let target, let name, let arguments):
                guard case .string(let text) = try eval(target), case .string(let affix) = try eval(arguments[0]) else { return .bool(false) }
                return .bool(name == "startsWith" ? text.hasPrefix(affix) : text.hasSuffix(affix))
            case .not(let inner):
                guard case .bool(let b) = try eval(inner) else { return .bool(false) }
                return .bool(!b)
            case .and(let a, let b):
                guard case .bool(true) = try eval(a) else { return .bool(false) }
                guard case .bool(let right) = try eval(b) else { return .bool(false) }
                return .bool(right)
            case .or(let a, let b):
                if case .bool(true) = try eval(a) { return .bool(true) }
                guard case .bool(let right) = try eval(b) else { return .bool(false) }
                return .bool(right)
            case .compare(let op, let a, let b):
                return .bool(Self.compare(op, try eval(a), try eval(b)))
            case .isIn(let a, let b):
                guard case .string(let item) = try eval(a), case .list(let list) = try eval(b) else { return .bool(false) }
                return .bool(list.contains(item))
            }
        }
        do {
            guard case .bool(let holds) = try eval(root) else { return ConditionResult(holds: false, values: values, missing: "not true or false") }
            return ConditionResult(holds: holds, values: values, missing: nil)
        } catch {
            return ConditionResult(holds: false, values: values, missing: error.why, needsRequest: error.needsRequest)
        }
    }

    private func lookup(_ parts: [String], _ c: ConditionContext) throws(Missing) -> Value {
        let name = parts.joined(separator: ".")
        if parts.count == 3, parts[1] == "attributes" {
            let found = parts[0] == "principal" ? c.principal.attributes.first { $0.key == parts[2] }?.value : c.attributes[parts[2]]
            guard let found else { throw Missing(why: "\(name) is not set") }
            return .string(found)
        }
        switch name {
        case "principal.id": return .string(c.principal.id)
        case "principal.kind": return .string(c.principal.kind.rawValue)
        case "principal.external": return .bool(c.principal.external)
        case "principal.teams": return .list(c.teams)
        case "principal.roles": return .list(c.roles)
        case "resource.id": return .string(c.resource.description)
        case "resource.type": return .string(c.resource.type)
        case "resource.name": return .string(c.resource.name)
        case "resource.owner": return .string(c.owner)
        default: break
        }
        guard let request = c.request else { throw Missing(why: "\(name): this access does not come from a request", needsRequest: true) }
        switch name {
        case "request.name": return .string(request.name)
        case "request.reason": return .string(request.reason)
        case "request.duration": return .duration(request.duration)
        default: throw Missing(why: "\(name) is not known")
        }
    }

    private static func compare(_ op: ConditionOperator, _ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            // Ordered by code points, so "09:00" < "17:30" as times of day.
            let less = x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            let greater = y.unicodeScalars.lexicographicallyPrecedes(x.unicodeScalars)
            return order(op, less: less, equal: !less && !greater)
        case (.bool(let x), .bool(let y)):
            return op == .equal ? x == y : op == .notEqual ? x != y : false
        case (.duration(let x), .duration(let y)):
            // Permanent (nil) is longer than any length.
            let less = x.map { xs in y.map { xs < $0 } ?? true } ?? false
            return order(op, less: less, equal: x == y)
        default:
            return false
        }
    }

    private static func order(_ op: ConditionOperator, less: Bool, equal: Bool) -> Bool {
        switch op {
        case .equal: equal
        case .notEqual: !equal
        case .less: less
        case .lessOrEqual: less || equal
        case .greater: !less && !equal
        case .greaterOrEqual: !less
        }
    }

    private static func show(_ value: Value) -> String {
        switch value {
        case .string(let s): "\"\(s)\""
        case .bool(let b): b ? "true" : "false"
        case .duration(let d): d.map { AccessDuration.format(seconds: $0) } ?? "permanent"
        case .list(let items): "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}
