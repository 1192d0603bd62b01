import Foundation
import ParleyCommands
import ParleyRender
import ParleyStore

/// `/new`.
struct NewCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "new", help: "start a new conversation")

    func run(in shell: Shell) async -> Shell.Outcome {
        shell.session.clear()
        shell.keeper.startNew()
        shell.console.notice("New conversation.")
        return .done
    }
}

/// `/chats`: one line each, most recent first; in a terminal, a long title is cut to keep the line.
struct ChatsCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "chats", help: "list the conversations, most recent first")

    func run(in shell: Shell) async -> Shell.Outcome {
        guard shell.requireStore() != nil else { return .done }
        let list = shell.listedConversations()
        guard !list.isEmpty else {
            shell.console.print("No conversations yet.")
            return .done
        }
        let columns = shell.console.columns  // asked of the terminal once, not for each line
        let lines = list.enumerated().map { index, chat -> String in
            let current = chat.id == shell.keeper.conversationID ? "*" : " "
            let count = chat.messageCount == 1 ? "1 message" : "\(chat.messageCount) messages"
            let head = "\(current)\(String(index + 1).leftPadded(to: 3)). "
            // The id's start: what --chat and /open take besides the number and the title.
            let tail = " · \(count) · \(RelativeTime.describe(chat.updated)) · \(chat.id.prefix(8))"
            let title = TerminalSanitizer.clean(chat.title)
            return head + (columns.map { title.cut(to: max(10, $0 - head.terminalColumns - tail.terminalColumns)) } ?? title) + tail
        }
        shell.console.print(lines.joined(separator: "\n"))
        return .done
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

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let conversation = shell.findConversation(target) else { return .done }
        shell.openConversation(conversation)
        shell.console.notice(
            "Opened \"\(TerminalSanitizer.clean(conversation.title))\" (\(shell.session.messages.count) messages); /history lists them.")
        return .done
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

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let store = shell.requireStore() else { return .done }
        guard let id = shell.keeper.conversationID else {
            shell.fail("Nothing to rename yet: the conversation starts with its first message.")
            return .done
        }
        do {
            try store.rename(id, to: title)
            shell.console.notice("Renamed to \"\(title)\".")
        } catch {
            shell.fail("\(error)")
        }
        return .done
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

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let store = shell.requireStore() else { return .done }
        let conversation: StoredConversation?
        if let number {
            conversation = shell.findConversation(String(number))
        } else if let id = shell.keeper.conversationID {
            conversation = try? store.conversation(id: id)
        } else {
            shell.fail("Nothing to delete: this conversation has no message yet.")
            return .done
        }
        guard let conversation else { return .done }
        let title = TerminalSanitizer.clean(conversation.title)
        if !confirmed {
            guard let editor = shell.editor else {
                shell.fail("In a script, /delete needs --yes: /delete \(number.map(String.init) ?? "N") --yes")
                return .done
            }
            guard case let .line(answer) = editor.readLine(prompt: "Delete \"\(title)\"? [y/N] ", initialText: nil),
                ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
            else {
                shell.console.notice("Nothing was deleted.")
                return .done
            }
        }
        do {
            try store.delete(conversation.id)
            if conversation.id == shell.keeper.conversationID {
                shell.session.clear()
                shell.keeper.startNew()
            }
            shell.console.notice("Deleted \"\(title)\".")
        } catch {
            shell.fail("\(error)")
        }
        return .done
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

    func run(in shell: Shell) async -> Shell.Outcome {
        guard shell.mayWrite(target, command: "/save \(target.path)") else { return .done }
        let session = shell.session
        let stored = shell.keeper.conversationID.flatMap { try? shell.keeper.store?.conversation(id: $0) }
        let title = stored?.title ?? session.messages.first.map { ConversationKeeper.title(from: $0.text) } ?? "Untitled"
        let data =
            PathWords.expandTilde(target.path).lowercased().hasSuffix(".json")
            ? Transcript.json(
                id: shell.keeper.conversationID, title: title, settings: session.settings, messages: session.messages,
                created: stored?.created, updated: stored?.updated)
            : Data(Transcript.markdown(title: title, settings: session.settings, messages: session.messages).utf8)
        shell.write(data, to: target.path, saying: "Saved \(session.messages.count) messages to \(target.path).")
        return .done
    }
}

extension Shell {
    /// The store, or nil after saying it is not there.
    func requireStore() -> (any ConversationStore)? {
        if let store = keeper.store { return store }
        fail(storeWarning ?? "Conversations are not being kept.")
        return nil
    }

    func listedConversations() -> [ConversationSummary] {
        (try? keeper.store?.conversations(limit: 200)) ?? []
    }

    /// N as `/chats` numbers them, else an id (or its start) or a title.
    func findConversation(_ target: String) -> StoredConversation? {
        guard let store = requireStore() else { return nil }
        do {
            if let number = Int(target) {
                let list = listedConversations()
                guard list.indices.contains(number - 1) else {
                    fail("There is no conversation \(number); /chats lists \(list.count).")
                    return nil
                }
                return try store.conversation(id: list[number - 1].id)
            }
            if let found = try store.find(target) { return found }
            fail("No conversation matches \"\(target)\"; /chats lists them.")
        } catch {
            fail("\(error)")
        }
        return nil
    }

    func openConversation(_ conversation: StoredConversation) {
        let messages = (try? keeper.store?.messages(in: conversation.id)) ?? []
        session.load(messages.map(ConversationKeeper.message))
        var settings = ConversationKeeper.settings(conversation.settings)
        if settings.model == nil { settings.model = session.settings.model }
        session.settings = settings
        keeper.use(conversation.id)
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

    func run(in shell: Shell) async -> Shell.Outcome {
        let messages = shell.session.messages
        guard !messages.isEmpty else {
            shell.fail("Nothing to fork: this conversation has no message yet.")
            return .done
        }
        let count = number ?? messages.count
        guard count <= messages.count else {
            shell.fail("There is no message \(count); this conversation has \(messages.count).")
            return .done
        }
        let original = shell.keeper.conversationID.flatMap { try? shell.keeper.store?.conversation(id: $0) }
        let copies = Array(messages.prefix(count))
        shell.session.load(copies)
        shell.keeper.startNew()
        for (index, message) in copies.enumerated() {
            shell.keeper.apply(.save(index: index, message: message), settings: shell.session.settings)
        }
        if let original, let id = shell.keeper.conversationID {
            try? shell.keeper.store?.rename(id, to: TerminalSanitizer.clean(original.title) + " (fork)")
        }
        shell.keeper.saveSettings(shell.session.settings)
        shell.console.notice(
            "Forked \(count) message\(count == 1 ? "" : "s") into a new conversation; the original is as it was (/chats lists both).")
        return .done
    }
}
