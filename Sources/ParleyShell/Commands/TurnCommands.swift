import Foundation
import ParleyCommands

/// `/regen`: the session truncates after the last message and asks again.
struct RegenerateCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "regen", aliases: ["regenerate"], help: "ask again for the last reply (it is replaced)")

    func run(_ context: CommandContext) -> [CommandEffect] { [.turn(.regenerate)] }
}

/// `/retry`: the session sends again the message whose request failed.
struct RetryCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "retry", help: "send again the message whose request failed")

    func run(_ context: CommandContext) -> [CommandEffect] { [.turn(.retry)] }
}

/// `/edit N`: the message in the line editor; Enter resends it and drops what came after.
struct EditCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(name: "edit", arguments: "N", help: "edit your message N; Enter resends it and drops what came after")
    var number: Int

    init(number: Int) {
        self.number = number
    }

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty else { throw CommandRefusal("Which message? /history shows their numbers.") }
        number = try CommandParser.number(argument, of: "a message")
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        let messages = context.session.messages
        guard messages.indices.contains(number - 1), messages[number - 1].role == .user else {
            throw CommandFailure("Message \(number) is not one of your messages; /history shows their numbers.")
        }
        guard context.canAsk else { throw CommandFailure("/edit needs a terminal to edit in.") }
        return [
            .ask(prompt: "edit #\(number) › ", initialText: messages[number - 1].text) { [number] answer in
                guard let text = answer, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    return [.notice("Edit abandoned; nothing changed.")]
                }
                return [.remember(text), .turn(.edit(number: number, text: text))]
            }
        ]
    }
}

/// `/trim [N]`: the N oldest turns left out of what is sent (by default as many as the model's
/// window, as the server said it, needs); they stay in the conversation and `/history` marks them.
struct TrimCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "trim", arguments: "[N]",
        help: "leave the N oldest turns out of what is sent (default: as many as the model's window needs); they stay")
    var turns: Int?

    init(argument: String) throws(CommandRefusal) {
        turns = argument.isEmpty ? nil : try CommandParser.number(argument, of: "a turn")
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        var session = context.session
        let dropped: Int
        do {
            dropped = try session.trim(turns: turns, window: session.contextWindow)
        } catch {
            throw CommandFailure(error.sentence)
        }
        let what = dropped == 1 ? "The oldest turn is" : "The \(dropped) oldest turns are"
        return [
            .session(session),
            .notice("\(what) no longer sent (/history marks them); the next request sends the rest, as /retry does now."),
        ]
    }
}
