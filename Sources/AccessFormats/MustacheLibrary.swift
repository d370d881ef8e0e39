/// Named templates that can include one another as partials, and the renderer over them.
package struct MustacheLibrary: Sendable {
    package let templates: [String: MustacheTemplate]
    /// When set, `{{{x}}}` and `{{& x}}` print only trusted markup (`MustacheValue.html` or `.markup`);
    /// on any other value rendering fails, so a template cannot print manifest text unescaped.
    package let rawNeedsTrustedHTML: Bool
    /// When set, a missing name `hasX` is true when `x` is a list that is not empty, so a
    /// template can say "none" instead of printing an empty table (the report's one addition
    /// to the spec).
    package let listFlags: Bool
    /// The templates compiled for rendering.
    let program: MustacheProgram

    package init(templates: [String: MustacheTemplate], rawNeedsTrustedHTML: Bool = true, listFlags: Bool = true) {
        self.templates = templates
        self.rawNeedsTrustedHTML = rawNeedsTrustedHTML
        self.listFlags = listFlags
        program = MustacheProgram(templates, listFlags: listFlags)
    }

    /// SHA-256 of every template's name and source and of the options: two libraries with
    /// the same fingerprint render any data to the same bytes.
    package var fingerprint: [UInt8] {
        var out: [UInt8] = [rawNeedsTrustedHTML ? 1 : 0, listFlags ? 1 : 0]
        for name in templates.keys.sorted() {
            MustacheValue.append(name, to: &out)
            let source = templates[name]!.source.bytes
            MustacheValue.append(UInt64(source.count), to: &out)
            out += source
        }
        var hasher = SHA256()
        hasher.update(out)
        return hasher.finalize()
    }

    /// Renders the template `name` with `context` as the whole context stack.
    package func render(_ name: String, _ context: MustacheValue) throws(Diagnostic) -> String {
        String(decoding: try renderBytes(name, context), as: UTF8.self)
    }

    /// `render`, as UTF-8 bytes: what the report writes to its files, without a copy.
    package func renderBytes(_ name: String, _ context: MustacheValue) throws(Diagnostic) -> [UInt8] {
        guard let template = program.index[name] else {
            throw Diagnostic(file: name, message: "no template named '\(name)'")
        }
        return try program.render(template, context, rawNeedsTrustedHTML: rawNeedsTrustedHTML)
    }
}
