import Foundation
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyStore

/// `/new`.
struct NewCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "new", help: "start a new conversation")

    func run(_ context: CommandContext) -> [CommandEffect] { [.newConversation, .notice("New conversation.")] }
}

/// `/chats`: one line each, most recent first; in a terminal, a long title is cut to keep the line.
struct ChatsCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "chats", help: "list the conversations, most recent first")

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        _ = try context.requireStore()
        let list = context.listedConversations()
        guard !list.isEmpty else { return [.print("No conversations yet.")] }
        let columns = context.columns  // asked of the terminal once, not for each line
        let lines = list.enumerated().map { index, chat -> String in
            let current = chat.id == context.conversationID ? "*" : " "
            let count = chat.messageCount == 1 ? "1 message" : "\(chat.messageCount) messages"
            let head = "\(current)\(String(index + 1).leftPadded(to: 3)). "
            // The id's start: what --chat and /open take besides the number and the title.
            let tail = " · \(count) · \(RelativeTime.describe(chat.updated)) · \(chat.id.prefix(8))"
            let title = TerminalSanitizer.clean(chat.title)
            return head + (columns.map { title.cut(to: max(10, $0 - head.terminalColumns - tail.terminalColumns)) } ?? title) + tail
        }
        return [.print(lines.joined(separator: "\n"))]
    }
}

/// `/open N|ID|TITLE`.
struct OpenCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(name: "open", arguments: "N|ID|TITLE", help: "open a conversation (N as /chats numbers them)")
    var target: String

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty else { throw CommandRefusal("Which conversation? /chats lists them.") }
        target = argument
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        let conversation = try context.findConversation(target)
        let messages: [Message]
        do {
            messages = try context.requireStore().messages(in: conversation.id).map(ConversationKeeper.message)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
        return [
            .open(conversation, messages: messages),
            .notice("Opened \"\(TerminalSanitizer.clean(conversation.title))\" (\(messages.count) messages); /history lists them."),
        ]
    }
}

/// `/rename TITLE`.
struct RenameCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(name: "rename", arguments: "TITLE", help: "give this conversation a title")
    var title: String

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty else { throw CommandRefusal("What title?") }
        title = argument
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        _ = try context.requireStore()
        guard let id = context.conversationID else {
            throw CommandFailure("Nothing to rename yet: the conversation starts with its first message.")
        }
        return [.rename(id: id, title: title), .notice("Renamed to \"\(title)\".")]
    }
}

/// `/delete [N] [--yes]`: asks first at a prompt; a script must say `--yes`.
struct DeleteCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "delete", arguments: "[N] [--yes]", help: "delete this conversation, or conversation N of /chats",
        completes: .fixed(["--yes"]))
    var number: Int?
    var confirmed: Bool

    init(argument: String) throws(CommandRefusal) {
        let (rest, confirmed) = CommandParser.flag("--yes", in: argument)
        self.confirmed = confirmed
        let words = rest.split(separator: " ").map(String.init)
        guard !words.isEmpty else { return }
        guard words.count == 1 else { throw CommandRefusal("\"\(words.joined(separator: " "))\" is not a conversation number.") }
        number = try CommandParser.number(words[0], of: "a conversation")
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        _ = try context.requireStore()
        let conversation: StoredConversation
        if let number {
            conversation = try context.findConversation(String(number))
        } else if context.conversationID == nil {
            throw CommandFailure("Nothing to delete: this conversation has no message yet.")
        } else if let stored = context.storedConversation {
            conversation = stored
        } else {
            throw CommandFailure("This conversation could not be read from the store; /chats lists the ones that can.")
        }
        let title = TerminalSanitizer.clean(conversation.title)
        let delete: [CommandEffect] = [.delete(conversation), .notice("Deleted \"\(title)\".")]
        guard !confirmed else { return delete }
        guard context.canAsk else {
            throw CommandFailure("In a script, /delete needs --yes: /delete \(number.map(String.init) ?? "N") --yes")
        }
        return [
            .ask(prompt: "Delete \"\(title)\"? [y/N] ", initialText: nil) { answer in
                ["y", "yes"].contains(answer?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
                    ? delete : [.notice("Nothing was deleted.")]
            }
        ]
    }
}

/// `/save FILE [--force]`: Markdown, or JSON for a `.json` file.
struct SaveCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "save", arguments: "FILE [--force]",
        help: "save this conversation as Markdown, or JSON for a .json FILE", completes: .file)
    var target: SaveTarget

    init(argument: String) throws(CommandRefusal) {
        let (path, force) = CommandParser.flag("--force", in: argument)
        guard !path.isEmpty else { throw CommandRefusal("Save to which file?") }
        target = SaveTarget(path, replacing: force)
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        try context.checkWritable(target, command: "/save \(target.path)")
        let session = context.session
        let stored = context.storedConversation
        let title = stored?.title ?? session.messages.first.map { ConversationKeeper.title(from: $0.text) } ?? "Untitled"
        let data =
            PathWords.expandTilde(target.path).lowercased().hasSuffix(".json")
            ? Transcript.json(
                id: context.conversationID, title: title, settings: session.settings, messages: session.messages,
                created: stored?.created, updated: stored?.updated)
            : Data(Transcript.markdown(title: title, settings: session.settings, messages: session.messages).utf8)
        return [.write(data, to: target.path), .notice("Saved \(session.messages.count) messages to \(target.path).")]
    }
}

/// `/fork [N]`: a new conversation holding copies of messages 1 to N of this one (all by default),
/// with its settings; the original is left as it is.
struct ForkCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "fork", arguments: "[N]", help: "start a new conversation with messages 1 to N of this one (default all); this one stays")
    var number: Int?

    init(argument: String) throws(CommandRefusal) {
        number = argument.isEmpty ? nil : try CommandParser.number(argument, of: "a message")
    }

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        let messages = context.session.messages
        guard !messages.isEmpty else { throw CommandFailure("Nothing to fork: this conversation has no message yet.") }
        let count = number ?? messages.count
        guard count <= messages.count else {
            throw CommandFailure("There is no message \(count); this conversation has \(messages.count).")
        }
        return [
            .fork(
                messages: Array(messages.prefix(count)),
                title: context.storedConversation.map { TerminalSanitizer.clean($0.title) + " (fork)" }),
            .notice(
                "Forked \(count) message\(count == 1 ? "" : "s") into a new conversation; the original is as it was (/chats lists both)."),
        ]
    }
}
