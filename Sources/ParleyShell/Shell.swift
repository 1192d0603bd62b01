import Foundation
import ParleyAPI
import ParleyCommands
import ParleyHTTP
import ParleyRender
import ParleySession
import ParleyStore
import ParleyTerminal
import ParleyWire

public enum Parley {
    public static let version = "0.1.0"
}

/// The loop: reads lines (from the editor, a script or the command line), hands messages to the
/// session and slash commands to their types (`SlashCommands`), and carries out what the session
/// asks (`Shell+Turn`) through the injected `Services`.
@MainActor
public final class Shell {
    enum Mode {
        case interactive
        case oneShot(String)
        case script
    }

    let configuration: ShellConfiguration
    let mode: Mode
    var services: Services
    var session: Session
    /// The settings the shell started with: what `/reset` returns to.
    let launchSettings: ChatSettings
    let transcript: TranscriptFile?
    /// Set when a turn could not be added to the transcript: the run ends with a failure.
    var transcriptFailed = false
    /// What `--transcript` writes before the next reply: the message it answers, quoted, or
    /// `[regenerated]` when it replaces one; written with the reply, as a pipe shows them.
    var transcriptTurn = ""
    /// Said once at start when history cannot be kept.
    let storeWarning: String?
    /// Whether the data directory exists and can be written (checked once, at start).
    let dataDirectoryWritable: Bool
    /// Whether any turn or command failed (script mode's exit status).
    var anyFailure = false
    /// The last request and what came back, for `/debug`.
    var lastRequest: ChatRequest?
    let eventLog = EventLog()
    var replyOpen = false
    /// The wait being counted down: its reason and the try it leads to.
    var pendingWait: (reason: String, attempt: Int)?
    /// Why the store that must keep every message could not keep the last one (it was not sent).
    var unkept: String?
    /// What the next prompt starts with: a message the store could not keep, back in the line.
    var nextLineText: String?
    /// Set when a script must stop: a message it could not keep.
    var scriptStopped = false
    /// The request streaming now, for the session's `.cancelRequest`.
    var activeRequest: Task<[SessionEffect], Never>?

    var console: any Output { services.console }
    var keeper: ConversationKeeper { services.conversations }
    var editor: (any LineReading)? { services.lineReader }

    /// Opens the store and the conversation, with the live services. A store that is not parley's, or
    /// is newer, is refused. `transcript` is the `--transcript` file, already opened (`openTranscript`).
    public convenience init(
        configuration: ShellConfiguration, environment: [String: String],
        transcript: TranscriptFile? = nil
    ) throws(StoreError) {
        let mode: Mode =
            if let prompt = configuration.prompt {
                .oneShot(prompt)
            } else if TerminalDevice.isTerminal(0) && TerminalDevice.isTerminal(1) {
                .interactive
            } else {
                .script
            }
        var store: (any ConversationStore)?
        var storeWarning: String?
        let writable = DataDirectory.prepare(configuration.dataDirectory)
        do {
            store = try configuration.openStore(dataDirectoryWritable: writable)
        } catch {
            // A store named on purpose (PostgreSQL, a file) that cannot be opened stops parley: its
            // conversations are what the user asked for. The data directory's own goes on unsaved.
            guard case .cannotOpen = error, configuration.store == nil else { throw error }
            storeWarning = "History is not being saved: \(error)"
        }
        if store == nil, storeWarning == nil {
            storeWarning = "History is not being saved: \(configuration.dataDirectory.path) cannot be written."
        }
        let services = Services.live(configuration: configuration, environment: environment, store: store)
        self.init(
            configuration: configuration, services: services, mode: mode,
            dataDirectoryWritable: writable, storeWarning: storeWarning, transcript: transcript)
        if let pictures = services.pictures as? TerminalPictures {
            pictures.typed = { [unowned self] in editor?.typeAhead($0) }
        }
    }

    /// A shell over the given services: how tests run it in-process.
    init(
        configuration: ShellConfiguration, services: Services, mode: Mode,
        dataDirectoryWritable: Bool = true, storeWarning: String? = nil, transcript: TranscriptFile? = nil
    ) {
        self.configuration = configuration
        self.services = services
        self.mode = mode
        self.dataDirectoryWritable = dataDirectoryWritable
        self.storeWarning = storeWarning
        self.transcript = transcript
        var settings = configuration.settings
        if settings.model == nil {
            settings.model = try? services.conversations.store?.preference(Self.modelPreference(configuration.endpoint.storedURL))
        }
        launchSettings = settings
        var policy = RetryPolicy(
            totalWait: configuration.wait,
            startingModelWait: configuration.endpoint.isBundledModel ? RetryPolicy.bundledModelStartWait : nil,
            notAnswering: configuration.endpoint.isBundledModel ? Endpoint.notConfigured : nil)
        if case .oneShot = mode { policy.advice = .runAgain }
        session = Session(settings: settings, retryPolicy: policy)
        services.conversations.onFailure = { [unowned self] in console.warning($0) }
    }

    /// Opens the `--transcript` file before anything is sent: one that cannot be written stops the run.
    public nonisolated static func openTranscript(_ configuration: ShellConfiguration) throws(OptionError) -> TranscriptFile? {
        try configuration.transcript.map { path throws(OptionError) in try TranscriptFile(path: path) }
    }

