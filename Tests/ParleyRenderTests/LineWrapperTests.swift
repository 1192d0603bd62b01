import XCTest

@testable import ParleyRender

/// A small terminal for the wrapper's output: rows of cells, a cursor that waits at the right edge
/// until the next character (as xterm's does), `\n` as CR LF (the tty's ONLCR), `\r`, cursor forward
/// (`ESC [ n C`), erase to the end of the row (`ESC [ K`); colours are ignored.
private struct Screen {
    var width: Int
    var rows: [[Character]] = [[]]
    var row = 0
    var column = 0
    var pendingWrap = false

    init(width: Int) { self.width = width }

    mutating func write(_ text: String) {
        var escape: String?
        for character in text {
            if var sequence = escape {
                sequence.append(character)
                escape = sequence
                guard sequence.count > 2, character.asciiValue.map({ (0x40...0x7E).contains($0) }) == true else { continue }
                escape = nil
                let number = Int(sequence.dropFirst(2).dropLast()) ?? 1
                switch character {
                case "C":
                    column = min(width - 1, column + number)
                    pendingWrap = false
                case "K": rows[row].removeSubrange(min(column, rows[row].count)...)
                default: break
                }
                continue
            }
            switch character {
            case "\u{1B}": escape = "\u{1B}"
            case "\r":
                column = 0
                pendingWrap = false
            case "\n", "\r\n":
                column = 0
                pendingWrap = false
                row += 1
                if row == rows.count { rows.append([]) }
            default:
                let columns = LineWrapper.columns(of: character)
                if pendingWrap || column + columns > width {
                    row += 1
                    column = 0
                    pendingWrap = false
                    if row == rows.count { rows.append([]) }
                }
                while rows[row].count < column { rows[row].append(" ") }
                if column < rows[row].count { rows[row][column] = character } else { rows[row].append(character) }
                if columns == 2 { if column + 1 < rows[row].count { rows[row][column + 1] = "\u{0}" } else { rows[row].append("\u{0}") } }
                column += columns
                if column >= width {
                    column = width - 1
                    pendingWrap = true
                }
            }
        }
    }

    var lines: [String] {
        rows.map { String($0.filter { $0 != "\u{0}" }).replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
    }
}

final class LineWrapperTests: XCTestCase {
    let paragraph = "The tides rise and fall twice a day because the moon pulls on the oceans, and the sun does too, a little."

    /// What the terminal shows for `text` sent in `pieces` of the given sizes (cycled).
    private func shown(_ text: String, width: Int, pieces: [Int] = [Int.max]) -> [String] {
        var wrapper = LineWrapper(width: width)
        var screen = Screen(width: width)
        var rest = Substring(text)
        var index = 0
        while !rest.isEmpty {
            let size = pieces[index % pieces.count]
            screen.write(wrapper.wrap(String(rest.prefix(size))))
            rest = rest.dropFirst(size)
            index += 1
        }
        return screen.lines
    }

    func testLinesBreakAtSpacesWhateverPiecesTheTextCameIn() {
        let expected = [
            "The tides rise and fall twice a",
            "day because the moon pulls on the",
            "oceans, and the sun does too, a",
            "little.",
        ]
        XCTAssertEqual(shown(paragraph, width: 34), expected)
        for pieces in [[1], [3], [2, 5, 1], [7, 11]] {
            XCTAssertEqual(shown(paragraph, width: 34, pieces: pieces), expected, "pieces of \(pieces)")
        }
        // Without the wrapper the terminal cuts words at its edge.
        var screen = Screen(width: 34)
        screen.write(paragraph)
        XCTAssertEqual(screen.lines[0], "The tides rise and fall twice a da")
    }

    func testListItemsAndQuotesHangUnderTheirText() {
        let item = "  • " + paragraph + "\n12. Second item with words enough to wrap.\n│ A quoted line that goes on and on.\n"
        XCTAssertEqual(
            shown(item, width: 30, pieces: [4]),
            [
                "  • The tides rise and fall",
                "    twice a day because the",
                "    moon pulls on the oceans,",
                "    and the sun does too, a",
                "    little.",
                "12. Second item with words",
                "    enough to wrap.",
                "│ A quoted line that goes on",
                "│ and on.",
                "",
            ])
    }

    func testAWordLongerThanARowIsBrokenAtTheEdge() {
        let url = "see https://example.com/a/very/long/path/that/never/ends ok"
        XCTAssertEqual(shown(url, width: 20, pieces: [3]), ["see", "https://example.com/", "a/very/long/path/tha", "t/never/ends ok"])
    }

    func testWideCharactersTakeTwoColumns() {
        XCTAssertEqual(LineWrapper.columns(of: "a"), 1)
        XCTAssertEqual(LineWrapper.columns(of: "漢"), 2)
        XCTAssertEqual(LineWrapper.columns(of: "🙂"), 2)
        XCTAssertEqual(LineWrapper.columns(of: "\u{301}"), 0)
        XCTAssertEqual(shown("漢字 漢字 漢字 漢字", width: 12, pieces: [1]), ["漢字 漢字", "漢字 漢字"])
    }

