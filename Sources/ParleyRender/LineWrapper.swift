/// Breaks a reply's lines at spaces before they reach the terminal's right edge, as the text streams
/// and without holding any of it back: a word that would cross the edge is taken back (the cursor
/// returned to where it began, the rest of the row cleared) and written again at the start of the
/// next row, under the line's hanging indent (its leading spaces and list marker or quote bar). A
/// word longer than a whole row is broken where the row ends. Styles (SGR sequences) take no room
/// and are set again after each break, so a code span's background never spills into the indent.
///
/// It reads what `MarkdownRenderer` writes: text, newlines and SGR sequences, the server's own
/// escapes already removed or made visible by `TerminalSanitizer`.
public struct LineWrapper: Sendable {
    private var width: Int
    /// Columns used on the current row.
    private var column = 0
    /// The SGR sequences in effect (since the last reset), and as they were where the word began.
    private var style = ""
    private var styleAtWord = ""
    /// The word being written (text and styles, as written), its columns, and where it began.
    private var word = ""
    private var wordColumns = 0
    private var wordStart = 0
    /// The start of the current line, read for its hanging indent.
    private var marker = MarkerReader()
    /// The hanging indent, once the line's start is known (at most half a row, as wide as it is now).
    private var indent: Int { marker.done ? min(marker.indent, width / 2) : 0 }
    private var escape: String?
    /// A code line: written as it is, never broken at a space (the terminal folds a long one, and
    /// what is selected on the screen is the code).
    private var verbatim = false
    /// Plain Markdown (no renderer before this): fences are read here to know the code lines.
    private let readsFences: Bool
    private var inFence = false
    /// The current line's start, while it may still be a fence (plain Markdown only).
    private var lineStart = ""

    /// Marks the start of a code line in what `MarkdownRenderer` writes; taken out here.
    public static let codeLine: Character = "\u{0E}"

    /// `readsFences`: the text is plain Markdown (styles off), whose fenced lines are code.
    public init(width: Int, readsFences: Bool = false) {
        self.width = max(width, 8)
        self.readsFences = readsFences
    }

    /// The terminal is now `newWidth` columns wide: what follows fits it. A row already longer has
    /// been folded or cut by the terminal, so where its text stands is not known: the word in progress
    /// is not taken back but goes on at the next row.
    public mutating func resize(to newWidth: Int) {
        width = max(newWidth, 8)
        if column > width { wordStart = indent }
    }

    public mutating func wrap(_ text: String) -> String {
        var out = ""
        for character in text {
            if var sequence = escape {
                sequence.append(character)
                escape = sequence
                // A CSI sequence ends at its final byte; any other escape at the character after ESC.
                let final = character.asciiValue.map { (0x40...0x7E).contains($0) } ?? true
                if sequence.count == 2 ? character != "[" : final {
                    escape = nil
                    emitStyle(sequence, into: &out)
                }
                continue
            }
            // (A newline's asciiValue is 10, CR LF's too.)
            let isNewline = character.asciiValue == 0x0A
            if readsFences, !isNewline, lineStart.count < 8 { lineStart.append(character) }
            if verbatim, !isNewline {
                out.append(character)  // its columns do not matter: nothing on this line is broken
                continue
            }
            switch character {
            case Self.codeLine:
                verbatim = true
            case "\u{1B}":
                escape = "\u{1B}"
            case "\r":
                out.append(character)
                column = 0
                startWord(at: 0)
            case "\n", "\r\n":
                out.append("\n")
                column = 0
                marker = MarkerReader()
                startWord(at: 0)
                if readsFences {
                    let start = lineStart.drop { $0 == " " }
                    if start.hasPrefix("```") || start.hasPrefix("~~~") { inFence.toggle() }
                    lineStart = ""
                }
                verbatim = readsFences && inFence
            case " ", "\t":
                let next = character == " " ? column + 1 : (column / 8 + 1) * 8
                readMarker(character)
                if next > width {
                    breakRow(into: &out)  // the space itself is the break
                } else {
                    out.append(character)
                    column = next
                }
                startWord(at: column)
            default:
                let columns = Self.columns(of: character)
                readMarker(character)
                if column + columns > width {
                    if wordColumns > 0, wordStart > indent, indent + wordColumns + columns <= width {
                        // Take the word back and write it again on the next row.
                        // (Styles off first, so that clearing paints no background.)
                        out += "\r" + (wordStart > 0 ? "\u{1B}[\(wordStart)C" : "") + (style.isEmpty ? "" : Style.reset) + "\u{1B}[K"
                        let taken = word
                        breakRow(into: &out, styled: styleAtWord)
                        out += taken
                        column += wordColumns
                        word = taken
                        wordStart = indent
                    } else {
                        // At the start of the row already, or too long for any: broken where the row ends.
                        breakRow(into: &out)
                        startWord(at: column)
                    }
                }
                out.append(character)
                word.append(character)
                column += columns
                wordColumns += columns
            }
        }
        return out
    }

