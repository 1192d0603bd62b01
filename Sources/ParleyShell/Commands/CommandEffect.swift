import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyStore
import ParleyTerminal
import ParleyWire

/// What a slash command asks to happen. A command reads its `CommandContext` and returns effects;
/// the shell carries them out in order (`Shell+Effects`), each through its service. An effect that
/// fails (a file or the store that cannot be written) says why and ends the list. What must be asked
/// of the person, the server or a program before the command can go on is an effect that carries the
/// rest of the command: `then` gets the answer and returns the effects that follow.
enum CommandEffect {
    // MARK: The screen
    /// Output the user asked for, on stdout, styled with `codes` (SGR) when styles are on.
    case print(String, codes: String = "")
    /// Bytes for the terminal itself (a coloured snippet), written as they are.
    case raw(String)
    case notice(String)
    case warning(String)
    /// What was asked cannot be done: said as an error; a script's run fails.
    case fail(String)
    /// The attachments waiting for the next message, one line each.
    case showPending

    // MARK: The session
    /// The chat settings become these (and are kept with the conversation).
    case settings(ChatSettings)
    /// The session becomes this, as the command changed it through the session's own rules (`/trim`,
    /// `/detach`).
    case session(Session)
    /// A turn for the session (`/regen`, `/retry`, `/edit`'s resend); the session decides what is sent.
    case turn(SessionEvent)
    /// The model is this one, remembered for the endpoint.
    case chooseModel(String)
    /// Files, pages or a command's output read and made pending for the next message.
    case attach([AttachSource])
    /// A line run as if typed at the prompt.
    case enter(String)
    /// Added to the line editor's history (Up brings it back).
    case remember(String)
    case quit

    // MARK: The store and files
    /// An empty session in a new conversation, kept from its first message.
    case newConversation
    /// The conversation and its messages become the session's.
    case open(StoredConversation, messages: [Message])
    case rename(id: String, title: String)
    /// Deleted from the store; when it is the one open, a new conversation starts.
    case delete(StoredConversation)
    /// A new conversation holding `messages`, with the session's settings, titled `title` when given.
    case fork(messages: [Message], title: String?)
    /// `data` written to `path` (`~` allowed), the user's alone.
    case write(Data, to: String)

    // MARK: Asked, and the rest of the command with the answer
    /// A line asked of the person at a prompt; nil when they leave it (Esc, Ctrl-C, Ctrl-D).
    case ask(prompt: String, initialText: String?, then: @MainActor (String?) -> [CommandEffect])
    /// The server's models (kept once read; `refresh` asks again).
    case models(refresh: Bool, then: @MainActor (Result<[ModelInfo], any Error>) -> [CommandEffect])
    /// Text to the clipboard; `then` gets where it went.
    case copy(String, then: @MainActor (ClipboardCopy) -> [CommandEffect])
    /// Speech from the endpoint's model, one WAV a request, asked in order; the first error ends it.
    case speech([SpeechRequest], then: @MainActor (Result<[[UInt8]], any Error>) -> [CommandEffect])
    /// Speech made by a local program (nil when none is there).
    case synthesize(String, then: @MainActor ([UInt8]?) -> [CommandEffect])
    /// WAV pieces played in order, until the last ends or a key stops them.
    case play([[UInt8]])
    /// The person's editor opened on `text`.
    case compose(String, then: @MainActor (Result<String, ExternalEditor.Failure>) -> [CommandEffect])
}

/// Why a command cannot do what was asked: said as an error, and a script's run fails.
struct CommandFailure: Error, Equatable {
    var sentence: String
    init(_ sentence: String) { self.sentence = sentence }
}

/// What a command sees: the session as it is, and what it may read (the settings the shell started
/// with, the kept conversations, whether a path is there). It changes nothing itself.
@MainActor
struct CommandContext {
    var session: Session
    var configuration: ShellConfiguration
    /// The settings the shell started with: what `/reset` returns to.
    var launchSettings: ChatSettings
    /// The conversation open in the store; nil until its first message is kept.
    var conversationID: String?
    /// The kept conversations; nil when none are kept, `storeProblem` says why.
    var store: (any ConversationReading)?
    var storeProblem: String
    /// The terminal's width; nil when stdout is not a terminal.
    var columns: Int?
    var style: Style
    /// Whether a person is at a prompt to answer (`.ask`).
    var canAsk: Bool
    /// Whether an audio player is there (`.play`): looked for on the PATH when asked, by `/say` alone.
    var canPlay: () -> Bool
    /// The prompt as it shows now.
    var prompt: String
    /// The last request and the events that came back (read when asked), for `/debug`.
    var lastRequest: ChatRequest?
    var events: () -> [String]
    /// What is at a path: nothing, a file or a directory.
    var pathKind: (String) -> PathKind

    enum PathKind { case none, file, directory }
}

extension CommandContext {
    /// The store, or why there is none.
    func requireStore() throws(CommandFailure) -> any ConversationReading {
        guard let store else { throw CommandFailure(storeProblem) }
        return store
    }

    /// Reply `number` (as `/history` numbers), else the last reply.
    func reply(_ number: Int?) throws(CommandFailure) -> Message {
        let messages = session.messages
        if let number {
            guard messages.indices.contains(number - 1), messages[number - 1].role == .assistant else {
                throw CommandFailure("Message \(number) is not a reply; /history shows the numbers.")
            }
            return messages[number - 1]
        }
        guard let last = messages.last(where: { $0.role == .assistant }) else { throw CommandFailure("There is no reply yet.") }
        return last
    }

    /// Refuses a target that is a directory, or a file that is there unless `--force` was given,
    /// naming the `command` (and `--force`) that would replace it.
    func checkWritable(_ target: SaveTarget, command: String) throws(CommandFailure) {
        switch pathKind(PathWords.expandTilde(target.path)) {
        case .none: return
        case .directory: throw CommandFailure("\(target.path) is a directory; give a file name.")
        case .file where !target.replacing: throw CommandFailure("\(target.path) exists; \(command) --force replaces it.")
        case .file: return
        }
    }

    /// The conversations as `/chats` lists them.
    func listedConversations() -> [ConversationSummary] {
        (try? store?.conversations(limit: 200)) ?? []
    }

    /// N as `/chats` numbers them, else an id (or its start) or a title.
    func findConversation(_ target: String) throws(CommandFailure) -> StoredConversation {
        let store = try requireStore()
        do {
            if let number = Int(target) {
                let list = listedConversations()
                guard list.indices.contains(number - 1) else {
                    throw CommandFailure("There is no conversation \(number); /chats lists \(list.count).")
                }
                if let found = try store.conversation(id: list[number - 1].id) { return found }
            } else if let found = try store.find(target) {
                return found
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
        throw CommandFailure("No conversation matches \"\(target)\"; /chats lists them.")
    }

    /// The open conversation as kept, when it is.
    var storedConversation: StoredConversation? {
        conversationID.flatMap { try? store?.conversation(id: $0) }
    }

    /// The short name of the model, for listings ("assistant" when none is chosen).
    var replier: String { session.settings.model.map(Shell.shortModelName) ?? "assistant" }
}
