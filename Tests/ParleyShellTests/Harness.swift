import Foundation
import ParleyHTTP
import ParleyRender
import ParleySession
import ParleyStore
import ParleyTerminal
import ParleyWire
import XCTest

@testable import ParleyShell

/// A shell run in-process over test doubles: what it printed (stdout, stderr), what it asked the
/// server, the person and the clipboard, and what its store holds.
@MainActor
final class Harness {
    let out = StringSink()
    let err = StringSink()
    let chat: ScriptedChat
    let models: FixedModels
    let lines: ScriptedLines?
    let clipboard = RecordingClipboard()
    let speech = FakeSpeech()
    let clock = ManualClock()
    let input = FakeInput()
    let composer = ScriptedComposer()
    /// What the shell said, and how (a notice, an error, ...).
    let output: RecordingOutput
    let directory: URL
    let store: Store?
    let shell: Shell

    /// - Parameters:
    ///   - interactive: as at a terminal's prompt (a person answers `answers`), else as a script.
    ///   - arguments: the command line's options (`-m m` unless `model` is nil).
    init(
        replies: [ScriptedChat.Reply] = [], models: [String] = ["m"], model: String? = "m", interactive: Bool = false,
        answers: [LineInput] = [], keepsConversations: Bool = true, pictures: String? = nil, bundledModel: Bool = false,
        options: (inout ShellOptions) -> Void = { _ in }
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-harness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var shellOptions = ShellOptions()
        shellOptions.model = model
        shellOptions.dataDir = directory.path
        options(&shellOptions)
        // The endpoint: a server named by PARLEY_BASE_URL, or (nothing configured) the bundled model.
        var environment = ["HOME": directory.path, "PATH": "/usr/bin:/bin"]
        if !bundledModel { environment["PARLEY_BASE_URL"] = "http://127.0.0.1:9/v1" }
        let configuration = try ShellConfiguration.resolve(shellOptions, environment: environment)
        chat = ScriptedChat(replies, models: models)
        self.models = FixedModels(models)
        lines = interactive ? ScriptedLines(answers) : nil
        store = keepsConversations ? try Store(directory: directory) : nil
        output = RecordingOutput(out: out, err: err)
        let services = Services(
            console: output, lineReader: lines, chat: chat, models: self.models,
            conversations: ConversationKeeper(store: store), clipboard: clipboard, speech: speech,
            pictures: FixedPictures(sequence: pictures), clock: clock, keys: NoKeys(), input: input,
            context: LiveContextSources(
                transport: CurlTransport(userAgent: "parley-tests"), connectTimeout: 5, idleTimeout: 10, path: "/usr/bin:/bin",
                shell: "/bin/sh"),
            composer: composer)
        shell = Shell(
            configuration: configuration, services: services,
            mode: interactive ? .interactive : .script,
            storeWarning: keepsConversations ? nil : "History is not being saved: the test keeps none.")
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Types `line` as a person (or a script) would; returns whether it ended the shell.
    @discardableResult
    func enter(_ line: String) async -> Shell.Outcome {
        await shell.process(line, transcript: false)
    }

    /// Stdout and stderr written since the last call, and forgets them.
    func take() -> (out: String, err: String) {
        defer {
            outMark = out.text.count
            errMark = err.text.count
        }
        return (String(out.text.dropFirst(outMark)), String(err.text.dropFirst(errMark)))
    }

    private var outMark = 0
    private var errMark = 0

    var session: Session { shell.session }
    var failed: Bool { shell.anyFailure }

    /// A path in the harness's folder.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

extension XCTestCase {
    /// Runs a test's body on the main actor, where the shell lives (XCTest on Linux cannot run
    /// main-actor test methods itself).
    func onMain(_ body: @escaping @MainActor () async throws -> Void) async throws {
        try await Task { @MainActor in try await body() }.value
    }
}
