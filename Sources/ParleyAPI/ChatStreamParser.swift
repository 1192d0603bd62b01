import Foundation

/// What a streamed reply delivers to the shell.
public enum ChatEvent: Sendable, Equatable {
    /// The server accepted the request (a 2xx status); the reply follows.
    case opened
    case content(String)
    case reasoning(String)
    /// The stream ended with `[DONE]`.
    case finished(finishReason: String?, usage: Usage?)
}

/// Turns the bytes of a streamed `/chat/completions` body into chat events. Pure: no I/O.
public struct ChatStreamParser: Sendable {
    private var decoder = ServerSentEventDecoder()
    private var done = false
    private var finishReason: String?
    private var usage: Usage?
    private let json = JSONDecoder()
    private var thinkTags = ThinkTagSplitter()
    /// Events' data as received since the last `takeRawEvents()`, for `/debug` (when recording).
    private var rawEvents: [String] = []
    public var recordsRawEvents = false

    /// The events' data received since the last call; the parser keeps none of it.
    public mutating func takeRawEvents() -> [String] {
        defer { rawEvents.removeAll(keepingCapacity: true) }
        return rawEvents
    }

    public init() {}

    /// Feeds body bytes; returns the chat events they complete. Throws on an error event or an invalid
    /// one (the events before it in the same bytes are lost: use `feed(_:emit:)` to keep them).
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws(APIError) -> [ChatEvent] where Bytes.Element == UInt8 {
        var events: [ChatEvent] = []
        try feed(bytes) { events.append($0) }
        return events
    }

    /// Feeds body bytes, calling `emit` for each chat event as it completes; then throws if an error
    /// event or an invalid one came (the events before it have been emitted).
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes, emit: (ChatEvent) -> Void) throws(APIError) where Bytes.Element == UInt8 {
        var failure: APIError?
        var decoder = ServerSentEventDecoder()
        swap(&decoder, &self.decoder)  // own it while its callback mutates self
        defer { swap(&decoder, &self.decoder) }
        decoder.feed(bytes) { event in
            guard failure == nil, !done else { return }
            var events: [ChatEvent] = []
            do throws(APIError) {
                try interpret(event, into: &events)
            } catch {
                failure = error
            }
            events.forEach(emit)
        }
        if let failure { throw failure }
    }

    /// The body ended: text still held, then `.finished` after `[DONE]`; else the stream was cut.
    public mutating func finish() throws(APIError) -> [ChatEvent] {
        decoder.finish()
        let held = thinkTags.finish()
        guard done else { throw .streamCut(reason: nil) }
        return held + [.finished(finishReason: finishReason, usage: usage)]
    }

    public var sawDone: Bool { done }

    private mutating func interpret(_ event: ServerSentEvent, into events: inout [ChatEvent]) throws(APIError) {
        if recordsRawEvents { rawEvents.append(event.data) }
        let data = event.data
        if data == "[DONE]" {
            done = true
            return
        }
        if event.type == "message", let fields = ChunkScanner.scan(data) {
            if let reasoning = fields.reasoning, !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
            if let content = fields.content, !content.isEmpty { events.append(contentsOf: thinkTags.split(content)) }
            if let reason = fields.finishReason { finishReason = reason }
            return
        }
        let bytes = Data(data.utf8)
        if event.type == "error" || data.contains("\"error\"") {
            if let body = ErrorEnvelope.parse(bytes) {
                throw .errorEvent(code: body.code, message: body.message ?? "no message")
            }
        }
        guard let chunk = try? json.decode(ChatStreamChunk.self, from: bytes) else {
            throw .invalidEvent(Self.excerpt(data))
        }
        if let usage = chunk.usage { self.usage = usage }
        guard let choices = chunk.choices else {
            if chunk.usage == nil { throw .invalidEvent(Self.excerpt(data)) }
            return
        }
        for choice in choices.prefix(1) {
            if let reasoning = choice.delta?.reasoning, !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
            if let content = choice.delta?.content, !content.isEmpty { events.append(contentsOf: thinkTags.split(content)) }
            if let reason = choice.finishReason { finishReason = reason }
        }
    }

    static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
