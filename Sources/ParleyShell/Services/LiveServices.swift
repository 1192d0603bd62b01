import Foundation
import ParleyAPI
import ParleyHTTP
import ParleyPictures
import ParleySession
import ParleyShared
import ParleyStore
import ParleyTerminal
import ParleyWire

extension Services {
    /// The services parley runs with: the terminal (or pipes), libcurl, the store, the clipboard,
    /// local programs for speech, the terminal's pictures, the clock.
    static func live(configuration: ShellConfiguration, environment: [String: String], store: (any ConversationStore)?) -> Services {
        let console = Console.live(environment: environment, noColor: configuration.noColor)
        let transport = CurlTransport(userAgent: "parley/\(Parley.version)")
        let chat = ChatClient(endpoint: configuration.endpoint, transport: transport, idleTimeout: configuration.idleTimeout)
        let path = environment["PATH"]
        let terminalOut =
            console.outIsTerminal
            ? { (text: String) in
                console.outSink.write(text)
                console.outSink.flush()
            } : nil
        return Services(
            console: console, lineReader: nil, chat: chat,
            models: ServerModels(list: { try await chat.listModels() }),
            conversations: ConversationKeeper(store: store, mustKeep: configuration.store != nil),
            clipboard: SystemClipboard(terminal: terminalOut, path: path, environment: environment),
            speech: LocalSpeech(path: path),
            pictures: TerminalPictures(environment: environment),
            clock: SystemClock(),
            keys: TerminalKeys(), input: StandardInput(),
            context: LiveContextSources(
                transport: transport, connectTimeout: HTTPRequest.defaultConnectTimeout, idleTimeout: configuration.idleTimeout,
                path: path, shell: environment["SHELL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/bin/sh"),
            composer: ExternalComposer(environment: environment))
    }
}

/// The server's list of models, kept after the first time it is read.
@MainActor
final class ServerModels: ModelCatalog {
    private let list: @Sendable () async throws -> [ModelInfo]
    private var cached: [ModelInfo]?
    private let known = Locked<[String]>([])

    init(list: @escaping @Sendable () async throws -> [ModelInfo]) {
        self.list = list
    }

    func models(refresh: Bool) async throws -> [ModelInfo] {
        if let cached, !refresh { return cached }
        let models = try await list()
        cached = models
        known.value = models.map(\.id)
        return models
    }

    nonisolated var names: [String] { known.value }

    /// Off the main actor, which the line editor blocks while it reads.
    func prefetch() {
        let list = self.list
        let known = self.known
        Task.detached {
            if let models = try? await list() { known.value = models.map(\.id) }
        }
    }
}

/// OSC 52 through the terminal, and the first local clipboard tool found.
struct SystemClipboard: ClipboardService {
    /// Writes to the terminal; nil when stdout is not one.
    let terminal: ((String) -> Void)?
    let path: String?
    let environment: [String: String]

    func copy(_ text: String) -> ClipboardCopy {
        var copy = ClipboardCopy()
        if let terminal {
            terminal(Clipboard.osc52(text))
            copy.sentToTerminal = true
            copy.caveat = Self.caveat(environment)
        }
        if let tool = Clipboard.copyWithTool(text, path: path) { copy.tools.append(tool) }
        return copy
    }

    /// Where OSC 52 is known not to arrive unless allowed: inside tmux and screen.
    static func caveat(_ environment: [String: String]) -> String {
        if environment["TMUX"] != nil { return "inside tmux it arrives only with `set -g set-clipboard on`" }
        if environment["STY"] != nil || environment["TERM"]?.hasPrefix("screen") == true {
            return "screen passes it on only to a terminal that takes OSC 52"
        }
        return "a terminal that does not take OSC 52 drops it"
    }
}

/// espeak-ng (or macOS's say) to speak, the first audio player found to play; Esc stops playback.
struct LocalSpeech: SpeechService {
    let path: String?

    func synthesize(_ text: String) -> [UInt8]? {
        LocalPrograms.synthesize(text, path: path)
    }

    var canPlay: Bool { LocalPrograms.player(path: path) != nil }

