import ParleyCommands
import ParleyHTTP

/// `/compose [TEXT]`: the next message written in the user's editor (`$VISUAL`, `$EDITOR`, `vi`),
/// starting from TEXT; what the editor leaves comes back into the prompt, newlines kept, for review,
/// and Enter sends it. Ctrl-X Ctrl-E does the same with the line being typed.
struct ComposeCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "compose", arguments: "[TEXT]", help: "write the next message in $VISUAL or $EDITOR (Ctrl-X Ctrl-E: the line so far)")
    var text: String

    init(argument: String) throws(CommandRefusal) {
        text = argument
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        guard context.canAsk else {
            throw CommandFailure("/compose opens your editor at a terminal's prompt; piped, a \"\"\" block holds a message of many lines.")
        }
        return [
            .compose(text) { result in
                let written: String
                switch result {
                case let .success(text): written = text
                case let .failure(failure): return [.fail(failure.description)]
                }
                guard !written.allSatisfy(\.isWhitespace) else { return [.notice("The editor left no text; nothing was sent.")] }
                // Back in the prompt, newlines kept, for review: Enter sends it.
                return [
                    .ask(prompt: context.prompt, initialText: written) { entry in
                        entry.map { [.remember(URLPassword.redacted($0)), .enter($0)] } ?? []
                    }
                ]
            }
        ]
    }
}
