import XCTest

@testable import ParleyRender

/// Code colours by language: what each colour falls on, checked token by token (the golden file
/// `code.ansi` holds the whole, streamed in pieces of every size).
final class CodeHighlighterTests: XCTestCase {
    typealias Colour = CodeHighlighter.Colour

    func highlight(_ code: String, _ language: String) throws -> String {
        var highlighter = try XCTUnwrap(CodeHighlighter(language: language), language)
        var out = ""
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            out += highlighter.startLine()
            for character in line { out += highlighter.add(character) }
            out += highlighter.endLine() + "\n"
        }
        return out
    }

    func coloured(_ colour: String, _ text: String) -> String { colour + text + Style.reset }

    func testEachLanguageColoursItsKeywordsStringsCommentsNumbersAndNames() throws {
        let cases: [(String, String, [(String, String)])] = [
            (
                "python", "def f(x): return 'a' # c\nclass A: pass",
                [(Colour.keyword, "def"), (Colour.function, "f"), (Colour.string, "'a'"), (Colour.comment, "# c")]
            ),
            ("js", "const n = 42; // c", [(Colour.keyword, "const"), (Colour.number, "42"), (Colour.comment, "// c")]),
            ("typescript", "let s: string = `t`", [(Colour.keyword, "let"), (Colour.type, "string"), (Colour.string, "`t`")]),
            (
                "json", #"{"k": [1, true, null]}"#,
                [(Colour.string, "\"k\""), (Colour.number, "1"), (Colour.type, "true"), (Colour.type, "null")]
            ),
            (
                "sh", "if [ -n \"$X\" ]; then echo $HOME; fi # done",
                [(Colour.keyword, "if"), (Colour.variable, "$HOME"), (Colour.comment, "# done")]
            ),
            (
                "swift", "guard let v = Int(s) else { return nil }",
                [(Colour.keyword, "guard"), (Colour.type, "Int"), (Colour.keyword, "nil")]
            ),
            (
                "c", "#include <x.h>\nunsigned int n = 0x1F; /* c */",
                [(Colour.keyword, "#include"), (Colour.type, "unsigned"), (Colour.number, "0x1F"), (Colour.comment, "/* c */")]
            ),
            ("cpp", "namespace a { class B {}; }", [(Colour.keyword, "namespace"), (Colour.keyword, "class")]),
            (
                "go", "func main() { var e error = nil }",
                [(Colour.keyword, "func"), (Colour.function, "main"), (Colour.type, "error"), (Colour.type, "nil")]
            ),
            (
                "rust", "let mut v = vec![1]; // c",
                [(Colour.keyword, "let"), (Colour.keyword, "mut"), (Colour.function, "vec"), (Colour.comment, "// c")]
            ),
            (
                "sql", "select id from t where x = 'y' -- c",
                [(Colour.keyword, "select"), (Colour.keyword, "where"), (Colour.string, "'y'"), (Colour.comment, "-- c")]
            ),
            ("yaml", "key: value # c\nok: true", [(Colour.type, "key"), (Colour.comment, "# c"), (Colour.type, "true")]),
            ("html", "<a href=\"/x\">t</a>", [(Colour.type, "a"), (Colour.attribute, "href"), (Colour.string, "\"/x\"")]),
            ("diff", "@@ -1 +1 @@\n-a\n+b", [(Colour.hunk, "@@ -1 +1 @@"), (Colour.removed, "-a"), (Colour.added, "+b")]),
        ]
        for (language, code, expected) in cases {
            let out = try highlight(code, language)
            for (colour, text) in expected {
                XCTAssertTrue(
                    out.contains(coloured(colour, text)), "\(language): \(text) in \(colour.debugDescription): \(out.debugDescription)")
            }
        }
    }

    func testStringsAndCommentsThatSpanLinesStayColouredAcrossThem() throws {
        let python = try highlight("s = \"\"\"one\ntwo\"\"\" + x", "python")
        XCTAssertTrue(python.contains(Colour.string + "two\"\"\"" + Style.reset), python.debugDescription)
        XCTAssertTrue(python.hasSuffix(" + x\n"), "back to code after it closes")
        let c = try highlight("a /* one\ntwo */ b", "c")
        XCTAssertTrue(c.contains("\n" + Colour.comment + "two */" + Style.reset + " b"), c.debugDescription)
        let split = try highlight("/* a *\n/ still comment */ x", "c")
        XCTAssertTrue(
            split.contains(Colour.comment + "/ still comment */" + Style.reset + " x"),
            "a closer never spans a line: \(split.debugDescription)")
        let single = try highlight("x = \"open\ny = 1", "python")
        XCTAssertTrue(single.contains("\ny = " + Colour.number + "1"), "a one-line string ends with its line: \(single.debugDescription)")
    }

    func testWhatOnlyLooksLikeAStringOrCommentIsNot() throws {
        XCTAssertFalse(try highlight("echo a#b", "bash").contains(Colour.comment), "# inside a word is no comment")
        XCTAssertFalse(try highlight("<p>it's \"quoted\"</p>", "html").contains(Colour.string), "text between tags is no string")
        XCTAssertTrue(try highlight("print(\"a\\\"b\")", "python").contains(Colour.string + "\"a\\\"b\"" + Style.reset), "an escaped quote")
        XCTAssertEqual(try highlight("a / b", "js"), "a / b\n", "a lone slash is no comment")
    }

    func testAnUnknownLanguageAndPlainStylesAreLeftAsToday() {
        XCTAssertNil(CodeHighlighter(language: "brainfuck"))
        var plain = MarkdownRenderer(style: Style(enabled: false))
        let out = plain.render("```python\ndef f(): pass\n```\n") + plain.finish()
        XCTAssertFalse(out.contains("\u{1B}"), "no colour without styles: \(out.debugDescription)")
        var styled = MarkdownRenderer(style: Style(enabled: true))
        let unknown = styled.render("```brainfuck\n+++.\n```\n") + styled.finish()
        XCTAssertTrue(unknown.contains(Style.cyan + String(LineWrapper.codeLine) + "+++."), unknown.debugDescription)
    }
}
