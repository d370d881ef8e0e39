/// The data a Mustache template renders. Text from the access tree is `text` and is always
/// escaped; only markup the report builds itself is `html`, which raw tags may print as is.
public indirect enum MustacheValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// Any text, escaped wherever it is printed.
    case text(String)
    /// Trusted markup built by accessctl (never manifest text): printed as is by `{{{x}}}` and `{{& x}}`.
    case html(String)
    case list([MustacheValue])
    case object([String: MustacheValue])

    /// `text`, or null for nil.
    public static func text(_ value: String?) -> MustacheValue { value.map { .text($0) } ?? .null }

    /// Whether a section renders (and an inverted section does not): false for null, false,
    /// an empty list and empty text.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .number: true
        case .text(let s), .html(let s): !s.isEmpty
        case .list(let items): !items.isEmpty
        case .object: true
        }
    }

    /// The text an interpolation prints, before escaping.
    var interpolated: String {
        switch self {
        case .null, .list, .object: ""
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .text(let s), .html(let s): s
        }
    }
}
