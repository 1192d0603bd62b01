import ParleyCommands

/// A slash command, whole in one type: its row (`spec`: name, aliases, argument syntax, help, when it
/// may run, what Tab completes), how its argument is read (`init(argument:)`), and what it does
/// (`run(_:)`: given the session and what it may read, the effects the shell is to carry out). Every
/// command is listed once, in `SlashCommands.all`; `/help`, Tab, "did you mean" and dispatch all read
/// that list.
protocol SlashCommand: Sendable {
    static var spec: CommandSpec { get }
    /// Reads the argument: the rest of the line, trimmed (empty when none was given).
    init(argument: String) throws(CommandRefusal)
    /// What to do, as effects; a failure thrown is said as an error (and a script's run fails).
    @MainActor func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect]
}

/// A command that takes no argument.
protocol PlainCommand: SlashCommand {
    init()
}

extension PlainCommand {
    init(argument: String) throws(CommandRefusal) {
        guard argument.isEmpty else { throw CommandRefusal("/\(Self.spec.name) takes no argument.") }
        self.init()
    }
}

/// The one list of slash commands, in `/help`'s order.
enum SlashCommands {
    static let all: [any SlashCommand.Type] = [
        HelpCommand.self, ModelCommand.self, SystemCommand.self, TemperatureCommand.self, TopPCommand.self,
        MaxTokensCommand.self, SettingsCommand.self, ResetCommand.self, RegenerateCommand.self, RetryCommand.self,
        EditCommand.self, ComposeCommand.self, TrimCommand.self, HistoryCommand.self, ThinkCommand.self, AttachCommand.self,
        DetachCommand.self,
        CopyCommand.self, SayCommand.self, CodeCommand.self, NewCommand.self, ChatsCommand.self, OpenCommand.self,
        RenameCommand.self, ForkCommand.self, DeleteCommand.self, SearchCommand.self, SaveCommand.self, StatsCommand.self,
        DebugCommand.self, QuitCommand.self,
    ]

    static let catalog = CommandCatalog(all.map { $0.spec })

    /// What a line is, its command's argument read.
    enum Input {
        case message(String)
        case command(any SlashCommand)
        case empty
        case refused(String)
    }

    static func parse(_ line: String, idle: Bool = true) -> Input {
        switch CommandParser.parse(line, catalog: catalog, idle: idle) {
        case let .message(text): return .message(text)
        case .empty: return .empty
        case let .refused(reason): return .refused(reason)
        case let .command(spec, argument):
            guard let type = all.first(where: { $0.spec.name == spec.name }) else { return .refused("Unknown command /\(spec.name).") }
            do {
                return .command(try type.init(argument: argument))
            } catch {
                return .refused(error.sentence(for: spec))
            }
        }
    }
}
