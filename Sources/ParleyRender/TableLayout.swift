/// A Markdown table laid out for the terminal: each column as wide as its widest cell and aligned as
/// the delimiter row says (`:--` left, `:-:` centre, `--:` right), the header bold, thin dim rules
/// between the columns and under the header.
struct TableLayout {
    enum Alignment { case left, centre, right }

    private let header: [String]
    private let rows: [[String]]
    private let alignments: [Alignment]
    private let style: Style

    /// `lines`: the header, the delimiter row, then the rows, as written; `inline` renders a cell's
    /// inline Markdown.
    init(lines: [String], style: Style, inline: (String) -> String) {
        let cells = lines.map(Self.cells)
        header = cells[0].map(inline)
        alignments = cells[1].map { cell in
            switch (cell.hasPrefix(":"), cell.hasSuffix(":")) {
            case (true, true): .centre
            case (false, true): .right
            default: .left
            }
        }
        rows = cells.dropFirst(2).map { $0.map(inline) }
        self.style = style
    }

    /// The table's lines, or nil when it would be wider than `width` columns.
    func render(within width: Int?) -> String? {
        let count = ([header] + rows).map(\.count).max() ?? 0
        guard count > 0 else { return nil }
        var widths = [Int](repeating: 0, count: count)
        for row in [header] + rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.columns(cell)) }
        }
        if let width, widths.reduce(0, +) + 3 * count - 2 > width { return nil }
        let rule = style.apply(Style.dim, to: "│")
        func line(_ cells: [String], bold: Bool) -> String {
            let shown = (0..<count).map { index -> String in
                let cell = index < cells.count ? cells[index] : ""
                let room = widths[index] - Self.columns(cell)
                let alignment = index < alignments.count ? alignments[index] : .left
                let before = alignment == .right ? room : alignment == .centre ? room / 2 : 0
                let styled = bold && style.enabled && !cell.isEmpty ? Style.bold + cell + Style.reset : cell
                return String(repeating: " ", count: before) + styled + String(repeating: " ", count: room - before)
            }
            var text = " " + shown.joined(separator: " " + rule + " ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        var out = line(header, bold: true)
        out += style.apply(Style.dim, to: widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: "┼")) + "\n"
        for row in rows { out += line(row, bold: false) }
        return out
    }

    /// A row's cells, trimmed: split at each `|` that is neither escaped (`\|` is a `|` in the cell)
    /// nor inside a code span, the row's outer pipes dropped.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var inCode = false
        var escaped = false
        for character in line.trimmingLeadingAndTrailingSpaces {
            if escaped {
                if character != "|" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|", !inCode {
                cells.append(current)
                current = ""
            } else {
                if character == "`" { inCode.toggle() }
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current)
        if line.trimmingLeadingAndTrailingSpaces.hasPrefix("|") { cells.removeFirst() }
        if cells.count > 1, cells.last?.allSatisfy({ $0 == " " }) == true { cells.removeLast() }
        return cells.map { $0.trimmingLeadingAndTrailingSpaces }
    }

    /// The columns a rendered cell takes: its characters', its styles taking none.
    static func columns(_ cell: String) -> Int {
        var count = 0
        var inEscape = false
        for character in cell {
            if inEscape {
                if character.asciiValue.map({ (0x40...0x7E).contains($0) && $0 != 0x5B }) ?? false { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                count += LineWrapper.columns(of: character)
            }
        }
        return count
    }
}

extension String {
    var trimmingLeadingAndTrailingSpaces: String {
        String(Substring(self).trimmingLeadingSpaces.trimmingTrailingSpaces)
    }
}
