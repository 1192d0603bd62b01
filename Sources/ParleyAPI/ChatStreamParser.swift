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

/// The events of one piece of a stream, neighbouring content (or reasoning) joined into one: what
/// follows (the session, the renderer, the output) then works per piece, not per event.
public struct ChatEventBatch: Sendable {
    private var complete: [ChatEvent] = []
    private var text = ""
    private var textIsReasoning = false

    public init() {}

    public var isEmpty: Bool { complete.isEmpty && text.isEmpty }

    public mutating func add(_ event: ChatEvent) {
        switch event {
        case let .content(piece) where text.isEmpty || !textIsReasoning:
            textIsReasoning = false
            text += piece
        case let .reasoning(piece) where text.isEmpty || textIsReasoning:
            textIsReasoning = true
            text += piece
        default:
            flush()
            if case let .content(piece) = event {
                text = piece
            } else if case let .reasoning(piece) = event {
                text = piece
                textIsReasoning = true
            } else {
                complete.append(event)
            }
        }
    }

    private mutating func flush() {
        guard !text.isEmpty else { return }
        complete.append(textIsReasoning ? .reasoning(text) : .content(text))
        text = ""
        textIsReasoning = false
    }

    /// The events, the last run of text included.
    public var events: [ChatEvent] {
        var copy = self
        copy.flush()
        return copy.complete
    }
}

/// Turns the bytes of a streamed `/chat/completions` body into chat events. Pure: no I/O.
public struct ChatStreamParser: Sendable {
    private var decoder = ServerSentEventDecoder()
    private var done = false
    private var finishReason: String?
    private var usage: Usage?
    private let json = JSONDecoder()
    private var thinkTags = ThinkTagSplitter()
    /// The shape of the last usual event, for reading the next by its content alone.
    private var template: ChunkScanner.Template?
    /// Events' data as received since the last `takeRawEvents()`, for `/debug` (when recording).
    private var rawEvents: [String] = []
    /// How many more events' data to record: the first few thousand of a reply tell all `/debug`
    /// needs, and the rest cost no strings.
    public var rawEventsToRecord = 0

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
        decoder.feedBytes(bytes) { event in
            guard failure == nil, !done else { return }
            do throws(APIError) {
                try interpret(event, emit: emit)
            } catch {
                failure = error
            }
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

    /// The hot path reads the event's bytes where they lie: `[DONE]`, or the usual chunk shape by the
    /// scanner; only other events are made strings and decoded in full.
    private mutating func interpret(_ raw: ServerSentEventBytes, emit: (ChatEvent) -> Void) throws(APIError) {
        if rawEventsToRecord > 0 {
            rawEvents.append(String(decoding: raw.data, as: UTF8.self))
            rawEventsToRecord -= 1
        }
        if raw.isDone {
            done = true
            return
        }
        if raw.isMessage, let fields = ChunkScanner.scan(raw.data, template: &template) {
            if let reasoning = fields.reasoning, !reasoning.isEmpty { emit(.reasoning(reasoning)) }
            if let content = fields.content, !content.isEmpty { thinkTags.split(content, emit: emit) }
            if let reason = fields.finishReason { finishReason = reason }
            return
        }
        try interpretInFull(raw.event, emit: emit)
    }

    private mutating func interpretInFull(_ event: ServerSentEvent, emit: (ChatEvent) -> Void) throws(APIError) {
        let data = event.data
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
            if let reasoning = choice.delta?.reasoning, !reasoning.isEmpty { emit(.reasoning(reasoning)) }
            if let content = choice.delta?.content, !content.isEmpty { thinkTags.split(content, emit: emit) }
            if let reason = choice.finishReason { finishReason = reason }
        }
    }

    static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
