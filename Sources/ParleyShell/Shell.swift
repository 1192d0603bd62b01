import Foundation
import ParleyAPI
import ParleyCommands
import ParleyHTTP
import ParleyPictures
import ParleyRender
import ParleySession
import ParleyStore
import ParleyTerminal

public enum Parley {
    public static let version = "0.1.0"
}

/// The loop: reads lines (from the editor, a script or the command line), feeds the session and carries
/// out its effects: requests, retries and rendering.
@MainActor
public final class Shell {
    enum Mode { case interactive, oneShot(String), script }

    let configuration: ShellConfiguration
    let environment: [String: String]
    let mode: Mode
    let client: ChatClient
    let console: Console
    var session: Session
    /// The settings the shell started with: what `/reset` returns to.
    let launchSettings: ChatSettings
    /// The conversation on disk.
    let keeper: ConversationKeeper
    let transcript: TranscriptFile?
    /// Set when a turn could not be added to the transcript: the run ends with a failure.
    var transcriptFailed = false
    /// Said once at start when history cannot be kept.
    var storeWarning: String?
    /// Whether the data directory exists and can be written (checked once, at start).
    let dataDirectoryWritable: Bool
    var editor: LineEditor?
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    /// Whether any turn or command failed (script mode's exit status).
    var anyFailure = false
    var cachedModels: [ModelInfo]? {
        didSet { if let cachedModels { modelNames.names = cachedModels.map(\.id) } }
    }
    /// Model ids for Tab completion, filled in the background while the prompt waits for keys.
    let modelNames = ModelNames()
    /// The last request and what came back, for `/debug`.
    var lastRequest: ChatRequest?
    let eventLog = EventLog()
    var replyOpen = false
    /// Spreads retries of many clients; seeded once (a system random number per event costs a syscall).
    var jitter = Jitter(seed: UInt64.random(in: 1...UInt64.max))
    /// The wait being counted down: its reason and the try it leads to.
    var pendingWait: (reason: String, attempt: Int)?
    /// How this terminal shows pictures: asked the first time one is due.
    lazy var inlinePictures: InlinePictures? = InlinePictures.ask(environment: environment) { keys in
        self.editor?.typeAhead(keys)
    }

    /// Opens the store and the conversation. A store that is not parley's, or is newer, is refused.
    /// `transcript` is the `--transcript` file, already opened (`openTranscript`).
    public init(configuration: ShellConfiguration, environment: [String: String], transcript: TranscriptFile? = nil) throws(StoreError) {
        self.configuration = configuration
        self.transcript = transcript
        self.environment = environment
        if let prompt = configuration.prompt {
            mode = .oneShot(prompt)
        } else if TerminalDevice.isTerminal(0) && TerminalDevice.isTerminal(1) {
            mode = .interactive
        } else {
            mode = .script
        }
        client = ChatClient(endpoint: configuration.endpoint,
                            transport: CurlTransport(userAgent: "parley/\(Parley.version)"),
                            idleTimeout: configuration.idleTimeout)
        console = Console(environment: environment, noColor: configuration.noColor)
        var store: Store?
        dataDirectoryWritable = DataDirectory.prepare(configuration.dataDirectory)
        if dataDirectoryWritable {
            do {
                store = try Store(directory: configuration.dataDirectory)
            } catch {
                if case .cannotOpen = error { storeWarning = "History is not being saved: \(error)" } else { throw error }
            }
        } else {
            storeWarning = "History is not being saved: \(configuration.dataDirectory.path) cannot be written."
        }
        keeper = ConversationKeeper(store: store)
        var settings = configuration.settings
        if settings.model == nil { settings.model = try? store?.preference(Self.modelPreference(configuration.endpoint.baseURL)) }
        launchSettings = settings
        session = Session(settings: settings, retryPolicy: RetryPolicy(totalWait: configuration.wait))
        started = clock.now
        keeper.onFailure = { [unowned self] in console.error($0) }
    }

    /// Opens the `--transcript` file before anything is sent: one that cannot be written stops the run.
    public nonisolated static func openTranscript(_ configuration: ShellConfiguration) throws(OptionError) -> TranscriptFile? {
        try configuration.transcript.map { path throws(OptionError) in try TranscriptFile(path: path) }
    }

    static func modelPreference(_ baseURL: String) -> String { "model:" + baseURL }

    /// Starts, on another thread, loading what the first request needs and takes long to load
    /// (libcurl and its libraries), so that it is ready by the time the command line is read and the
    /// store opened.
    public nonisolated static func preload() {
        CurlTransport.preload()
    }

