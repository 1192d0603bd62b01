/// Markdown taken apart for `/copy code` and `/say`.
public enum MarkdownText {
    /// The last fenced code block's contents, without its fences.
    public static func lastCodeBlock(in markdown: String) -> String? {
        var blocks: [[Substring]] = []
        var current: [Substring]?
        var fence: Substring = ""
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = current {
                if trimmed.hasPrefix(fence), trimmed.allSatisfy({ $0 == fence.first || $0 == " " }) {
                    blocks.append(open)
                    current = nil
                } else {
                    current = open + [line]
                }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix { $0 == trimmed.first }
                current = []
            }
        }
        if let open = current { blocks.append(open) }  // a block the reply never closed
        return blocks.last.map { $0.joined(separator: "\n") }
    }

    /// Text to read aloud: no marks, no fences, link text without its target, one space per gap.
    public static func plain(_ markdown: String) -> String {
        var lines: [String] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line.drop { $0 == " " })
            if text.hasPrefix("```") || text.hasPrefix("~~~") { continue }
            while text.hasPrefix("#") || text.hasPrefix(">") { text = String(text.dropFirst()).trimmingLeading() }
            if text.hasPrefix("- ") || text.hasPrefix("* ") || text.hasPrefix("+ ") { text = String(text.dropFirst(2)) }
            if text.allSatisfy({ "-*_ ".contains($0) }), text.count >= 3 { continue }
            lines.append(text)
        }
        var text = lines.joined(separator: "\n")
        text = replaceLinks(text)
        text = text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
            .replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "*", with: "")
        return text.split(whereSeparator: { $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// `[text](url)` → `text`.
    static func replaceLinks(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "]"), after[close...].dropFirst().first == "(",
                let end = after[close...].firstIndex(of: ")")
            {
                out += after[..<close]
                rest = after[after.index(after: end)...]
            } else {
                out += "["
                rest = after
            }
        }
        return out + rest
    }

    /// Pieces of at most `limit` characters, cut after a sentence (or a line, or a space) when one is near.
    public static func pieces(_ text: String, limit: Int) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while rest.count > limit {
            let window = rest.prefix(limit)
            let cut =
                window.lastIndex(where: { ".!?\n".contains($0) }).map { window.index(after: $0) }
                ?? window.lastIndex(of: " ").map { window.index(after: $0) } ?? window.endIndex
            result.append(String(rest[..<cut]).trimmingCharacters(in: .whitespaces))
            rest = rest[cut...]
        }
        let last = String(rest).trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { result.append(last) }
        return result
    }
}

extension String {
    func trimmingLeading() -> String { String(drop { $0 == " " }) }

    func trimmingCharacters(in set: Set<Character>) -> String {
        let start = firstIndex { !set.contains($0) } ?? endIndex
        let end = lastIndex { !set.contains($0) }.map { index(after: $0) } ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}

extension Set where Element == Character {
    static let whitespaces: Set<Character> = [" ", "\t"]
    static let whitespacesAndNewlines: Set<Character> = [" ", "\t", "\n", "\r"]
}
