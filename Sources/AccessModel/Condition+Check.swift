import AccessFormats

/// The value types of the condition language.
package enum ConditionType: String, Sendable {
    case string, bool, duration, list = "list of strings"
}

/// What a condition may refer to: the attributes the settings declare, and whether it sits
/// on a role rule (evaluated at every check, so it may use the time) or on a policy
/// (evaluated once per request and resource, so it may not).
package struct ConditionScope: Sendable {
    package enum Place: Sendable { case rule, policy }

    package var place: Place
    package var principalAttributes: Set<String>
    package var resourceAttributes: Set<String>

    package init(place: Place, principalAttributes: Set<String>, resourceAttributes: Set<String>) {
        self.place = place
        self.principalAttributes = principalAttributes
        self.resourceAttributes = resourceAttributes
    }

    /// Fixed fields and their types (attributes are strings, checked separately).
    static let fields: [String: ConditionType] = [
        "principal.id": .string, "principal.kind": .string, "principal.external": .bool, "principal.teams": .list, "principal.roles": .list,
        "resource.id": .string, "resource.type": .string, "resource.name": .string, "resource.owner": .string,
        "request.name": .string, "request.reason": .string, "request.duration": .duration,
    ]

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
}

extension Condition {
    /// Type-checks the whole expression; it must be a boolean.
    package func check(in scope: ConditionScope) throws(ConditionError) {
        let type = try Self.type(of: root, scope)
        if type != .bool { throw ConditionError("a condition must be true or false, but this is a \(type.rawValue); compare it with something", at: root.offset) }
    }

    static func type(of node: ConditionNode, _ scope: ConditionScope) throws(ConditionError) -> ConditionType {
        switch node.kind {
        case .string: return .string
        case .bool: return .bool
        case .duration: return .duration
        case .list(let items):
            for item in items where try type(of: item, scope) != .string {
                throw ConditionError("a list holds strings only", at: item.offset)
            }
            return .list
        case .path(let parts): return try pathType(parts, node.offset, scope)
        case .call(let name, let arguments):
            switch name {
            case "has":
                guard arguments.count == 1, case .path(let parts) = arguments[0].kind else {
                    throw ConditionError("has(...) takes one attribute, like has(principal.attributes.region)", at: node.offset)
                }
                _ = try pathType(parts, arguments[0].offset, scope)
                guard parts.count == 3 && parts[1] == "attributes" || parts.first == "request" else {
                    throw ConditionError("has(...) asks about an attribute (principal.attributes.NAME, resource.attributes.NAME) or the request; \(parts.joined(separator: ".")) is always set", at: arguments[0].offset)
                }
                return .bool
            case "localTime", "weekday":
                if scope.place == .policy {
                    throw ConditionError("\(name)(...) is not allowed in a policy's condition: a policy is checked once per request, not at every use; put limits in time on the role's rule", at: node.offset)
                }
                guard arguments.count == 1, try type(of: arguments[0], scope) == .string else {
                    throw ConditionError("\(name)(...) takes one time zone, like \(name)(\"Europe/Berlin\") or \(name)(resource.attributes.timezone)", at: node.offset)
                }
                if case .string(let zone) = arguments[0].kind, !TimeZones.isKnown(zone) {
                    throw ConditionError("unknown time zone '\(zone)'; write an IANA name like Europe/Berlin or America/New_York", at: arguments[0].offset)
                }
                return .string
            default:
                throw ConditionError("unknown function '\(name)'; functions: has, localTime, weekday", at: node.offset)
            }
        case .method(let target, let name, let arguments):
            guard ["startsWith", "endsWith"].contains(name) else {
                throw ConditionError("unknown method '\(name)'; methods: startsWith, endsWith", at: node.offset)
            }
            guard try type(of: target, scope) == .string else { throw ConditionError("\(name) applies to a string", at: node.offset) }
            guard arguments.count == 1, try type(of: arguments[0], scope) == .string else {
                throw ConditionError("\(name)(...) takes one string, like \(name)(\"acme-\")", at: node.offset)
            }
            return .bool
        case .not(let inner):
            guard try type(of: inner, scope) == .bool else { throw ConditionError("'!' applies to true or false", at: node.offset) }
            return .bool
        case .and(let a, let b), .or(let a, let b):
            let word = if case .and = node.kind { "&&" } else { "||" }
            for side in [a, b] where try type(of: side, scope) != .bool {
                throw ConditionError("both sides of '\(word)' must be true or false; this side is a \(try type(of: side, scope).rawValue)", at: side.offset)
            }
            return .bool
        case .compare(let op, let a, let b):
            let left = try type(of: a, scope), right = try type(of: b, scope)
            guard left == right else {
                throw ConditionError("cannot compare a \(left.rawValue) with a \(right.rawValue)", at: node.offset)
            }
            if left == .list { throw ConditionError("lists cannot be compared; use 'in'", at: node.offset) }
            if left == .bool, op != .equal, op != .notEqual { throw ConditionError("true and false compare only with == and !=", at: node.offset) }
            try checkLiteral(a, against: b)
            try checkLiteral(b, against: a)
            if op != .equal, op != .notEqual, isWeekday(a) || isWeekday(b) {
                throw ConditionError("weekdays compare only with ==, != and 'in'", at: node.offset)
            }
            return .bool
        case .isIn(let a, let b):
            guard try type(of: a, scope) == .string else { throw ConditionError("the left side of 'in' must be a string", at: a.offset) }
            guard try type(of: b, scope) == .list else { throw ConditionError("the right side of 'in' must be a list, like [\"eu\", \"us\"]", at: b.offset) }
            if case .list(let items) = b.kind { for item in items { try checkLiteral(item, against: a) } }
            return .bool
        }
    }