    func play(_ audio: [UInt8]) async -> Bool {
        guard let player = LocalPrograms.player(path: path) else { return false }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parley-play-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? DataDirectory.writePrivate(Data(audio), to: file)) != nil else { return false }
        let process = Process()
        process.executableURL = player.url
        process.arguments = player.arguments + [file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let stopped = Locked(false)
        let watcher =
            TerminalDevice.isTerminal(0)
            ? KeyWatcher(onCancel: {
                stopped.value = true
                process.terminate()
            }) : nil
        watcher?.start()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        watcher?.stop()
        return !stopped.value
    }
}

/// The terminal's own pictures, asked about once, the first time one is due.
@MainActor
final class TerminalPictures: PictureService {
    private let environment: [String: String]
    /// Keys typed while the terminal answered, for the line editor.
    var typed: ([UInt8]) -> Void = { _ in }
    private lazy var inlinePictures: InlinePictures? = InlinePictures.ask(environment: environment) { [weak self] in self?.typed($0) }

    init(environment: [String: String]) {
        self.environment = environment
    }

    func sequence(for attachment: Attachment) -> String? {
        guard let inlinePictures else { return nil }
        return InlinePicture.sequence(for: attachment.data, using: inlinePictures.pictureProtocol, cell: inlinePictures.cell)
    }
}

/// The monotonic clock, from the shell's start.
struct SystemClock: TimeSource {
    private let started = ContinuousClock.now
    private let spread = Locked(Jitter(seed: UInt64.random(in: 1...UInt64.max)))

    var now: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func jitter() -> Double { spread.withLock { $0.next() } }

    func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .seconds(seconds))
    }
}

/// Esc and Ctrl-C on stdin, when it is a terminal.
struct TerminalKeys: CancelKeys {
    var isKeyboard: Bool { TerminalDevice.isTerminal(0) }

    func watch(onCancel: @escaping @Sendable () -> Void) -> (any KeyWatching)? {
        guard isKeyboard else { return nil }
        let watcher = KeyWatcher(onCancel: onCancel)
        watcher.start()
        return watcher
    }
}

extension KeyWatcher: KeyWatching {
    func finish() -> [UInt8] {
        stop()
        return typed
    }
}

/// Pictures in the terminal, only where it says it can show them: the terminal is asked (kitty's
/// graphics query, device attributes for sixel, the cell size) once, the first time a picture is due;
/// iTerm2, which has its own protocol, is known by its environment. Never guessed: a terminal that
/// does not answer gets none.
struct InlinePictures {
    let pictureProtocol: PictureProtocol
    let cell: CellSize

    static func choose(environment: [String: String], graphics: TerminalGraphics) -> PictureProtocol? {
        let multiplexed = environment["TMUX"] != nil || environment["TERM"]?.hasPrefix("screen") == true
        if !multiplexed, environment["TERM_PROGRAM"] == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" {
            return .iterm2
        }
        guard graphics.answered else { return nil }
        if graphics.kitty { return .kitty }
        if graphics.sixel { return .sixel }
        return nil
    }

    /// Asks the terminal on stdin and stdout; nil when it cannot show pictures (or is not a terminal).
    /// Keys typed while it answered are given to `typed`.
    static func ask(environment: [String: String], typed: ([UInt8]) -> Void) -> InlinePictures? {
        guard TerminalDevice.isTerminal(0), TerminalDevice.isTerminal(1), environment["TERM"] != "dumb" else { return nil }
        let (graphics, keys) = GraphicsProbe.ask()
        typed(keys)
        guard let chosen = choose(environment: environment, graphics: graphics) else { return nil }
        let cell =
            if let width = graphics.cellWidth, let height = graphics.cellHeight {
                CellSize(width: width, height: height)
            } else if let pixels = TerminalDevice.cellPixels() {
                CellSize(width: pixels.width, height: pixels.height)
            } else {
                CellSize.assumed
            }
        return InlinePictures(pictureProtocol: chosen, cell: cell)
    }
}

/// File descriptor 0, read whole when it is not a terminal.
struct StandardInput: PipedInput {
    var isPiped: Bool { !TerminalDevice.isTerminal(0) }

    /// Read in pieces, then joined once into an array of the exact size: a growing array would hold
    /// its old and new storage at once, up to three times the input.
    func readAll(limit: Int) -> [UInt8]? {
        var pieces: [[UInt8]] = []
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { readFD(0, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            total += count
            if total > limit { return nil }
            pieces.append(Array(buffer[..<count]))  // exactly its size: a pipe gives 64 KB a read
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for piece in pieces { bytes += piece }
        return bytes
    }
}
