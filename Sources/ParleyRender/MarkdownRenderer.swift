import Foundation

/// Renders Markdown to ANSI as it streams, line by line, never redrawing what it has written.
///
/// What a line is (heading, list item, quote, fence, rule) is decided from its first characters: while
/// they could still be any of those, they are held back; once decided, the rest of the line streams.
/// Inline marks (`**bold**`, `*italic*`, `` `code` ``, `[text](url)`) hold back only as long as needed to
/// tell what they are. A table is the exception that holds back whole: its columns' widths are
/// known only at its last row (`TableLayout`). Nothing is flushed at piece boundaries, so the output
/// for a reply is the same whatever pieces it arrived in.
public struct MarkdownRenderer: Sendable {
    private enum LineKind: Sendable { case undecided, paragraph, heading, quote, code }

    private let style: Style
    private var kind = LineKind.undecided
    private var held = ""  // the start of a line not yet decided
    private var inFence = false
    private var fence = ""  // the opening fence's marker, e.g. ``` or ~~~~
    /// The fence's language, when parley colours it; and whether the line now written is its code.
    private var highlighter: CodeHighlighter?
    private var codeLine = false
    // Inline state, reset at each line end.
    private var bold = false
    private var italic = false
    private var code = false
    private var marker: Character?  // a `*` or `_` waiting for the next character
    private var link: String?  // `[text](url` collected so far
    private var previous: Character = " "
    private var lineStyle = ""  // codes that hold for the whole line (heading, quote)
    private var table: [String] = []  // the lines of a table (or of what may still start one), held
    /// The columns a table may take; a wider one is written as its source lines.
    private let tableWidth: Int?

    public init(style: Style, tableWidth: Int? = nil) {
        self.style = style
        self.tableWidth = tableWidth
    }

