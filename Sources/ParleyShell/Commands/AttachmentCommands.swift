import Foundation
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyWire

/// `/attach PATH|URL...` or `/attach !COMMAND`: files (globs expanded), web pages or a command's
/// output for the next message, each told by its content.
struct AttachCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "attach", arguments: "PATH|URL...|!CMD",
        help: "add files (text, code, PDF, images), web pages or a command's output to the next message", completes: .paths)
    var sources: [AttachSource]

    init(argument: String) throws(CommandRefusal) {
        sources = try AttachSource.parse(argument)
    }

    func run(_ context: CommandContext) -> [CommandEffect] { [.attach(sources)] }
}

/// What `/attach` and `-f` name: a path (a glob is expanded), an http(s) URL, or a command.
enum AttachSource: Equatable {
    case path(String)
    case url(String)
    case command(String)

    /// `!CMD` is one command, the rest of the line; anything else is words, each a path or a URL.
    static func parse(_ argument: String) throws(CommandRefusal) -> [AttachSource] {
        let trimmed = argument.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("!") {
            let command = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            if command.isEmpty { throw CommandRefusal("Attach the output of which command?") }
            return [.command(command)]
        }
        let words = PathWords.split(trimmed)
        if words.isEmpty { throw CommandRefusal("Attach which files?") }
        return words.map(word)
    }

    /// One word of `/attach` or one `-f`: a URL when it starts with http:// or https://.
    static func word(_ word: String) -> AttachSource {
        let lower = word.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? .url(word) : .path(word)
    }
}

/// `/detach [N|all]`.
struct DetachCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "detach", arguments: "[N|all]", help: "remove pending attachment N, or all of them", completes: .fixed(["all"]))
    /// Nil: all of them.
    var number: Int?

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty, argument != "all" else { return }
        number = try CommandParser.number(argument, of: "an attachment")
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        var session = context.session
        let pending = session.pendingAttachments.count
        guard pending > 0 else { throw CommandFailure("Nothing is waiting to be sent with the next message.") }
        guard session.detach(number) else {
            throw CommandFailure("There is no attachment \(number ?? 0); \(pending) \(pending == 1 ? "is" : "are") waiting.")
        }
        return [.session(session), session.pendingAttachments.isEmpty ? .notice("Nothing is attached now.") : .showPending]
    }
}
