/// Colours a fenced code block by its language as it streams, a character at a time: keywords,
/// built-in types and constants, strings, comments, numbers, functions (a word before `(`), and what
/// a language shows besides (shell variables, YAML keys, markup's tags and attributes, diff lines).
/// A word, or what may open a comment or string, is held only until the character that ends it;
/// strings and comments that span lines stay coloured across them. Colours are from the
/// 16-colour palette, so that they read on dark and light backgrounds.
public struct CodeHighlighter: Sendable {
    public enum Colour {
        public static let keyword = Style.magenta
        public static let type = Style.blue
        public static let function = Style.cyan
        public static let string = Style.green
        public static let number = Style.yellow
        public static let comment = Style.dim
        public static let variable = Style.cyan
        public static let attribute = Style.yellow
        public static let added = Style.green
        public static let removed = Style.red
        public static let hunk = Style.cyan
    }

    private enum Mode: Sendable, Equatable {
        case code
        case inside(LanguageRules.Token)
    }

    private let rules: LanguageRules
    /// The first characters of the language's openers: any other character opens nothing.
    private let openerStarts: Set<Character>
    private var mode = Mode.code
    /// A word being read; what may become a comment's or a string's opener.
    private var word = ""
    private var opening = ""
    /// Inside a string or comment: the characters since it opened (for its closer), and a backslash.
    private var tail = ""
    private var escaped = false
    private var previous: Character = "\n"
    private var insideTag = false
    private var afterAngle = false

    public init?(language: String) {
        guard let rules = LanguageRules.forTag(language) else { return nil }
        self.rules = rules
        openerStarts = Set(rules.openers.compactMap(\.text.first))
    }

    /// What a code line starts with: the colour of a string or comment the line before left open.
    public func startLine() -> String {
        guard case let .inside(token) = mode else { return "" }
        return Self.colour(of: token)
    }

    public mutating func add(_ character: Character) -> String {
        var out = ""
        add(character, into: &out)
        return out
    }

    /// Writes `character`, and what it lets go of, to `out`.
    public mutating func add(_ character: Character, into out: inout String) {
        if rules.diff { return diffLine(character, into: &out) }
        switch mode {
        case let .inside(token):
            inside(token, character, into: &out)
        case .code:
            code(character, into: &out)
        }
    }

    /// The line ended: what was held, written; a line comment or a one-line string ends with it.
    public mutating func endLine() -> String {
        var out = ""
        flushWord(before: "\n", into: &out)
        resolveOpening(into: &out)
        if case let .inside(token) = mode {
            switch token {
            case .lineComment, .string(_, false, _): mode = .code
            default: break
            }
            out += Style.reset
        } else if rules.diff, previous != "\n" {
            out += Style.reset
        }
        previous = "\n"
        escaped = false
        tail = ""  // a closer does not span a line break
        return out
    }

    // MARK: - Code

    private mutating func code(_ character: Character, into out: inout String) {
        if !word.isEmpty {
            if isWordCharacter(character) {
                word.append(character)
                return
            }
            flushWord(before: character, into: &out)
        }
        if !opening.isEmpty {
            let candidate = opening + String(character)
            if opens(candidate) {
                opening = candidate
                return openIfWhole(into: &out)
            }
            resolveOpening(into: &out)
            return add(character, into: &out)  // the mode may have changed
        }
        if openerStarts.contains(character), opens(String(character)), mayOpen(character) {
            opening = String(character)
            return openIfWhole(into: &out)
        }
        if let ascii = character.asciiValue {
            if Self.asciiWordStart[Int(ascii)] || rules.wordStarts.contains(character) {
                word = String(character)
                return
            }
        } else if character.isLetter || character.isNumber {
            word = String(character)
            return
        }
        plain(character, into: &out)
    }

    /// Letters, digits and `_`, by ASCII code.
    private static let asciiWordStart: [Bool] = (0..<128).map { code in
        let character = Character(UnicodeScalar(UInt8(code)))
        return character.isLetter || character.isNumber || character == "_"
    }

    /// A character of code that is neither a word nor a string or comment (markup: `<` and `>` open
    /// and close a tag).
    private mutating func plain(_ character: Character, into out: inout String) {
        previous = character
        if rules.markup {
            if character == "<" {
                insideTag = true
                afterAngle = true
            } else if character == ">" {
                insideTag = false
                afterAngle = false
            } else if character != "/" && character != "?" && character != "!" {
                afterAngle = false
            }
        }
        out.append(character)
    }