    public mutating func render(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\n" {
                endLine(into: &out)
            } else {
                add(character, into: &out)
            }
        }
        return out
    }

    /// The reply ended: flush what is held and close every style.
    public mutating func finish() -> String {
        var out = ""
        let unfinished = kind != .undecided || !held.isEmpty  // a last line without its newline
        if unfinished {
            endLine(into: &out, final: true)
        }
        if !table.isEmpty {
            flushTable(into: &out)
            if unfinished, out.hasSuffix("\n") { out.removeLast() }
        }
        inFence = false
        highlighter = nil
        return out
    }

    // MARK: - Lines

    private mutating func add(_ character: Character, into out: inout String) {
        switch kind {
        case .undecided:
            held.append(character)
            if !table.isEmpty, !Self.mayStillBeTableRow(held) { flushTable(into: &out) }
            if !Self.mayStillBeMarker(held, inFence: inFence) { decide(into: &out) }
        case .code:
            if codeLine, highlighter != nil { highlighter!.add(character, into: &out) } else { out.append(character) }
        case .paragraph, .heading, .quote:
            inline(character, into: &out)
        }
    }

    /// Whether `start` could still open a heading, quote, list, fence or rule (so must wait).
    static func mayStillBeMarker(_ start: String, inFence: Bool) -> Bool {
        let trimmed = start.drop { $0 == " " }
        if inFence { return trimmed.allSatisfy { $0 == "`" || $0 == "~" || $0 == " " } }
        if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { return true }  // the label needs the whole line
        if mayBeTableRow(start) { return true }  // a table's row: held whole (see `endLine`)
        return start.count < 64 && start.allSatisfy { " #>-*+_`~.)0123456789".contains($0) }
    }

    private mutating func decide(into out: inout String, lineComplete: Bool = false) {
        let line = held
        held = ""
        let indent = line.prefix { $0 == " " }
        let body = line.dropFirst(indent.count)

        if inFence {
            let candidate = body.trimmingTrailingSpaces
            if lineComplete, candidate.count >= fence.count, candidate.allSatisfy({ $0 == fence.first }) {
                inFence = false
                highlighter = nil
                kind = .code
                out += style.apply(Style.dim, to: "╰─")
                return
            }
            kind = .code
            codeLine = true
            // Marked as code for the line wrapper, which leaves it unbroken.
            guard highlighter != nil else {
                out += style.codes(Style.cyan) + (style.enabled ? String(LineWrapper.codeLine) : "") + line
                return
            }
            out += String(LineWrapper.codeLine) + highlighter!.startLine()
            for character in line { highlighter!.add(character, into: &out) }
            return
        }
        if body.hasPrefix("```") || body.hasPrefix("~~~") {
            let marker = body.first!
            fence = String(body.prefix { $0 == marker })
            let label = body.dropFirst(fence.count).trimmingTrailingSpaces.trimmingLeadingSpaces
            inFence = true
            highlighter = style.enabled ? CodeHighlighter(language: String(label)) : nil
            kind = .code
            out += style.apply(Style.dim, to: label.isEmpty ? "╭─" : "╭─ " + label)
            return
        }
        if lineComplete, Self.isRule(body) {
            kind = .code  // nothing inline on a rule
            out += style.apply(Style.dim, to: String(repeating: "─", count: 40))
            return
        }
        if let hashes = Optional(body.prefix { $0 == "#" }), (1...6).contains(hashes.count),
            body.count == hashes.count || body.dropFirst(hashes.count).first == " "
        {
            kind = .heading
            lineStyle = style.codes(Style.bold, hashes.count == 1 ? Style.magenta : Style.blue)
            out += lineStyle + (style.enabled ? "" : String(hashes) + " ")
            feed(body.dropFirst(hashes.count).trimmingLeadingSpaces, into: &out)
            return
        }
        if body.first == ">" {
            kind = .quote
            lineStyle = style.codes(Style.italic)
            out += style.apply(Style.dim, to: "│ ") + lineStyle
            feed(body.dropFirst().trimmingLeadingOneSpace, into: &out)
            return
        }
        if let bulletEnd = Self.bulletLength(body) {
            kind = .paragraph
            let marker = body.prefix(bulletEnd)
            let shown = marker.first.map { "-*+".contains($0) } == true ? "•" : String(marker)
            out += String(indent) + style.apply(Style.yellow, to: shown) + " "
            feed(body.dropFirst(bulletEnd + 1), into: &out)
            return
        }
        kind = .paragraph
        feed(Substring(line), into: &out)
    }

    private mutating func feed(_ text: Substring, into out: inout String) {
        for character in text { inline(character, into: &out) }
    }

    /// `- `, `* `, `+ ` or `12. ` / `12) `: the marker's length (before its space), else nil.
    static func bulletLength(_ body: Substring) -> Int? {
        if let first = body.first, "-*+".contains(first), body.dropFirst().first == " " { return 1 }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        if (1...9).contains(digits.count) {
            let rest = body.dropFirst(digits.count)
            if let mark = rest.first, mark == "." || mark == ")", rest.dropFirst().first == " " { return digits.count + 1 }
        }
        return nil
    }

    static func isRule(_ body: Substring) -> Bool {
        let marks = body.filter { $0 != " " }
        guard let first = marks.first, "-*_".contains(first), marks.count >= 3 else { return false }
        return marks.allSatisfy { $0 == first }
    }

    private mutating func endLine(into out: inout String, final: Bool = false) {
        if kind == .undecided, !inFence, Self.mayBeTableRow(held) {
            holdTableRow(into: &out)
            return
        }
        if kind == .undecided, !table.isEmpty { flushTable(into: &out) }  // an empty line ends a table
        if kind == .undecided { decide(into: &out, lineComplete: true) }
        closeLine(into: &out, final: final)
    }

    /// Ends a decided line: what inline marks still wait, its styles closed, its newline.
    private mutating func closeLine(into out: inout String, final: Bool) {
        if codeLine, highlighter != nil { out += highlighter!.endLine() }
        flushInline(into: &out)
        if style.enabled, kind != .paragraph || bold || italic || code || !lineStyle.isEmpty {
            out += Style.reset
        }
        if !final { out += "\n" }
        resetLine()
    }

    private mutating func resetLine() {
        kind = .undecided
        codeLine = false
        bold = false
        italic = false
        code = false
        lineStyle = ""
        previous = " "
    }

    // MARK: - Tables

    /// Whether a line's start may be a table's row: `|` first (after up to three spaces), and not so
    /// long that holding it back would be felt.
    static func mayBeTableRow(_ start: String) -> Bool {
        let indent = start.prefix { $0 == " " }.count
        return indent <= 3 && start.dropFirst(indent).first == "|" && start.count < 2000
    }

    /// Whether a line's start may still turn out to be a table's row (only spaces so far, or a row).
    static func mayStillBeTableRow(_ start: String) -> Bool {
        mayBeTableRow(start) || (start.count <= 3 && start.allSatisfy { $0 == " " })
    }

    /// A whole line that may be a table's row is held: the first as a header, the second kept only if
    /// it is the delimiter row (`|---|:--:|`), the rest as rows; anything else is written as it is.
    private mutating func holdTableRow(into out: inout String) {
        let line = held
        held = ""
        if table.count == 1, !Self.isDelimiterRow(line) {
            flushTable(into: &out)  // not a table after all: the held line as text
        }
        table.append(line)
        resetLine()
    }

    private mutating func flushTable(into out: inout String) {
        let lines = table
        table = []
        if style.enabled, lines.count >= 2,
            let rendered = TableLayout(lines: lines, style: style, inline: inlineOnly).render(within: tableWidth)
        {
            out += rendered
            return
        }
        // Not a table, or too wide for the terminal: each line as a line of text.
        let pending = held  // the start of the line that ended the table
        for line in lines {
            held = line
            decide(into: &out, lineComplete: true)
            closeLine(into: &out, final: false)
        }
        held = pending
    }

    static func isDelimiterRow(_ line: String) -> Bool {
        let cells = TableLayout.cells(line)
        return !cells.isEmpty
            && cells.allSatisfy { cell in
                let dashes = cell.drop { $0 == ":" }.reversed().drop { $0 == ":" }
                return !dashes.isEmpty && dashes.allSatisfy { $0 == "-" }
            }
    }

    /// A table cell's inline Markdown (bold, italic, code, links), styles closed at its end.
    private func inlineOnly(_ text: String) -> String {
        var cell = MarkdownRenderer(style: style)
        cell.kind = .paragraph
        var out = ""
        cell.feed(Substring(text), into: &out)
        cell.flushInline(into: &out)
        if style.enabled, cell.bold || cell.italic || cell.code { out += Style.reset }
        return out
    }

    // MARK: - Inline

    private mutating func inline(_ character: Character, into out: inout String) {
        if var collected = link {
            collected.append(character)
            link = collected
            if let (text, url) = Self.completeLink(collected) {
                link = nil
                out += style.apply(Style.underline, Style.blue, to: text) + style.apply(Style.dim, to: " (\(url))")
                out += lineStyle + restyle()
            } else if !Self.mayStillBeLink(collected) {
                link = nil
                out += collected
            }
            previous = character
            return
        }
        if let pending = marker {
            marker = nil
            if character == pending {
                if style.enabled {
                    bold.toggle()
                    out += bold ? Style.bold : Style.reset + lineStyle + restyle()
                } else {
                    out.append(pending)
                    out.append(pending)
                }
                previous = character
                return
            }
            emphasis(pending, next: character, into: &out)
        }
        if code {
            if character == "`" {
                code = false
                out += style.enabled ? Style.reset + lineStyle + restyle() : "`"
            } else {
                out.append(character)
            }
            previous = character
            return
        }
        switch character {
        case "`":
            code = true
            out += style.enabled ? Style.codeBackground + Style.cyan : "`"
        case "*", "_":
            marker = character
            return  // `previous` stays the character before the marker
        case "[" where style.enabled:
            link = "["
        default:
            out.append(character)
        }
        previous = character
    }

    /// A single `*` or `_`: italic when it opens before a non-space or closes after one, else literal.
    private mutating func emphasis(_ mark: Character, next: Character, into out: inout String) {
        let wordBefore = previous.isLetter || previous.isNumber
        let wordAfter = next.isLetter || next.isNumber
        let opens = !italic && next != " " && next != "\n" && !(mark == "_" && wordBefore)
        let closes = italic && previous != " " && !(mark == "_" && wordAfter)
        if style.enabled, opens || closes {
            italic.toggle()
            out += italic ? Style.italic : Style.reset + lineStyle + restyle()
        } else {
            out.append(mark)
        }
        previous = mark
    }

    /// The codes that must be set again after a reset inside a line.
    private func restyle() -> String {
        guard style.enabled else { return "" }
        return (bold ? Style.bold : "") + (italic ? Style.italic : "")
    }

    private mutating func flushInline(into out: inout String) {
        if let pending = marker {
            marker = nil
            emphasis(pending, next: "\n", into: &out)
        }
        if let collected = link {
            link = nil
            out += collected
        }
    }

    static func completeLink(_ text: String) -> (String, String)? {
        guard text.hasSuffix(")"), let close = text.range(of: "](") else { return nil }
        let label = text[text.index(after: text.startIndex)..<close.lowerBound]
        let url = text[close.upperBound..<text.index(before: text.endIndex)]
        guard !url.contains(" ") else { return nil }
        return (String(label), String(url))
    }

    static func mayStillBeLink(_ text: String) -> Bool {
        guard text.count < 300 else { return false }
        guard let close = text.range(of: "]") else { return true }
        let after = text[close.upperBound...]
        if after.isEmpty { return true }
        guard after.first == "(" else { return false }
        return !after.contains(" ")
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var result = self
        while result.last == " " { result = result.dropLast() }
        return result
    }

    var trimmingLeadingSpaces: Substring { drop { $0 == " " } }

    var trimmingLeadingOneSpace: Substring { first == " " ? dropFirst() : self }
}
