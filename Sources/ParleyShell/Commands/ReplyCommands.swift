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

    func run(in shell: Shell) async -> Shell.Outcome {
        let messages = shell.session.messages
        let index: Int? =
            if let number {
                messages.indices.contains(number - 1) ? number - 1 : nil
            } else {
                messages.lastIndex { $0.role == .assistant && !$0.reasoning.isEmpty }
            }
        guard let index, messages[index].role == .assistant else {
            shell.fail(number.map { "Message \($0) is not a reply; /history shows the numbers." } ?? "No reply has reasoning yet.")
            return .done
        }
        guard !messages[index].reasoning.isEmpty else {
            shell.console.print("Reply #\(index + 1) has no reasoning.")
            return .done
        }
        shell.console.out.line("Reasoning of reply #\(index + 1):", codes: Style.bold)
        shell.console.out.line(messages[index].reasoning, codes: Style.dim)
        return .done
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

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let message = shell.reply(number) else { return .done }
        var text = TerminalSanitizer.clean(message.text)
        if code {
            guard let block = MarkdownText.lastCodeBlock(in: text) else {
                shell.fail("That reply has no code block.")
                return .done
            }
            text = block
        }
        let copy = shell.services.clipboard.copy(text)
        guard !copy.tools.isEmpty || copy.sentToTerminal else {
            shell.fail("No clipboard is available here: install wl-copy, xclip or xsel (a terminal also takes OSC 52).")
            return .done
        }
        shell.console.notice(Self.sentence(copy, characters: text.count))
        return .done
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
        name: "code", arguments: "[curl|python|ts] [--save FILE [--force]]",
        help: "a snippet that repeats this conversation's last request",
        completes: .fixed(CodeSnippet.Language.allCases.map(\.rawValue)))
    var language: CodeSnippet.Language
    var save: SaveTarget?

    init(argument: String) throws(CommandRefusal) {
        let (rest, save) = try CommandParser.saveOption(in: argument)
        guard let language = rest.isEmpty ? .curl : CodeSnippet.Language(rawValue: rest.lowercased()) else {
            throw CommandRefusal("\"\(rest)\" is not curl, python or ts.")
        }
        self.language = language
        self.save = save
    }

    func run(in shell: Shell) async -> Shell.Outcome {
        if let save, !shell.mayWrite(save, command: "/code \(language.rawValue) --save \(save.path)") { return .done }
        let messages = shell.session.messages
        let lastUser = messages.lastIndex { $0.role == .user }
        var snapshot = shell.session
        snapshot.load(lastUser.map { Array(messages[...$0]) } ?? [Message(role: .user, text: "Hello!")])
        guard let request = snapshot.request() else {
            shell.fail("No model is chosen: /model NAME first.")
            return .done
        }
        let endpoint = shell.configuration.endpoint
        let snippet = CodeSnippet.make(language, request: request, baseURL: endpoint.baseURL, keyVariable: endpoint.keySource)
        if let save {
            shell.write(Data(snippet.utf8), to: save.path, saying: "Saved the \(language.rawValue) snippet to \(save.path).")
        } else {
            shell.console.raw(SnippetColour.apply(snippet, language: language.rawValue, style: shell.console.style))
        }
        return .done
    }
}

/// `/stats`: usage and timings of the last reply.
struct StatsCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "stats", help: "token usage and timings of the last reply")

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let reply = shell.session.messages.last(where: { $0.role == .assistant }), let timings = reply.timings else {
            shell.console.print("No reply yet.")
            return .done
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
        let listed = (try? await shell.services.models.models(refresh: false))?.first { $0.id == shell.session.settings.model }
        if let used = reply.usage?.promptTokens, let window = listed?.contextWindow ?? shell.session.contextWindow, window > 0 {
            lines.append("context: \(used) of \(window) tokens (\(used * 100 / window)%)")
        }
        shell.console.print(lines.joined(separator: "\n"))
        return .done
    }
}

/// `/debug`: the last request's JSON (the key's variable, never the key) and the events received.
struct DebugCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "debug", help: "the last request's JSON and the events received (key redacted)")

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let request = shell.lastRequest else {
            shell.console.print("No request yet.")
            return .done
        }
        let body =
            (try? JSONSerialization.jsonObject(with: Data(request.jsonBody())))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        let endpoint = shell.configuration.endpoint
        var lines = ["POST \(URLPassword.redacted(endpoint.url("chat/completions")))"]
        if let source = endpoint.keySource { lines.append("Authorization: Bearer *** (from \(source))") }
        lines.append(body)
        let events = shell.eventLog.all
        if events.isEmpty {
            lines.append("No events were received: the request failed before a reply began.")
        } else {
            lines.append("\(events.count) event(s) received:")
            lines += events.map { "data: " + TerminalSanitizer.clean($0) }
        }
        shell.console.print(lines.joined(separator: "\n"))
        return .done
    }
}

extension Shell {
    /// Reply `number` (as `/history` numbers), else the last reply; says why when there is none.
    func reply(_ number: Int?) -> Message? {
        let messages = session.messages
        if let number {
            guard messages.indices.contains(number - 1), messages[number - 1].role == .assistant else {
                fail("Message \(number) is not a reply; /history shows the numbers.")
                return nil
            }
            return messages[number - 1]
        }
        guard let last = messages.last(where: { $0.role == .assistant }) else {
            fail("There is no reply yet.")
            return nil
        }
        return last
    }

    /// Whether `target` may be written: not a directory, nor a file that is there unless `--force` was
    /// given. Says why not, with the `command` (and `--force`) that would replace it.
    func mayWrite(_ target: SaveTarget, command: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: PathWords.expandTilde(target.path), isDirectory: &isDirectory) else { return true }
        if isDirectory.boolValue {
            fail("\(target.path) is a directory; give a file name.")
            return false
        }
        if !target.replacing {
            fail("\(target.path) exists; \(command) --force replaces it.")
            return false
        }
        return true
    }

    /// Writes `data` to `path` (`~` allowed), the user's alone (0600); then `notice`, or why it failed.
    func write(_ data: Data, to path: String, saying notice: String) {
        do {
            try DataDirectory.writePrivate(data, to: URL(fileURLWithPath: PathWords.expandTilde(path)))
            console.notice(notice)
        } catch {
            fail("Cannot write \(path): \(error)")
        }
    }
}