    private func isWordCharacter(_ character: Character) -> Bool {
        if let ascii = character.asciiValue, Self.asciiWordStart[Int(ascii)] { return true }
        return rules.wordCharacters.contains(character) || (character.asciiValue == nil && (character.isLetter || character.isNumber))
    }

    /// Whether some opener starts with `text`.
    private func opens(_ text: String) -> Bool {
        rules.openers.contains { $0.text.hasPrefix(text) && allowed($0) }
    }

    private func allowed(_ opener: LanguageRules.Opener) -> Bool {
        if rules.markup, case .string = opener.token { return insideTag }
        return true
    }

    private func mayOpen(_ character: Character) -> Bool {
        guard rules.commentNeedsSpace else { return true }
        let isComment = rules.openers.contains { $0.text == String(character) && $0.token == .lineComment }
        return !isComment || previous.isWhitespace || previous == "\n"
    }

    /// Opens `opening` when it is an opener and no longer one could still follow.
    private mutating func openIfWhole(into out: inout String) {
        guard let opener = rules.openers.first(where: { $0.text == opening && allowed($0) }),
            !rules.openers.contains(where: { $0.text.count > opening.count && $0.text.hasPrefix(opening) && allowed($0) })
        else { return }
        open(opener, into: &out)
    }

    /// What `opening` holds when it can go no further: the longest opener it starts with, opened and
    /// the rest read after it; or, when it starts with none, plain text.
    private mutating func resolveOpening(into out: inout String) {
        guard !opening.isEmpty else { return }
        let held = opening
        opening = ""
        guard
            let opener = rules.openers.filter({ held.hasPrefix($0.text) && allowed($0) }).max(by: { $0.text.count < $1.text.count })
        else {
            for character in held { plain(character, into: &out) }
            return
        }
        open(opener, into: &out)
        for character in held.dropFirst(opener.text.count) { add(character, into: &out) }
    }

    private mutating func open(_ opener: LanguageRules.Opener, into out: inout String) {
        opening = ""
        mode = .inside(opener.token)
        tail = ""
        escaped = false
        out += Self.colour(of: opener.token)
        out += opener.text
    }

    private mutating func flushWord(before next: Character, into out: inout String) {
        guard !word.isEmpty else { return }
        let text = word
        word = ""
        previous = text.last!
        guard let colour = colour(ofWord: text, before: next) else {
            out += text
            return
        }
        out += colour
        out += text
        out += Style.reset
    }

    private mutating func colour(ofWord text: String, before next: Character) -> String? {
        if rules.markup {
            defer { afterAngle = false }
            if afterAngle { return Colour.type }
            return insideTag ? Colour.attribute : nil
        }
        let first = text.first!
        if first.isNumber { return Colour.number }
        let key = rules.caseInsensitive ? text.lowercased() : text
        if rules.keysBeforeColon, next == ":" { return Colour.type }
        if rules.keywords.contains(key) || first == "@" || first == "#" { return Colour.keyword }
        if rules.types.contains(key) { return Colour.type }
        if first == "$" { return Colour.variable }
        if rules.macros, next == "!" { return Colour.function }
        if next == "(" { return Colour.function }
        if rules.capitalizedTypes, first.isUppercase { return Colour.type }
        return nil
    }

    // MARK: - Inside strings and comments

    private mutating func inside(_ token: LanguageRules.Token, _ character: Character, into out: inout String) {
        out.append(character)
        switch token {
        case .lineComment:
            return
        case let .blockComment(closer):
            close(closer, after: character, into: &out)
        case let .string(closer, _, escapes):
            if escapes, escaped {
                escaped = false
                return
            }
            if escapes, character == "\\" {
                escaped = true
                return
            }
            close(closer, after: character, into: &out)
        }
    }

    private mutating func close(_ closer: String, after character: Character, into out: inout String) {
        if closer.count == 1 {
            guard character == closer.first else { return }
        } else {
            tail.append(character)
            if tail.count > closer.count { tail.removeFirst(tail.count - closer.count) }
            guard tail == closer else { return }
        }
        mode = .code
        tail = ""
        previous = character
        out += Style.reset
    }

    static func colour(of token: LanguageRules.Token) -> String {
        switch token {
        case .lineComment, .blockComment: return Colour.comment
        case .string: return Colour.string
        }
    }

    // MARK: - Diff

    private mutating func diffLine(_ character: Character, into out: inout String) {
        defer { previous = character }
        guard previous == "\n" else { return out.append(character) }
        switch character {
        case "+": out += Colour.added
        case "-": out += Colour.removed
        case "@": out += Colour.hunk
        default: break
        }
        out.append(character)
    }
}