    /// Waits for `preload` to end (at once when it has): to be called before the process exits.
    public nonisolated static func finishPreload() {
        CurlTransport.awaitPreload()
    }

    /// `-c` or `--chat`: reopens the conversation, then lays the command line's settings over its own.
    func openRequestedConversation() -> Bool {
        guard configuration.continueLatest || configuration.chat != nil else { return true }
        guard let store = keeper.store else {
            console.error("No conversation can be reopened: \(storeWarning ?? "the store is not available").")
            return false
        }
        let found: StoredConversation?
        do {
            found = try configuration.chat.map(store.find) ?? store.latest()
        } catch {
            console.error("\(error)")
            return false
        }
        guard let conversation = found else {
            console.error(configuration.chat.map { "No conversation matches \"\($0)\"; /chats lists them." } ?? "There is no conversation to continue yet.")
            return false
        }
        openConversation(conversation)
        session.settings.take(configuration.settings)
        keeper.saveSettings(session.settings)
        return true
    }

    var now: Double {
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var isInteractive: Bool { if case .interactive = mode { return true } else { return false } }

    /// Runs until the input ends or `/quit`; returns the exit status.
    public func run() async -> Int32 {
        for warning in configuration.warnings { console.notice(warning) }
        if let storeWarning { console.error(storeWarning) }
        guard openRequestedConversation() else { return 1 }
        switch mode {
        case let .oneShot(prompt):
            return await runOneShot(prompt)
        case .script:
            return await runScript()
        case .interactive:
            return await runInteractive()
        }
    }

    // MARK: - Modes

    func runOneShot(_ prompt: String) async -> Int32 {
        guard await ensureModel() else { return 1 }
        let completed = await turn(.submit(prompt))
        return completed && !transcriptFailed ? 0 : 1
    }

    func runScript() async -> Int32 {
        let input = ByteLineReader(fd: 0)
        var reader = ScriptReader(read: { input.next() })
        while let entry = reader.next() {
            switch entry {
            case let .text(text):
                if case .quit = await process(text, transcript: true) { return anyFailure ? 1 : 0 }
                if transcriptFailed { return 1 }
            case let .invalid(line, reason):
                fail("Input line \(line) \(reason); it was not sent.")
            }
        }
        if let unclosed = reader.unclosedBlock {
            fail("The input ended inside a \"\"\" block; its \(unclosed) line(s) were not sent.")
        }
        return anyFailure ? 1 : 0
    }

    func runInteractive() async -> Int32 {
        let historyFile = dataDirectoryWritable ? configuration.dataDirectory.appendingPathComponent("history").path : nil
        let editor = LineEditor(programName: "parley", historyPath: historyFile)
        editor.completer = { [unowned self] before in
            CommandParser.completions(for: before, models: { self.modelNames.names },
                                      paths: PathCompletion.candidates)
        }
        self.editor = editor
        if session.settings.model == nil, let models = try? await modelList(), models.count == 1 {
            choose(model: models[0].id)  // the prompt can show it from the start
        } else {
            prefetchModelNames()
        }
        console.notice("parley \(Parley.version) · \(configuration.endpoint.baseURL) · /help for commands, Ctrl-D to leave")
        while true {
            switch editor.readLine(prompt: promptText()) {
            case .endOfInput:
                console.outSink.write("\n")
                console.outSink.flush()
                return 0
            case .interrupted:
                continue
            case .action(.newChat):
                console.outSink.write("\n")
                _ = await execute(.newChat)
            case .action(.showSettings):
                console.outSink.write("\n")
                _ = await execute(.settings)
            case let .line(line):
                var entry = line
                if line.trimmingCharacters(in: .whitespaces) == "\"\"\"" {
                    guard let block = readBlock(editor) else { continue }
                    entry = block
                }
                editor.remember(entry)  // a block is kept whole: Up brings it back as one message
                if case .quit = await process(entry, transcript: false) { return 0 }
                if transcriptFailed { return 1 }
            }
        }
    }

    /// The lines of a `"""` block, up to the closing `"""`; nil when abandoned with Ctrl-C or Ctrl-D.
    func readBlock(_ editor: LineEditor) -> String? {
        var lines: [String] = []
        while true {
            switch editor.readLine(prompt: continuationPrompt()) {
            case let .line(line):
                if line.trimmingCharacters(in: .whitespaces) == "\"\"\"" { return lines.joined(separator: "\n") }
                lines.append(line)
            default:
                console.notice("The multi-line message was dropped.")
                return nil
            }
        }
    }

    enum Outcome { case done, quit }

    /// Says why something was not done, and marks the run as failed (script mode's exit status).
    func fail(_ reason: String) {
        console.error(reason)
        anyFailure = true
    }

    /// The most a typed or piped message may hold.
    static let messageLimit = 512 * 1024

    /// Runs one entry: a message or a command.
    func process(_ entry: String, transcript: Bool) async -> Outcome {
        if entry.utf8.contains(0) {
            fail("The input holds a NUL byte; it was not sent.")
            return .done
        }
        if entry.utf8.count > Self.messageLimit {
            fail("The input is \(entry.utf8.count / 1024) KB; a message may hold at most \(Self.messageLimit / 1024) KB. Nothing was sent.")
            return .done
        }
        let checks = CommandParser.Checks(temperature: { try SettingValue.temperature($0) },
                                          topP: { try SettingValue.topP($0) },
                                          maxTokens: { try SettingValue.maxTokens($0) })
        switch CommandParser.parse(entry, checks: checks, idle: session.isIdle) {
        case .empty:
            return .done
        case let .refused(reason):
            fail(reason)
            return .done
        case let .message(text):
            if isInteractive, let paths = Self.droppedImagePaths(text), let editor {
                let names = paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
                if case let .line(answer) = editor.readLine(prompt: "Attach \(names)? [Y/n] "),
                   ["", "y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) {
                    await attach(paths)
                    return .done
                }
            }
            if transcript { printUserTurn(text) }
            guard await ensureModel() else {
                anyFailure = true
                return .done
            }
            if !(await turn(.submit(text))) { anyFailure = true }
            return .done
        case let .command(command):
            return await execute(command)
        }
    }

    func printUserTurn(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += session.pendingAttachments.map { "[image: \(TerminalSanitizer.clean($0.name))]" }
        let quoted = lines.map { "> " + $0 }.joined(separator: "\n")
        console.out.line(quoted + "\n")
    }

    // MARK: - Prompt

    /// `SmolLM2 #3 › `: the model in bold cyan, the next message number dimmed. Escape sequences are
    /// wrapped in the editor's marker byte so the cursor column is counted right.
    func promptText() -> String {
        let model = session.settings.model.map(Self.shortModelName) ?? "no model"
        guard console.style.enabled else { return "\(model) #\(session.nextMessageNumber)\(attachmentsBadge) › " }
        return Self.promptCodes(Style.bold + Style.cyan) + model + Self.promptCodes(Style.reset + Style.dim)
            + " #\(session.nextMessageNumber)" + Self.promptCodes(Style.reset) + attachmentsBadge + " › "
    }

    /// Escape sequences in a prompt, wrapped in the editor's marker byte: not counted as columns.
    static func promptCodes(_ codes: String) -> String {
        let marker = String(UnicodeScalar(UInt8(LineEditor.promptEscape)))
        return marker + codes + marker
    }

    /// " +2 images" while images wait for the next message.
    var attachmentsBadge: String {
        let count = session.pendingAttachments.count
        return count == 0 ? "" : " +\(count) image\(count == 1 ? "" : "s")"
    }

    func continuationPrompt() -> String {
        console.style.enabled ? Self.promptCodes(Style.dim) + "… " + Self.promptCodes(Style.reset) : "… "
    }

    /// `SmolLM2-135M-Instruct` → `SmolLM2`; `org/model` → `model`; short names stay whole.
    static func shortModelName(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard base.count > 16, let dash = base.firstIndex(of: "-"), base.distance(from: base.startIndex, to: dash) >= 3 else {
            return base
        }
        return String(base[..<dash])
    }
}

/// A xorshift generator of numbers in 0..<1.
struct Jitter {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 0x9E3779B97F4A7C15 : seed
    }

    mutating func next() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) / Double(1 << 53)
    }
}

/// The model ids Tab completes, shared with the task that fetches them.
final class ModelNames: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var names: [String] {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// The events of the last reply, as they arrived (for `/debug`); written from the transfer's task.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [String] = []
    static let limit = 2000

    func reset() {
        lock.lock(); defer { lock.unlock() }
        events = []
    }

    /// Keeps the first `limit` events of a reply (a long reply's thousands add nothing to /debug).
    func record(_ event: String) {
        lock.lock(); defer { lock.unlock() }
        if events.count < EventLog.limit { events.append(event) }
    }

    var all: [String] {
        lock.lock(); defer { lock.unlock() }
        return events
    }
}
