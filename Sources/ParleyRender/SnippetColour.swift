/// A little colour for `/code`'s snippets in a terminal: strings green, comments dim, a few keywords
/// magenta. `comment` starts a comment line in the snippet's language (`#`, `//`).
public enum SnippetColour {
    public static func apply(_ code: String, comment: String, style: Style) -> String {
        guard style.enabled else { return code }
        let keywords: Set<String> = ["import", "from", "const", "await", "new", "for", "in", "of", "print", "curl"]
        return code.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(comment) { return style.apply(Style.dim, to: String(line)) }
            var out = ""
            var inString = false
            var word = ""
            func flushWord() {
                out += keywords.contains(word) ? style.apply(Style.magenta, to: word) : word
                word = ""
            }
            var previous: Character = " "
            for character in line {
                if character == "\"", previous != "\\" {
                    flushWord()
                    if inString { out += "\"" + Style.reset } else { out += Style.green + "\"" }
                    inString.toggle()
                } else if inString {
                    out.append(character)
                } else if character.isLetter {
                    word.append(character)
                } else {
                    flushWord()
                    out.append(character)
                }
                previous = character
            }
            flushWord()
            return out + (inString ? Style.reset : "")
        }.joined(separator: "\n")
    }
}
