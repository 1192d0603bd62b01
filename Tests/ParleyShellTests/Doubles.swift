import Foundation
import ParleyAPI
import ParleyRender
import ParleySession
import ParleyStore
import ParleyTerminal
import ParleyWire

@testable import ParleyShell

/// The chat API as a script: each request gets the next reply (events, or a failure), and every
/// request is kept.
final class ScriptedChat: ChatService, @unchecked Sendable {
    enum Reply {
        case events([ChatEvent])
        case failure(Error)
    }
    private let lock = NSLock()
    private var replies: [Reply]
    private(set) var requests: [ChatRequest] = []
    private(set) var speechRequests: [SpeechRequest] = []
    var models: [ModelInfo]
    var speechAudio: [UInt8]?

    init(_ replies: [Reply] = [], models: [String] = ["m"]) {
        self.replies = replies
        self.models = models.map { ModelInfo(id: $0) }
    }

    /// A whole reply of this text.
    static func text(_ text: String, usage: Usage? = nil) -> Reply {
        .events([.opened, .content(text), .finished(finishReason: "stop", usage: usage)])
    }

    func add(_ reply: Reply) { lock.withLock { replies.append(reply) } }

    func streamChatBatches(_ request: ChatRequest, rawEvents: (@Sendable (String) -> Void)?) -> AsyncThrowingStream<[ChatEvent], Error> {
        let reply: Reply = lock.withLock {
            requests.append(request)
            return replies.isEmpty ? ScriptedChat.text("(no reply scripted)") : replies.removeFirst()
        }
        return AsyncThrowingStream { continuation in
            switch reply {
            case let .events(events):
                rawEvents?("{\"scripted\": true}")
                continuation.yield(events)
                continuation.finish()
            case let .failure(error):
                continuation.finish(throwing: error)
            }
        }
    }

    func listModels() async throws -> [ModelInfo] { models }

    func speech(_ request: SpeechRequest) async throws -> [UInt8] {
        lock.withLock { speechRequests.append(request) }
        guard let speechAudio else { throw TurnFailure(.http(status: 404, code: nil), sentence: "no speech") }
        return speechAudio
    }
}

/// The server's list, without a server.
@MainActor
final class FixedModels: ModelCatalog {
    var list: [ModelInfo]
    var failure: Error?
    private(set) var refreshes = 0

    init(_ ids: [String]) {
        list = ids.map { ModelInfo(id: $0) }
    }

    func models(refresh: Bool) async throws -> [ModelInfo] {
        if refresh { refreshes += 1 }
        if let failure { throw failure }
        return list
    }

    nonisolated var names: [String] { [] }
    func prefetch() {}
}

/// A person at the prompt: answers each question in turn, and keeps what was asked.
@MainActor
final class ScriptedLines: LineReading {
    var answers: [LineInput]
    private(set) var prompts: [(prompt: String, initial: String?)] = []
    private(set) var remembered: [String] = []
    private(set) var typedAhead: [UInt8] = []

    init(_ answers: [LineInput] = []) {
        self.answers = answers
    }

    func readLine(prompt: String, initialText: String?) -> LineInput {
        prompts.append((prompt, initialText))
        return answers.isEmpty ? .endOfInput : answers.removeFirst()
    }

    func remember(_ entry: String) { remembered.append(entry) }
    func typeAhead(_ bytes: [UInt8]) { typedAhead += bytes }
}

final class RecordingClipboard: ClipboardService {
    var result: ClipboardCopy
    private(set) var copied: [String] = []

    init(_ result: ClipboardCopy = ClipboardCopy(tools: ["xclip"])) {
        self.result = result
    }

    func copy(_ text: String) -> ClipboardCopy {
        copied.append(text)
        return result
    }
}

final class FakeSpeech: SpeechService {
    /// What the local program makes of any text; nil when there is none.
    var voice: [UInt8]?
    var canPlay = true
    private(set) var played: [[UInt8]] = []

    func synthesize(_ text: String) -> [UInt8]? { voice }

    func play(_ audio: [UInt8]) async -> Bool {
        played.append(audio)
        return true
    }
}

@MainActor
struct FixedPictures: PictureService {
    var sequence: String?
    func sequence(for attachment: Attachment) -> String? { sequence.map { "\($0):\(attachment.name)" } }
}

/// Time that passes only when slept.
final class ManualClock: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var time = 0.0
    private(set) var slept: [Double] = []

    var now: Double { lock.withLock { time } }
    func jitter() -> Double { 0.5 }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            slept.append(seconds)
            time += seconds
        }
    }
}

@MainActor
struct NoKeys: CancelKeys {
    var isKeyboard: Bool { false }
    func watch(onCancel: @escaping @Sendable () -> Void) -> (any KeyWatching)? { nil }
}

/// Standard input as a test sets it: piped bytes, or a terminal (nothing piped).
final class FakeInput: PipedInput {
    var bytes: [UInt8]?
    private(set) var reads = 0

    var isPiped: Bool { bytes != nil }

    func readAll(limit: Int) -> [UInt8]? {
        reads += 1
        guard let bytes else { return [] }
        return bytes.count > limit ? nil : bytes
    }
}

/// The user's editor: gives back `written` (or fails with `failure`), noting what it was given.
final class ScriptedComposer: MessageComposer {
    var written = ""
    var failure: ExternalEditor.Failure?
    private(set) var given: [String] = []

    func compose(_ text: String) -> Result<String, ExternalEditor.Failure> {
        given.append(text)
        if let failure { return .failure(failure) }
        return .success(written)
    }
}

/// The shell's output as a test sees it: each thing said with how it was said (printed, a notice, a
/// warning, an error), and the plain text stdout and stderr would hold, as a pipe gets it.
@MainActor
final class RecordingOutput: Output {
    enum Kind: Equatable { case printed, notice, warning, error, raw }
    /// Each thing said, in order, with the styles asked for it (SGR codes; "" for none).
    private(set) var said: [(kind: Kind, text: String, codes: String)] = []
    let reply: ReplyWriter
    private let err: ReplyWriter
    private let outSink: StringSink
    let style = Style(enabled: false)
    var columns: Int? { nil }
    var showsStatusLine: Bool { false }

    init(out: StringSink, err: StringSink) {
        outSink = out
        reply = ReplyWriter(sink: out, style: style)
        self.err = ReplyWriter(sink: err, style: style)
    }

    /// What was said in that way, in order.
    func said(_ kind: Kind) -> [String] { said.filter { $0.kind == kind }.map(\.text) }

    func print(_ text: String, codes: String) {
        said.append((.printed, text, codes))
        reply.line(text)
    }

    func error(_ text: String) {
        said.append((.error, text, Style.red))
        err.line("error: " + text)
    }

    func warning(_ text: String) {
        said.append((.warning, text, Style.yellow))
        err.line("warning: " + text)
    }

    func notice(_ text: String) {
        said.append((.notice, text, Style.dim))
        err.line(text)
    }

    func raw(_ text: String) {
        said.append((.raw, text, ""))
        outSink.write(text)
    }

    func flush() {}
    func status(_ text: String?) {}
}