    static func pathType(_ parts: [String], _ offset: Int, _ scope: ConditionScope) throws(ConditionError) -> ConditionType {
        let name = parts.joined(separator: ".")
        guard let root = parts.first, ["principal", "resource", "request"].contains(root) else {
            throw ConditionError("unknown name '\(name)'; a condition refers to principal, resource, request, or calls has, localTime, weekday", at: offset)
        }
        if parts.count == 3, parts[1] == "attributes", root != "request" {
            let declared = root == "principal" ? scope.principalAttributes : scope.resourceAttributes
            guard declared.contains(parts[2]) else {
                let hint = declared.isEmpty
                    ? "; declare it in accessctl.yaml under spec.attributes.\(root)"
                    : didYouMean(parts[2], in: Array(declared)) + " (declared: " + declared.sorted().joined(separator: ", ") + ")"
                throw ConditionError("\(root) attribute '\(parts[2])' is not declared\(hint)", at: offset)
            }
            return .string
        }
        if let type = ConditionScope.fields[name] { return type }
        let known = ConditionScope.fields.keys.filter { $0.hasPrefix(root + ".") }.sorted() + (root == "request" ? [] : ["\(root).attributes.NAME"])
        throw ConditionError("unknown field '\(name)'" + didYouMean(name, in: known) + "; \(root) has: " + known.joined(separator: ", "), at: offset)
    }

    /// A string literal compared with localTime or weekday must be a time of day or a day.
    static func checkLiteral(_ literal: ConditionNode, against other: ConditionNode) throws(ConditionError) {
        guard case .string(let text) = literal.kind, case .call(let name, _) = other.kind else { return }
        if name == "localTime", !isTimeOfDay(text) {
            throw ConditionError("write a time of day as HH:MM from 00:00 to 23:59, like \"09:00\", not \"\(text)\"", at: literal.offset)
        }
        if name == "weekday", !ConditionScope.weekdays.contains(text) {
            throw ConditionError("'\(text)' is not a weekday; weekdays are " + ConditionScope.weekdays.joined(separator: ", "), at: literal.offset)
        }
    }

    static func isWeekday(_ node: ConditionNode) -> Bool {
        if case .call("weekday", _) = node.kind { return true }
        return false
    }

    static func isTimeOfDay(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 5, u[2] == UInt8(ascii: ":"), u.enumerated().allSatisfy({ $0.offset == 2 || ($0.element >= 48 && $0.element <= 57) }) else { return false }
        return Int(text.prefix(2))! < 24 && Int(text.suffix(2))! < 60
    }
}
