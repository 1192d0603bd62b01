import Foundation
import TestSupport
import XCTest

@testable import ParleyRender

final class MarkdownRendererTests: XCTestCase {
    let styled = Style(enabled: true)

    func render(_ text: String, pieces size: Int? = nil, style: Style, tableWidth: Int? = nil) -> String {
        var sanitizer = TerminalSanitizer()
        var renderer = MarkdownRenderer(style: style, tableWidth: tableWidth)
        var out = ""
        if let size {
            var rest = Substring(text)
            while !rest.isEmpty {
                out += renderer.render(sanitizer.sanitize(String(rest.prefix(size))))
                rest = rest.dropFirst(size)
            }
        } else {
            out += renderer.render(sanitizer.sanitize(text))
        }
        // The code-line marks are the line wrapper's (LineWrapperTests); what is shown is checked here.
        return (out + renderer.finish()).filter { $0 != LineWrapper.codeLine }
    }

    func golden(_ name: String) throws -> (input: String, expected: String, url: URL) {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        let input = try String(contentsOf: directory.appendingPathComponent(name + ".md"), encoding: .utf8)
        let url = directory.appendingPathComponent(name + ".ansi")
        if ProcessInfo.processInfo.environment["PARLEY_RECORD_GOLDEN"] == "1" {
            // Recording checks nothing: it is its own step (`make golden`), and a run left recording fails.
            try render(input, style: styled).write(to: url, atomically: true, encoding: .utf8)
            XCTFail("recorded \(url.lastPathComponent); unset PARLEY_RECORD_GOLDEN to check it (make golden does both)")
        }
        return (input, try String(contentsOf: url, encoding: .utf8), url)
    }

    func testGoldenMarkdownWholeAndInEveryPieceSize() throws {
        for name in ["markdown", "hostile", "code"] {
            let golden = try golden(name)
            XCTAssertEqual(render(golden.input, style: styled), golden.expected, "\(name) in one piece")
            for size in [1, 2, 3, 7, 64] {
                XCTAssertEqual(render(golden.input, pieces: size, style: styled), golden.expected, "\(name) in pieces of \(size)")
            }
        }
    }

    func testWhatTheGoldenShows() throws {
        let out = try golden("markdown").expected
        XCTAssertTrue(out.contains(Style.bold + Style.magenta + "Title here"), "heading styled, hashes gone")
        XCTAssertTrue(out.contains(Style.bold + "bold" + Style.reset), "bold")
        XCTAssertTrue(out.contains(Style.italic + "italic" + Style.reset), "italic")
        XCTAssertTrue(out.contains(Style.codeBackground + Style.cyan + "code" + Style.reset), "inline code")
        XCTAssertTrue(out.contains("snake_case_name"), "underscores inside words stay")
        XCTAssertTrue(out.contains("2 * 3 = 6"), "a lone star stays")
        XCTAssertTrue(out.contains("•"), "bullets")
        XCTAssertTrue(out.contains(Style.underline + Style.blue + "a link" + Style.reset), "link text")
        XCTAssertTrue(out.contains("(https://example.com/x)"), "link target")
        XCTAssertTrue(out.contains("│ "), "quote bar")
        XCTAssertTrue(out.contains("╭─ swift"), "fence with its language")
        XCTAssertTrue(
            out.contains(
                CodeHighlighter.Colour.keyword + "let" + Style.reset + " x = " + CodeHighlighter.Colour.string + "\"**not bold**\""),
            "code verbatim, coloured as Swift")
        XCTAssertTrue(out.contains(String(repeating: "─", count: 40)), "rule")
        XCTAssertFalse(out.contains("```"))
    }

