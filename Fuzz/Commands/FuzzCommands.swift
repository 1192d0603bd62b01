import FuzzDriver
import ParleyCommands

@testable import ParleyShell

/// A typed line through the command parser and the real catalog (`SlashCommands`: every command's own
/// reading of its argument), between replies and while one streams; Tab's completions for it; and the
/// path words of `/attach`:
/// - nothing crashes; a line that is not a command is sent as it was typed;
/// - a path completed in the quoting (or backslashes) its word was begun with reads back as that path.
@main
enum FuzzCommands {
    static func main() {
        runFuzzer(check)
    }

    static func check(_ input: UnsafeBufferPointer<UInt8>) {
        let line = String(decoding: input, as: UTF8.self)
        for idle in [true, false] {
            switch SlashCommands.parse(line, idle: idle) {
            case let .message(text):
                let trimmed = line.trimmingWhitespace
                if !trimmed.hasPrefix("/") { require(text == line, "the message \(text.debugDescription) is not the line typed") }
                if trimmed.hasPrefix("//") { require(text.hasPrefix("/"), "a // line sends \(text.debugDescription)") }
            case .command, .empty, .refused: break
            }
        }
        _ = CommandParser.completions(
            for: line, catalog: SlashCommands.catalog, models: { ["SmolLM2-135M-Instruct", "gpt-4o"] },
            paths: { [$0 + "x", $0 + "dir/", "a b/c'd\"e\\f"] })
        _ = try? CommandParser.saveOption(in: line)
        _ = PathWords.split(line)

        // The line as a path, completed in a word begun with a quote, a double quote or neither.
        for begun in ["'", "\"", ""] {
            let typed = PathWords.typed(line, like: begun + "x")
            let read = PathWords.lastWord("/attach " + typed)
            require(
                read.value == line,
                "\(line.debugDescription) typed as \(typed.debugDescription) reads back as \(read.value.debugDescription)")
        }
    }
}
