import Foundation
import ParleyCommands
import ParleyRender
import ParleyStore

/// `/history`: one line a message, numbered; in a terminal, as much of it as the line has room for.
struct HistoryCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "history", help: "list this conversation's messages, numbered")

    func run(_ context: CommandContext) -> [CommandEffect] {
        let messages = context.session.messages
        guard !messages.isEmpty else { return [.print("No messages yet.")] }
        let model = context.replier
        let columns = context.columns
        let lines = messages.enumerated().map { index, message -> String in
            let who = message.role == .user ? "you" : model
            let status =
                (message.status == .complete ? "" : " [\(message.status.rawValue)]")
                + (index < context.session.sentFrom ? " [not sent: /trim]" : "")
            let images = message.attachments.map { " " + TerminalSanitizer.clean($0.sourceLine) }.joined()
            let text = TerminalSanitizer.clean(message.text)
            let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let head = "#\(index + 1) \(who): "
            let tail = images + status
            let start = text.contains("\n") ? firstLine + "…" : firstLine
            // In a terminal, as many columns as the line has room for; piped, 70 characters.
            guard let columns else { return head + start.cut(toCharacters: 71) + tail }
            return head + start.cut(to: max(20, columns - head.terminalColumns - tail.terminalColumns)) + tail
        }
        return [.print(lines.joined(separator: "\n"))]
    }
}

/// `/search TEXT`: messages of every conversation, the words found marked.
struct SearchCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(name: "search", arguments: "TEXT", help: "find messages in every conversation")
    var text: String

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty else { throw CommandRefusal("Search for what?") }
        text = argument
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        let store = try context.requireStore()
        let hits: [SearchHit]
        do {
            hits = try store.search(text)
        } catch {
            throw CommandFailure("\(error)")
        }
        guard !hits.isEmpty else { return [.print("No message contains \"\(text)\".")] }
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let model = context.replier
        let columns = context.columns
        let style = context.style
        let lines = hits.map { hit -> String in
            let content = TerminalSanitizer.clean(hit.content)
            let line =
                content.split(separator: "\n").first { line in words.contains { line.localizedCaseInsensitiveContains($0) } }
                .map(String.init) ?? content
            let who = hit.role == "user" ? "you" : model
            let title = TerminalSanitizer.clean(hit.conversationTitle)
            guard let columns else {
                return "\(title) #\(hit.messageNumber) \(who): " + Self.highlight(String(line.prefix(160)), words, style: style)
            }
            // In a terminal, one line a hit: a shorter title, and the part of the line with the match.
            let head = "\(title.cut(to: 30)) #\(hit.messageNumber) \(who): "
            return head
                + Self.highlight(Self.excerpt(of: line, around: words, room: max(20, columns - head.terminalColumns)), words, style: style)
        }
        return [.print(lines.joined(separator: "\n"))]
    }

    /// At most `room` columns of `line`, showing the first of `words` found in it: its start, or
    /// a part from a little before the match, "…" marking what is left out.
    static func excerpt(of line: String, around words: [String], room: Int) -> String {
        let total = line.terminalColumns
        guard total > room else { return line }
        let match = words.compactMap { line.range(of: $0, options: .caseInsensitive) }.min { $0.lowerBound < $1.lowerBound }
        guard let match, line[..<match.upperBound].terminalColumns > room - 1 else { return line.cut(to: room) }
        // From a third of the room before the match, but no later than the end needs.
        let skip = max(1, min(line[..<match.lowerBound].terminalColumns - room / 3, total - (room - 1)))
        var dropped = 0
        let rest = line.drop { character in
            guard dropped < skip else { return false }
            dropped += LineWrapper.columns(of: character)
            return true
        }
        return ("…" + rest).cut(to: room)
    }

    /// `line` with each of `words` in bold yellow (when styles are on).
    static func highlight(_ line: String, _ words: [String], style: Style) -> String {
        guard style.enabled else { return line }
        var result = line
        for word in words {
            var searchStart = result.startIndex
            while let range = result.range(of: word, options: .caseInsensitive, range: searchStart..<result.endIndex) {
                let marked = Style.bold + Style.yellow + result[range] + Style.reset
                result.replaceSubrange(range, with: marked)
                searchStart = result.index(range.lowerBound, offsetBy: marked.count)
            }
        }
        return result
    }
}
