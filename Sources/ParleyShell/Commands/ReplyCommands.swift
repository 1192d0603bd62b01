import Foundation
import ParleyAPI
import ParleyCommands
import ParleyHTTP
import ParleyRender
import ParleySession
import ParleyStore
import ParleyWire

/// `/think [N]`: the reasoning of reply N (default: the last reply that has some).
struct ThinkCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(name: "think", arguments: "[N]", help: "show the reasoning of reply N (default: the last)")
    var number: Int?

    init(argument: String) throws(CommandRefusal) {
        number = argument.isEmpty ? nil : try CommandParser.number(argument, of: "a message")
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        let messages = context.session.messages
        let index: Int? =
            if let number {
                messages.indices.contains(number - 1) ? number - 1 : nil
            } else {
                messages.lastIndex { $0.role == .assistant && !$0.reasoning.isEmpty }
            }
        guard let index, messages[index].role == .assistant else {
            throw CommandFailure(
                number.map { "Message \($0) is not a reply; /history shows the numbers." } ?? "No reply has reasoning yet.")
        }
        guard !messages[index].reasoning.isEmpty else { return [.print("Reply #\(index + 1) has no reasoning.")] }
        return [.print("Reasoning of reply #\(index + 1):", codes: Style.bold), .print(messages[index].reasoning, codes: Style.dim)]
    }
}

/// `/copy [N|code]`: a reply (or its last code block) to the clipboard, never its escapes.
struct CopyCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "copy", arguments: "[N|code]",
        help: "copy reply N (default the last) to the clipboard, or its last code block", completes: .fixed(["code"]))
    var number: Int?
    var code = false

    init(argument: String) throws(CommandRefusal) {
        for word in argument.split(separator: " ") {
            if word == "code" {
                code = true
            } else if let value = Int(word), value > 0 {
                number = value
            } else {
                throw CommandRefusal("\"\(word)\" is neither a message number nor code.")
            }
        }
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        var text = TerminalSanitizer.clean(try context.reply(number).text)
        if code {
            guard let block = MarkdownText.lastCodeBlock(in: text) else { throw CommandFailure("That reply has no code block.") }
            text = block
        }
        return [
            .copy(text) { [text] copy in
                guard !copy.tools.isEmpty || copy.sentToTerminal else {
                    return [.fail("No clipboard is available here: install wl-copy, xclip or xsel (a terminal also takes OSC 52).")]
                }
                return [.notice(Self.sentence(copy, characters: text.count))]
            }
        ]
    }

    /// What was copied and how: a tool's copy is said as done, the terminal's as sent, with where it
    /// may not arrive.
    static func sentence(_ copy: ClipboardCopy, characters: Int) -> String {
        let terminal = "the terminal's clipboard (OSC 52)" + (copy.caveat.map { "; \($0)" } ?? "")
        guard !copy.tools.isEmpty else { return "Sent \(characters) characters to \(terminal)." }
        let copied = "Copied \(characters) characters (\(copy.tools.joined(separator: " and ")))"
        return copy.sentToTerminal ? "\(copied), and sent them to \(terminal)." : "\(copied)."
    }
}

/// `/code [curl|python|ts] [--save FILE [--force]]`: a snippet that repeats the last request.
struct CodeCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "code", arguments: "[\(CodeSnippet.Language.choices)] [--save FILE [--force]]",
        help: "a snippet that repeats this conversation's last request",
        completes: .fixed(CodeSnippet.Language.allCases.map(\.rawValue)))
    var language: CodeSnippet.Language
    var save: SaveTarget?

    init(argument: String) throws(CommandRefusal) {
        let (rest, save) = try CommandParser.saveOption(in: argument)
        guard let language = rest.isEmpty ? .curl : CodeSnippet.Language(rawValue: rest.lowercased()) else {
            throw CommandRefusal("\"\(rest)\" is not \(CodeSnippet.Language.said).")
        }
        self.language = language
        self.save = save
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        if let save { try context.checkWritable(save, command: "/code \(language.rawValue) --save \(save.path)") }
        let messages = context.session.messages
        let lastUser = messages.lastIndex { $0.role == .user }
        var snapshot = context.session
        snapshot.load(lastUser.map { Array(messages[...$0]) } ?? [Message(role: .user, text: "Hello!")])
        guard let request = snapshot.request() else { throw CommandFailure(ModelChoice.noModel) }
        let endpoint = context.configuration.endpoint
        let snippet = CodeSnippet.make(language, request: request, baseURL: endpoint.baseURL, keyVariable: endpoint.keySource)
        guard let save else { return [.raw(SnippetColour.apply(snippet, comment: language.comment, style: context.style))] }
        return [.write(Data(snippet.utf8), to: save.path), .notice("Saved the \(language.rawValue) snippet to \(save.path).")]
    }
}

/// `/stats`: usage and timings of the last reply.
struct StatsCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "stats", help: "token usage and timings of the last reply")

    func run(_ context: CommandContext) -> [CommandEffect] {
        guard let reply = context.session.messages.last(where: { $0.role == .assistant }), let timings = reply.timings else {
            return [.print("No reply yet.")]
        }
        var lines: [String] = []
        if let usage = reply.usage {
            lines.append("tokens: \(usage.promptTokens.map(String.init) ?? "?") in, \(usage.completionTokens.map(String.init) ?? "?") out")
        } else {
            lines.append("tokens: the server sent no usage figures")
        }
        if let first = timings.timeToFirstToken { lines.append(String(format: "time to first token: %.0f ms", first * 1000)) }
        lines.append(String(format: "duration: %.2f s", timings.duration))
        if let rate = timings.tokensPerSecond(reply.usage) { lines.append(String(format: "speed: %.1f tokens/s", rate)) }
        // How much of the model's window the last request used: the window from the server's list, or
        // from a context-length error.
        guard let used = reply.usage?.promptTokens else { return [.print(lines.joined(separator: "\n"))] }
        let session = context.session
        return [
            .models(refresh: false) { [lines] listed in
                let model = (try? listed.get())?.first { $0.id == session.settings.model }
                guard let window = model?.contextWindow ?? session.contextWindow, window > 0 else {
                    return [.print(lines.joined(separator: "\n"))]
                }
                return [.print((lines + ["context: \(used) of \(window) tokens (\(used * 100 / window)%)"]).joined(separator: "\n"))]
            }
        ]
    }
}

/// `/debug`: the last request's JSON (the key's variable, never the key) and the events received.
struct DebugCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "debug", help: "the last request's JSON and the events received (key redacted)")

    func run(_ context: CommandContext) -> [CommandEffect] {
        guard let request = context.lastRequest else { return [.print("No request yet.")] }
        let body =
            (try? JSONSerialization.jsonObject(with: Data(request.jsonBody())))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        let endpoint = context.configuration.endpoint
        var lines = ["POST \(URLPassword.redacted(endpoint.url("chat/completions")))"]
        if let source = endpoint.keySource { lines.append("Authorization: Bearer *** (from \(source))") }
        lines.append(body)
        let events = context.events()
        if events.isEmpty {
            lines.append("No events were received: the request failed before a reply began.")
        } else {
            lines.append("\(events.count) event(s) received:")
            lines += events.map { "data: " + TerminalSanitizer.clean($0) }
        }
        return [.print(lines.joined(separator: "\n"))]
    }
}
