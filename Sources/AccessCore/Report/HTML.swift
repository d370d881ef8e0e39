/// HTML escaping: the one function that turns text into markup in the report.
public enum HTML {
    /// Escapes `& < > " '`, so text is safe in element content and in quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    /// Appends `text`, escaped, to `out`.
    public static func escape(_ text: String, into out: inout String) {
        let utf8 = text.utf8
        // Most values have nothing to escape: copy them whole.
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
