import ParleyCommands

/// `/help [command]`.
struct HelpCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "help", aliases: ["?"], arguments: "[command]",
        help: "list commands, or show one command's help", completes: .command)
    /// The command asked about; nil for all.
    var topic: CommandSpec?

    init(topic: CommandSpec?) {
        self.topic = topic
    }

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty else {
            self.init(topic: nil)
            return
        }
        let name = argument.hasPrefix("/") ? String(argument.dropFirst()) : argument
        guard let topic = SlashCommands.catalog.lookup(name) else {
            let near = SlashCommands.catalog.suggestion(for: name).map { " Did you mean /\($0.name)?" } ?? ""
            throw CommandRefusal("There is no command /\(name).\(near)", showsUsage: false)
        }
        self.init(topic: topic)
    }

    func run(_ context: CommandContext) -> [CommandEffect] {
        [.print(topic.map(CommandCatalog.helpText(for:)) ?? SlashCommands.catalog.helpText(width: context.columns))]
    }
}

/// `/quit`.
struct QuitCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "quit", aliases: ["exit", "q"], help: "leave parley (Ctrl-D too)", availability: .always)

    func run(_ context: CommandContext) -> [CommandEffect] { [.quit] }
}