    func testAHostileReplyLeavesOnlyParleysOwnStyles() throws {
        let out = try golden("hostile").expected
        let withoutStyles = out.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertFalse(withoutStyles.contains("\u{1B}"), withoutStyles.debugDescription)
        XCTAssertFalse(out.contains("HACKED") || out.contains("ZXZpbA==") || out.contains("evil"))
        XCTAssertFalse(out.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
        XCTAssertTrue(out.contains("<U+202E>txt.exe"))
    }

    let table = """
        Compare:
        | Language | Typing | Year |
        |:---------|:------:|-----:|
        | Swift | **static** | 2014 |
        | Python | dynamic | 1991 |
        | `C` | static \\| weak |
        After.

        """

    func withoutStyles(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    func testATableIsLaidOutInAlignedColumnsWhateverPiecesItCameIn() {
        let whole = render(table, style: styled)
        XCTAssertEqual(
            withoutStyles(whole),
            """
            Compare:
             Language │    Typing     │ Year
            ──────────┼───────────────┼──────
             Swift    │    static     │ 2014
             Python   │    dynamic    │ 1991
             C        │ static | weak │
            After.

            """)
        XCTAssertTrue(whole.contains(Style.bold + "Language" + Style.reset), "the header is bold")
        XCTAssertTrue(whole.contains(Style.bold + "static" + Style.reset), "cells keep their inline Markdown")
        for size in [1, 2, 3, 7, 64] {
            XCTAssertEqual(render(table, pieces: size, style: styled), whole, "in pieces of \(size)")
        }
        // The last thing in a reply, without its newline.
        XCTAssertEqual(withoutStyles(render("| a | b |\n|---|---|\n| 1 | 2 |", style: styled)), " a │ b\n───┼───\n 1 │ 2")
    }

    func testATableTooWideForTheTerminalIsLeftAsItsLines() {
        let narrow = withoutStyles(render(table, pieces: 5, style: styled, tableWidth: 31))
        XCTAssertTrue(
            narrow.contains("| Language | Typing | Year |\n|:---------|:------:|-----:|\n| Swift | static | 2014 |"),
            narrow.debugDescription)
        XCTAssertTrue(narrow.hasSuffix("| C | static \\| weak |\nAfter.\n"), narrow.debugDescription)
        XCTAssertTrue(withoutStyles(render(table, style: styled, tableWidth: 32)).contains("──────────┼"), "32 columns are enough")
    }

    func testLinesThatOnlyLookLikeATableStayText() {
        XCTAssertEqual(withoutStyles(render("| not | a table\nnext **line**\n", pieces: 1, style: styled)), "| not | a table\nnext line\n")
        XCTAssertEqual(withoutStyles(render("| a | b |\n| c | d |\n", style: styled)), "| a | b |\n| c | d |\n", "no delimiter row")
        XCTAssertEqual(withoutStyles(render("```\n| a |\n|---|\n```\n", style: styled)), "╭─\n| a |\n|---|\n╰─\n", "in a code block")
        XCTAssertEqual(render(table, style: Style(enabled: false)), table, "plain: the source")
    }

    func testPlainStyleLeavesTheSourceAlone() {
        let text = "# Head\n**b** and `c`\n"
        XCTAssertEqual(render(text, style: Style(enabled: false)), "# Head\n**b** and `c`\n")
    }

    func testStylesNeverLeakPastALine() {
        let out = render("**open bold\nnext line\n", style: styled)
        let second = out.components(separatedBy: "\n")[1]
        XCTAssertEqual(second, "next line")
        XCTAssertTrue(out.components(separatedBy: "\n")[0].hasSuffix(Style.reset))
    }
}

final class TerminalSanitizerTests: XCTestCase {
    func testEscapeSequencesAreRemovedWhole() {
        XCTAssertEqual(TerminalSanitizer.clean("a\u{1B}[2Jb\u{1B}[1;31mc"), "abc")
        XCTAssertEqual(TerminalSanitizer.clean("t\u{1B}]0;HACKED\u{07}x"), "tx")
        XCTAssertEqual(TerminalSanitizer.clean("t\u{1B}]52;c;ZXZpbA==\u{1B}\\x"), "tx")
        XCTAssertEqual(TerminalSanitizer.clean("t\u{1B}P1$tx\u{1B}\\x"), "tx")
        XCTAssertEqual(TerminalSanitizer.clean("t\u{1B}(Bx\u{1B}7y"), "txy")
        XCTAssertEqual(TerminalSanitizer.clean("a\u{9B}31mb\u{9D}0;T\u{9C}c"), "abc")
    }

    func testControlsAreShownVisibly() {
        XCTAssertEqual(TerminalSanitizer.clean("bell\u{07} bs\u{08} cr\r del\u{7F}"), "bell^G bs^H cr^M del^?")
        XCTAssertEqual(TerminalSanitizer.clean("nel\u{85}"), "nel<U+0085>")
        XCTAssertEqual(TerminalSanitizer.clean("\u{202E}exe.txt\u{202C} \u{2066}x\u{2069}"), "<U+202E>exe.txt<U+202C> <U+2066>x<U+2069>")
        XCTAssertEqual(TerminalSanitizer.clean("tab\tnew\nline é 日本 🎉"), "tab\tnew\nline é 日本 🎉")
    }

    func testASequenceSplitAcrossPiecesIsStillRemoved() {
        let hostile = "x\u{1B}]0;TITLE\u{1B}\\y\u{1B}[31mz"
        for size in 1...5 {
            var sanitizer = TerminalSanitizer()
            var out = ""
            var rest = Substring(hostile)
            while !rest.isEmpty {
                out += sanitizer.sanitize(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            XCTAssertEqual(out, "xyz", "pieces of \(size)")
        }
    }

    /// Many random inputs: no ESC, no C0 but newline and tab, no C1 ever comes out.
    func testRandomInputNeverYieldsAControl() {
        var generator = SeededGenerator()
        let alphabet: [Unicode.Scalar] = [
            "\u{1B}", "[", "]", "P", "\\", "\u{07}", "\u{9B}", "\u{9D}", "\u{9C}", "\u{85}", "a", "1", ";",
            "m", "\n", "\t", "\r", "\u{0}", "\u{202E}", "é", "*", "`", "#", " ",
        ]
        for _ in 0..<2000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &generator) { text.append(alphabet.randomElement(using: &generator)!) }
            var sanitizer = TerminalSanitizer()
            var renderer = MarkdownRenderer(style: Style(enabled: false))
            let out = renderer.render(sanitizer.sanitize(String(text))) + renderer.finish()
            for scalar in out.unicodeScalars {
                let value = scalar.value
                XCTAssertFalse(
                    value < 0x20 && value != 0x0A && value != 0x09,
                    "control \(value) from \(String(text).debugDescription) (\(generator.rerun))")
                XCTAssertFalse((0x7F...0x9F).contains(value), "C1 \(value) (\(generator.rerun))")
                XCTAssertFalse((0x202A...0x202E).contains(value), generator.rerun)
            }
        }
    }
}

final class ReplyWriterTests: XCTestCase {
    func testPlainReplyIsTheSanitizedSource() {
        let sink = StringSink()
        let writer = ReplyWriter(sink: sink, style: Style(enabled: false))
        writer.begin()
        writer.reasoning("hidden")
        writer.content("**Hi** \u{1B}]0;x\u{07}there")
        writer.end(status: nil)
        XCTAssertEqual(sink.text, "**Hi** there\n")
    }

    func testCancelledReplyIsMarked() {
        let sink = StringSink()
        let writer = ReplyWriter(sink: sink, style: Style(enabled: false))
        writer.begin()
        writer.content("half")
        writer.end(status: "[cancelled]")
        XCTAssertEqual(sink.text, "half [cancelled]\n")
    }

    func testReasoningCollapsesToOneSummaryLine() {
        let sink = StringSink()
        let writer = ReplyWriter(sink: sink, style: Style(enabled: true))
        writer.begin()
        writer.reasoning("step one\nstep two")
        writer.content("Answer")
        writer.end(status: nil)
        XCTAssertTrue(sink.text.contains("Thinking… step one step two"))
        XCTAssertTrue(sink.text.contains("Thought for "))
        XCTAssertTrue(sink.text.contains("/think to show"))
        XCTAssertTrue(sink.text.hasSuffix("Answer\n") || sink.text.contains("Answer"))
    }

    func testColourIsOffForNoColorDumbTermOrAPipe() {
        XCTAssertTrue(Style.enabled(environment: ["TERM": "xterm"], noColorFlag: false, stdoutIsTerminal: true))
        XCTAssertFalse(Style.enabled(environment: ["TERM": "xterm", "NO_COLOR": "1"], noColorFlag: false, stdoutIsTerminal: true))
        XCTAssertFalse(Style.enabled(environment: ["TERM": "dumb"], noColorFlag: false, stdoutIsTerminal: true))
        XCTAssertFalse(Style.enabled(environment: [:], noColorFlag: true, stdoutIsTerminal: true))
        XCTAssertFalse(Style.enabled(environment: [:], noColorFlag: false, stdoutIsTerminal: false))
    }
}