    /// The key of the remembered model: the endpoint's URL without its user and password.
    static func modelPreference(_ url: String) -> String { "model:" + url }

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
            guard let chat = configuration.chat else {
                // -c with none yet: nothing to continue, so this is the first.
                console.notice("There is no conversation to continue yet; this one is new.")
                return true
            }
            console.error("No conversation matches \"\(chat)\"; /chats lists them.")
            return false
        }
        let messages: [StoredMessage]
        do {
            messages = try store.messages(in: conversation.id)
        } catch {
            console.error("\(error)")
            return false
        }
        openConversation(conversation, messages: messages.map(ConversationKeeper.message))
        session.settings.take(configuration.settings)
        keeper.saveSettings(session.settings)
        return true
    }

    var now: Double { services.clock.now }

    var isInteractive: Bool { if case .interactive = mode { return true } else { return false } }
    var isOneShot: Bool { if case .oneShot = mode { return true } else { return false } }

    /// Runs until the input ends or `/quit`; returns the exit status.
    public func run() async -> Int32 {
        for warning in configuration.warnings { console.warning(warning) }
        if let storeWarning { console.warning(storeWarning) }
        guard openRequestedConversation() else { return 1 }
        // -f: attached to the first message. Piped or in one shot, a file that cannot be attached
        // stops the run before anything is sent.
        if !configuration.files.isEmpty, !(await attach(configuration.files.map(AttachSource.word))), !isInteractive {
            console.error("Nothing was sent.")
            return 1
        }
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

    /// One prompt: a message answered to stdout, or a slash command run (`parley /chats`,
    /// `parley -c /history`); `//` sends a message that starts with a slash.
    func runOneShot(_ prompt: String) async -> Int32 {
        switch SlashCommands.parse(prompt, idle: true) {
        case .empty:
            fail("The prompt is empty; nothing was sent.")
            return 1
        case let .refused(reason):
            fail(reason)
            return 1
        case let .command(command):
            _ = await execute(command)
            return anyFailure || transcriptFailed ? 1 : 0
        case let .message(prompt):
            guard let text = withPipedInput(prompt) else { return 1 }
            guard await ensureModel() else { return 1 }
            noteTranscriptTurn(text, attachments: session.pendingAttachments)
            let completed = await turn(.submit(text))
            if let reason = unkept {
                fail("\(reason) Nothing was sent.")
                return 1
            }
            return completed && !transcriptFailed ? 0 : 1
        }
    }

    func runScript() async -> Int32 {
        // A terminal's keyboard with the output piped (`parley | cat`): there is no prompt, so say so.
        if services.keys.isKeyboard {
            console.notice("parley reads messages from the terminal, one a line, and writes to the pipe; Ctrl-D ends.")
        }
        let input = ByteLineReader(fd: 0)
        var reader = ScriptReader(read: { input.next() })
        while let entry = reader.next() {
            switch entry {
            case let .text(text):
                if case .quit = await process(text, transcript: true) { return anyFailure ? 1 : 0 }
                if transcriptFailed || scriptStopped { return 1 }
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
        let models = services.models
        editor.completer = { before in
            CommandParser.completions(
                for: before, catalog: SlashCommands.catalog, models: { models.names },
                paths: PathCompletion.candidates)
        }
        services.lineReader = editor
        if let problem = editor.editrcProblem { console.warning(problem) }
        if session.settings.model == nil, case let .use(only) = await modelChoice(canAsk: false) {
            choose(model: only)  // the prompt can show it from the start
        } else {
            services.models.prefetch()
        }
        console.notice("parley \(Parley.version) · \(configuration.endpoint.shownURL) · /help for commands, Ctrl-D to leave")
        while true {
            let prefill = nextLineText
            nextLineText = nil
            switch editor.readLine(prompt: promptText(), initialText: prefill) {
            case .endOfInput:
                console.raw("\n")
                return 0
            case .interrupted:
                continue
            case .action(.newChat):
                console.raw("\n")
                _ = await execute(NewCommand())
            case .action(.showSettings):
                console.raw("\n")
                _ = await execute(SettingsCommand())
            case let .line(line):
                var entry = line
                if line.trimmingCharacters(in: .whitespaces) == "\"\"\"" {
                    guard let block = readBlock(editor) else { continue }
                    entry = block
                }
                // A block is kept whole (Up brings it back as one message); a URL's password is not kept.
                editor.remember(URLPassword.redacted(entry))
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
        switch SlashCommands.parse(entry, idle: session.isIdle) {
        case .empty:
            return .done
        case let .refused(reason):
            fail(reason)
            return .done
        case let .message(text):
            await send(text, transcript: transcript)
            return .done
        case let .command(command):
            return await execute(command)
        }
    }

    /// Sends a message: after asking, at a prompt, whether a line of dropped image files is to be
    /// attached instead.
    func send(_ text: String, transcript: Bool) async {
        if isInteractive, let paths = Self.droppedImagePaths(text), let editor {
            let names = paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
            if case let .line(answer) = editor.readLine(prompt: "Attach \(names)? [Y/n] ", initialText: nil),
                ["", "y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
            {
                await attach(paths.map(AttachSource.path))
                return
            }
        }
        if transcript { printUserTurn(text) }
        noteTranscriptTurn(text, attachments: session.pendingAttachments)
        guard await ensureModel() else {
            anyFailure = true
            return
        }
        if !(await turn(.submit(text))) { anyFailure = true }
        if let reason = unkept {
            unkept = nil
            switch mode {
            case .interactive:
                fail("\(reason) Your message was not sent; it is back in the line.")
                nextLineText = text
            case .script:
                fail("\(reason) The message \"\(text.cut(toCharacters: 40))\" was not sent, nor any line after it.")
                scriptStopped = true
            case .oneShot:
                fail("\(reason) Nothing was sent.")
            }
        }
    }

    func printUserTurn(_ text: String) {
        console.reply.line(String(Transcript.quoted(text, attachments: session.pendingAttachments).dropLast()))
    }
}