    private mutating func emitStyle(_ sequence: String, into out: inout String) {
        out += sequence
        if sequence == Style.reset || sequence == "\u{1B}[m" {
            style = ""
        } else if sequence.hasSuffix("m") {
            style += sequence
        }
        if wordColumns == 0 { styleAtWord = style } else { word += sequence }
    }

    /// Ends the row and starts the next at the indent (a quote's rows each with its bar), with
    /// `styled` (the styles in effect) set again.
    private mutating func breakRow(into out: inout String, styled: String? = nil) {
        if !style.isEmpty { out += Style.reset }
        out += "\n"
        if let bar = marker.quoteBar, bar + 2 <= indent {
            out += String(repeating: " ", count: bar) + Style.dim + "│" + Style.reset + String(repeating: " ", count: indent - bar - 1)
        } else {
            out += String(repeating: " ", count: indent)
        }
        out += styled ?? style
        column = indent
    }

    private mutating func startWord(at column: Int) {
        word = ""
        wordColumns = 0
        wordStart = column
        styleAtWord = style
    }

    private mutating func readMarker(_ character: Character) {
        guard !marker.done else { return }
        marker.read(character)
    }

    /// `text`, known whole, in lines of at most `width` columns, broken at spaces; a word longer than
    /// a line has a line of its own. (A stream is fitted as it comes by the wrapper itself.)
    public static func lines(of text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var used = 0
        for word in text.split(separator: " ") {
            let columns = word.reduce(0) { $0 + Self.columns(of: $1) }
            if line.isEmpty {
                (line, used) = (String(word), columns)
            } else if used + 1 + columns <= width {
                line += " " + word
                used += 1 + columns
            } else {
                lines.append(line)
                (line, used) = (String(word), columns)
            }
        }
        lines.append(line)
        return lines
    }

    /// The columns a character takes in a terminal: two for East Asian wide and emoji, none for
    /// combining marks and zero-width characters, else one.
    public static func columns(of character: Character) -> Int {
        if character.isASCII { return 1 }
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if scalar.properties.isEmojiPresentation || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        case 0x200B...0x200F, 0x2060...0x2064, 0xFEFF:
            return 0
        default:
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            default: return 1
            }
        }
    }
}

/// Reads the start of a line for its hanging indent: leading spaces, then a list marker (`•`, `1.`,
/// `1)`, or unrendered `-`, `*`, `+`) or a quote's bar (`│`, or an unrendered `>`) and the space after
/// it. The first other character decides it.
struct MarkerReader: Sendable {
    private(set) var done = false
    private(set) var indent = 0
    /// The column of a quote's bar, when the line is a quote.
    private(set) var quoteBar: Int?
    private var seen = 0
    private var state = State.leading

    private enum State: Sendable { case leading, digits, mark }

    mutating func read(_ character: Character) {
        seen += 1
        switch (state, character) {
        case (.leading, " "):
            indent = seen
        case (.leading, "│"):
            quoteBar = seen - 1
            state = .mark
        case (.leading, "•"), (.leading, "-"), (.leading, "*"), (.leading, "+"), (.leading, ">"), (.digits, "."), (.digits, ")"):
            state = .mark
        case (.leading, _) where character.isASCII && character.isNumber, (.digits, _) where character.isASCII && character.isNumber:
            state = .digits
        case (.mark, " "):
            indent = seen
            done = true
        default:
            done = true
        }
    }
}
