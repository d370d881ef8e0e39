import XCTest
import AccessTestSupport

@testable import AccessBench
@testable import AccessCore
@testable import AccessFormats
@testable import AccessLedger
@testable import AccessModel
@testable import AccessPolicy
@testable import AccessReport

/// What the report's engine adds to the spec: escaping of `'`, raw tags only for trusted
/// markup, and errors with a position and caret.
final class MustacheTests: XCTestCase {
    func render(_ source: String, _ context: MustacheValue, partials: [String: String] = [:]) throws -> String {
        var templates = ["page": try MustacheTemplate(source, file: "templates/page.mustache")]
        for (name, text) in partials { templates[name] = try MustacheTemplate(text, file: "templates/\(name).mustache") }
        return try MustacheLibrary(templates: templates).render("page", context)
    }

    func testEscapesAllFiveCharacters() throws {
        let hostile = "<script>alert(1)</script>\"'&"
        XCTAssertEqual(try render("<p title=\"{{x}}\">{{x}}</p>", .object(["x": .text(hostile)])),
                       "<p title=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</p>")
    }

    func testRawTagsPrintTrustedMarkupOnly() throws {
        XCTAssertEqual(try render("{{{x}}}|{{& x}}|{{x}}", .object(["x": .html("<b>ok</b>")])), "<b>ok</b>|<b>ok</b>|&lt;b&gt;ok&lt;/b&gt;")
        XCTAssertEqual(try render("{{{x}}}|{{& x}}|{{x}}|{{#x}}y{{/x}}{{^x}}n{{/x}}", .object(["x": .markup(Array("<b>ok</b>".utf8))])), "<b>ok</b>|<b>ok</b>|&lt;b&gt;ok&lt;/b&gt;|y")
        XCTAssertEqual(try render("{{#x}}y{{/x}}{{^x}}n{{/x}}", .object(["x": .markup([])])), "n")
        XCTAssertThrowsError(try render("a\n  {{{reason}}}\n", .object(["reason": .text("<i>")]))) { error in
            XCTAssertEqual((error as? Diagnostic)?.rendered, """
                templates/page.mustache:2:3: error: {{{reason}}} would print text from the access tree without escaping; write {{reason}}
                  {{{reason}}}
                  ^
                """)
        }
        // Null and missing values print nothing, raw or not.
        XCTAssertEqual(try render("[{{{missing}}}]", .object([:])), "[]")
    }

    func testErrorsNameTheLineAndColumn() {
        func error(_ source: String) -> String? {
            do {
                _ = try MustacheTemplate(source, file: "t.mustache")
                return nil
            } catch { return error.headline }
        }
        XCTAssertEqual(error("<ul>\n{{#items}}\n<li>{{.}}</li>\n"), "t.mustache:2:1: error: section 'items' is never closed: '{{/items}}' is missing")
        XCTAssertEqual(error("{{#a}}{{#b}}{{/a}}{{/b}}"), "t.mustache:1:13: error: '{{/a}}' closes a section that is not open; expected '{{/b}}' (the section opened at 1:7)")
        XCTAssertEqual(error("x {{/a}}"), "t.mustache:1:3: error: '{{/a}}' closes a section that is not open; expected no closing tag here")
        XCTAssertEqual(error("hello {{name"), "t.mustache:1:7: error: this tag is never closed: '}}' is missing")
        XCTAssertEqual(error("{{first name}}"), "t.mustache:1:1: error: a tag needs one name without spaces; found 'first name'")
        XCTAssertEqual(error("{{=<%=}}"), "t.mustache:1:1: error: a set-delimiter tag needs two delimiters separated by a space, like {{=<% %>=}}")
        // Nesting is bounded, so compiling and rendering cannot overflow the stack.
        XCTAssertNil(error(String(repeating: "{{#a}}", count: 100) + "x" + String(repeating: "{{/a}}", count: 100)))
        XCTAssertEqual(error("\n" + String(repeating: "{{#a}}", count: 101) + String(repeating: "{{/a}}", count: 101)), "t.mustache:2:601: error: sections nest deeper than 100 levels")
        XCTAssertEqual(error(String(repeating: "{{^a}}", count: 200_000)), "t.mustache:1:601: error: sections nest deeper than 100 levels")
    }

    func testEndlessPartialRecursionFails() throws {
        XCTAssertThrowsError(try render("{{>loop}}", .object([:]), partials: ["loop": "x{{>loop}}"])) { error in
            XCTAssertEqual((error as? Diagnostic)?.headline, "templates/loop.mustache:1:2: error: partials nest deeper than 64 levels: 'loop' includes itself without end")
        }
    }

    /// `hasX` stands for "x is a list that is not empty" when no context has `hasX` itself;
    /// the compiled program works the name out once, so every way it can resolve is checked.
    func testListFlagsStandForNonEmptyLists() throws {
        let source = "{{#hasItems}}some{{/hasItems}}{{^hasItems}}none{{/hasItems}}|{{hasItems}}|{{hasHasItems}}|{{#a}}{{hasItems}}{{/a}}|{{has}}{{a.hasItems}}"
        XCTAssertEqual(try render(source, .object(["items": .list([.text("x")]), "a": .object([:])])), "some|true||true|")
        XCTAssertEqual(try render(source, .object(["items": .list([]), "a": .object([:])])), "none|false||false|")
        XCTAssertEqual(try render(source, .object(["items": .text("not a list"), "a": .object([:])])), "none||||")
        // A value named hasItems wins, and the nearest context is asked first.
        XCTAssertEqual(try render(source, .object(["items": .list([]), "hasItems": .text("yes"), "a": .object(["hasItems": .bool(false)])])), "some|yes||false|false")
        // hasHasItems asks for the list hasItems, not for the flag hasItems stands for.
        XCTAssertEqual(try render("{{hasHasItems}}", .object(["hasItems": .list([.null])])), "true")
        let library = MustacheLibrary(templates: ["p": try MustacheTemplate("{{#hasItems}}x{{/hasItems}}", file: "p")], listFlags: false)
        XCTAssertEqual(try library.render("p", .object(["items": .list([.null])])), "")
    }
}
