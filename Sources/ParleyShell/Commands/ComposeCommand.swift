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

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let editor = shell.editor else {
            shell.fail("/compose opens your editor at a terminal's prompt; piped, a \"\"\" block holds a message of many lines.")
            return .done
        }
        let written: String
        switch shell.services.composer.compose(text) {
        case let .success(text): written = text
        case let .failure(failure):
            shell.fail(failure.description)
            return .done
        }
        guard !written.allSatisfy(\.isWhitespace) else {
            shell.console.notice("The editor left no text; nothing was sent.")
            return .done
        }
        guard case let .line(entry) = editor.readLine(prompt: shell.promptText(), initialText: written) else { return .done }
        editor.remember(URLPassword.redacted(entry))
        return await shell.process(entry, transcript: false)
    }
}
