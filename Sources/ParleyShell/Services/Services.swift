import Foundation
import ParleyAPI
import ParleySession
import ParleyTerminal
import ParleyWire

/// What the shell does to the world, each behind a protocol with its live implementation
/// (`Services.live`) and a test double. No service knows of another: the shell alone combines them.
@MainActor
struct Services {
    /// Stdout and stderr: the terminal or pipes (`Console`), or a recording double in tests.
    var console: any Output
    /// The line editor: set when parley reads from a terminal (or a test answers its prompts).
    var lineReader: (any LineReading)?
    var chat: any ChatService
    var models: any ModelCatalog
    var conversations: ConversationKeeper
    var clipboard: any ClipboardService
    var speech: any SpeechService
    var pictures: any PictureService
    var clock: any TimeSource
    var keys: any CancelKeys
    var input: any PipedInput
    var context: any ContextSources
    var composer: any MessageComposer
}

/// A message written in the user's editor (`/compose`).
protocol MessageComposer {
    /// `text` as the editor left it, or why nothing was taken from it.
    func compose(_ text: String) -> Result<String, ExternalEditor.Failure>
}

/// `$VISUAL`, `$EDITOR` or `vi`, on the terminal.
struct ExternalComposer: MessageComposer {
    var environment: [String: String]

    func compose(_ text: String) -> Result<String, ExternalEditor.Failure> { ExternalEditor.edit(text, environment: environment) }
}

/// Standard input when it is a pipe or a file: what a one-shot prompt takes with it.
protocol PipedInput {
    /// Whether stdin is a pipe or a file (not a terminal).
    var isPiped: Bool { get }
    /// All of it, read to its end; nil when it holds more than `limit` bytes (then not all is read).
    func readAll(limit: Int) -> [UInt8]?
}

/// Lines typed at a prompt.
@MainActor
protocol LineReading: AnyObject {
    func readLine(prompt: String, initialText: String?) -> LineInput
    /// Adds an entry to the history (Up brings it back).
    func remember(_ entry: String)
    /// Bytes typed while something else read the keyboard: they start the next line.
    func typeAhead(_ bytes: [UInt8])
}

extension LineEditor: LineReading {}

/// Requests to the chat API; errors are `APIError`s (or, from a double, `TurnFailure`s).
protocol ChatService: Sendable {
    func streamChatBatches(_ request: ChatRequest, rawEvents: (@Sendable (String) -> Void)?) -> AsyncThrowingStream<[ChatEvent], Error>
    func listModels() async throws -> [ModelInfo]
    func speech(_ request: SpeechRequest) async throws -> [UInt8]
}

extension ChatClient: ChatService {}

/// The server's models: asked once, kept, asked again on `/model --refresh`.
@MainActor
protocol ModelCatalog: AnyObject {
    func models(refresh: Bool) async throws -> [ModelInfo]
    /// The ids known so far, for Tab completion (read from the line editor's thread).
    var names: [String] { get }
    /// Starts fetching the list in the background, so Tab has names without a wait.
    func prefetch()
}

/// The system clipboard.
protocol ClipboardService {
    /// Copies `text`: by the local tools that took it, and through the terminal (OSC 52).
    func copy(_ text: String) -> ClipboardCopy
}

/// Where a copy went. A tool's copy is known to have arrived; the terminal's is only sent (a
/// terminal or multiplexer may drop it), and `caveat` says where it may not arrive.
struct ClipboardCopy: Equatable {
    var tools: [String] = []
    var sentToTerminal = false
    var caveat: String?
}

/// Speech made and played on this machine (a remote text-to-speech model is the chat service's).
protocol SpeechService {
    /// `text` spoken into WAV bytes by a local program (espeak-ng, say); nil when none is there.
    func synthesize(_ text: String) -> [UInt8]?
    /// Whether an audio player is there.
    var canPlay: Bool { get }
    /// Plays a WAV to its end (true), or until the user stops it (false).
    func play(_ audio: [UInt8]) async -> Bool
}

/// Pictures shown in the terminal.
@MainActor
protocol PictureService {
    /// The sequence that shows `attachment` as a small picture, or nil where the terminal shows none.
    func sequence(for attachment: Attachment) -> String?
}

/// The time, for timings and for spreading retries.
protocol TimeSource: Sendable {
    /// Seconds since the shell started.
    var now: Double { get }
    /// A number in 0..<1 that spreads retries of many clients.
    func jitter() -> Double
    func sleep(seconds: Double) async throws
}

/// The keys that stop a reply, a wait or playback (Esc, Ctrl-C) while parley is busy.
@MainActor
protocol CancelKeys {
    /// Whether there is a keyboard to press them on (stdin is a terminal).
    var isKeyboard: Bool { get }
    /// Starts watching; `onCancel` is called (on any thread) when a cancel key is pressed. Nil when
    /// there is no keyboard to watch.
    func watch(onCancel: @escaping @Sendable () -> Void) -> (any KeyWatching)?
}

/// A watch of the keyboard in progress.
protocol KeyWatching {
    /// Stops watching; returns what was typed meanwhile, for the next prompt.
    func finish() -> [UInt8]
}