    func testStylesAreSetAgainAfterABreakAndNeverPaintTheIndent() {
        let code = Style.codeBackground + Style.cyan
        var wrapper = LineWrapper(width: 16)
        var out = ""
        for character in "• one two " + code + "three_four" + Style.reset + " five" {
            out += wrapper.wrap(String(character))
        }
        // The styled word was taken back, the row ended with a reset, and it was written again
        // after the indent with its styles.
        XCTAssertTrue(out.contains(Style.reset + "\n  " + code + "three_four"), out.debugDescription)
        var screen = Screen(width: 16)
        screen.write(out)
        XCTAssertEqual(screen.lines, ["• one two", "  three_four", "  five"])
    }

    func testAReplyInATerminalIsWrappedToTheWidthTheTerminalHasNow() {
        var width = 20
        let sink = StringSink()
        let writer = ReplyWriter(sink: sink, style: Style(enabled: true), width: { width }, wraps: true)
        var screen = Screen(width: 20)
        var written = 0
        func show() {
            screen.write(String(sink.text.dropFirst(written)))
            written = sink.text.count
        }
        writer.begin()
        for piece in ["aaaa bb", "bb cccc", " dd"] {
            writer.content(piece)
            show()
        }
        // Narrower mid-reply, mid-word, the row in progress already longer than the new width:
        // the word goes on at the next row, and what follows fits the new width.
        width = 12
        screen.width = 12
        for piece in ["dd eeee", " ffff gggg", " hh"] {
            writer.content(piece)
            show()
        }
        writer.end(status: "[cancelled]")
        show()
        XCTAssertEqual(screen.lines, ["aaaa bbbb cccc dd", "dd eeee ffff", "gggg hh", "[cancelled]", ""])
        // Piped, nothing is wrapped.
        let pipe = StringSink()
        let piped = ReplyWriter(sink: pipe, style: Style(enabled: false), width: { 20 }, wraps: false)
        piped.begin()
        piped.content("aaaa bbbb cccc dddd eeee ffff")
        piped.end(status: nil)
        XCTAssertEqual(pipe.text, "aaaa bbbb cccc dddd eeee ffff\n")
        // A terminal without colours (NO_COLOR): the Markdown source, wrapped, its list items hanging.
        let plain = StringSink()
        let uncoloured = ReplyWriter(sink: plain, style: Style(enabled: false), width: { 20 }, wraps: true)
        uncoloured.begin()
        uncoloured.content("- aaaa bbbb cccc dddd eeee")
        uncoloured.end(status: nil)
        XCTAssertFalse(plain.text.contains("\u{1B}[0m") || plain.text.contains("\u{1B}[2m"), "no colours: \(plain.text.debugDescription)")
        var plainScreen = Screen(width: 20)
        plainScreen.write(plain.text)
        XCTAssertEqual(plainScreen.lines, ["- aaaa bbbb cccc", "  dddd eeee", ""])
    }

    func testATableIsLaidOutOnlyWhenItFitsTheTerminal() {
        let table = "| name | year |\n|---|---:|\n| Swift | 2014 |\n"
        for (width, expected) in [
            (80, [" name  │ year", "───────┼──────", " Swift │ 2014", ""]),
            (12, ["| name |", "year |", "|---|---:|", "| Swift |", "2014 |", ""]),
        ] {
            let sink = StringSink()
            let writer = ReplyWriter(sink: sink, style: Style(enabled: true), width: { width }, wraps: true)
            writer.begin()
            writer.content(table)
            writer.end(status: nil)
            var screen = Screen(width: width)
            screen.write(sink.text)
            XCTAssertEqual(screen.lines, expected, "width \(width)")
        }
    }

    func testTheStatusOfAReplyMovesToTheNextRowWhole() {
        let sink = StringSink()
        let writer = ReplyWriter(sink: sink, style: Style(enabled: true), width: { 20 }, wraps: true)
        writer.begin()
        writer.content("aaaa bbbb cccc dd")
        writer.end(status: "[cancelled]")
        var screen = Screen(width: 20)
        screen.write(sink.text)
        XCTAssertEqual(screen.lines, ["aaaa bbbb cccc dd", "[cancelled]", ""])
    }

    func testATooNarrowTerminalStillShowsEverything() {
        let lines = shown("        indented deeply and then some words", width: 8, pieces: [2])
        XCTAssertEqual(lines.joined().filter { $0 != " " }, "indenteddeeplyandthensomewords")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 8 }, "\(lines)")
    }

    func testACodeLineIsNeverBrokenAtASpaceStyledOrPlainInAnyPieces() {
        let reply = "Some prose that is long enough to wrap.\n```python\nresult = compute(alpha, beta, gamma, delta)\n```\nAfter.\n"
        let code = "result = compute(alpha, beta, gamma, delta)"
        for styled in [true, false] {
            for size in [1, 2, 5, 200] {
                let sink = StringSink()
                let writer = ReplyWriter(sink: sink, style: Style(enabled: styled), width: { 20 }, wraps: true)
                writer.begin()
                var rest = Substring(reply)
                while !rest.isEmpty {
                    writer.content(String(rest.prefix(size)))
                    rest = rest.dropFirst(size)
                }
                writer.end(status: nil)
                let shown = sink.text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
                XCTAssertTrue(shown.contains(code), "styled \(styled), pieces of \(size): \(shown.debugDescription)")
                XCTAssertFalse(shown.contains(String(LineWrapper.codeLine)), "the mark is taken out")
                var screen = Screen(width: 20)
                screen.write(sink.text)
                XCTAssertEqual(Array(screen.lines.prefix(2)), ["Some prose that is", "long enough to wrap."], "prose still wraps")
            }
        }
    }
}
