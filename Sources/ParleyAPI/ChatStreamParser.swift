import Foundation
import ParleyWire

/// What a streamed reply delivers to the shell.
public enum ChatEvent: Sendable, Equatable {
    /// The server accepted the request (a 2xx status); the reply follows.
    case opened
    case content(String)
    case reasoning(String)
    /// The stream ended with `[DONE]`.
    case finished(finishReason: String?, usage: Usage?)
}

/// Where the parser puts what it reads: chat events, and plain content as bytes where they lie.
public protocol ChatEventSink {
    mutating func add(_ event: ChatEvent)
    /// Content that is plain UTF-8 text (no escapes, no tags), valid only during the call.
    mutating func addContent(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// The events of one piece of a stream, neighbouring content (or reasoning) joined into one: what
/// follows (the session, the renderer, the output) then works per piece, not per event. Text is
/// gathered as bytes, made a string once per run.
public struct ChatEventBatch: ChatEventSink, Sendable {
    private var complete: [ChatEvent] = []
    private var text: [UInt8] = []
    private var textIsReasoning = false

    public init() {}

    public var isEmpty: Bool { complete.isEmpty && text.isEmpty }

    public mutating func add(_ event: ChatEvent) {
        switch event {
        case let .content(piece):
            if textIsReasoning { flush() }
            text.append(contentsOf: piece.utf8)
        case let .reasoning(piece):
            if !textIsReasoning { flush() }
            textIsReasoning = true
            text.append(contentsOf: piece.utf8)
        default:
            flush()
            complete.append(event)
        }
    }

    public mutating func addContent(_ bytes: UnsafeBufferPointer<UInt8>) {
        if textIsReasoning { flush() }
        if bytes.count == 1 {
            text.append(bytes[0])  // a token is often one character
        } else {
            text.append(contentsOf: bytes)
        }
    }

    private mutating func flush() {
        if !text.isEmpty {
            let joined = String(decoding: text, as: UTF8.self)
            complete.append(textIsReasoning ? .reasoning(joined) : .content(joined))
            text.removeAll(keepingCapacity: true)
        }
        textIsReasoning = false
    }

    /// The events, the last run of text included.
    public var events: [ChatEvent] {
        var copy = self
        copy.flush()
        return copy.complete
    }
}

/// Hands each event to a closure, content one event at a time.
struct ClosureSink: ChatEventSink {
    let emit: (ChatEvent) -> Void
    mutating func add(_ event: ChatEvent) { emit(event) }
    mutating func addContent(_ bytes: UnsafeBufferPointer<UInt8>) { emit(.content(String(decoding: bytes, as: UTF8.self))) }
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
        try withoutActuallyEscaping(emit) { (emit) throws(APIError) in
            var sink = ClosureSink(emit: emit)
            try feed(bytes, into: &sink)
        }
    }

    /// Feeds body bytes into `sink`: the usual events' plain content goes in as bytes, no string made
    /// for each. Throws, after the events before it, on an error event or an invalid one.
    public mutating func feed<Bytes: Collection, Sink: ChatEventSink>(_ bytes: Bytes, into sink: inout Sink) throws(APIError)
    where Bytes.Element == UInt8 {
        var failure: APIError?
        var failed = false  // checked per event: cheaper than comparing the optional error
        var decoder = ServerSentEventDecoder()
        swap(&decoder, &self.decoder)  // own it while its callback mutates self
        defer { swap(&decoder, &self.decoder) }
        decoder.feedBytes(bytes) { event in
            guard !failed, !done else { return }
            do throws(APIError) {
                try interpret(event, into: &sink)
            } catch {
                failure = error
                failed = true
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
    private mutating func interpret<Sink: ChatEventSink>(_ raw: ServerSentEventBytes, into sink: inout Sink) throws(APIError) {
        if rawEventsToRecord > 0 {
            rawEvents.append(String(decoding: raw.data, as: UTF8.self))
            rawEventsToRecord -= 1
        }
        if raw.isDone {
            done = true
            return
        }
        guard raw.isMessage else { return try interpretInFull(raw.event) { sink.add($0) } }
        // The usual event, read by the template: only its content. Plain text goes to the sink as it lies.
        if let (content, escaped) = template?.contentBytes(of: raw.data) {
            if content.isEmpty { return }
            let noTag =
                content.count == 1
                ? content[0] != UInt8(ascii: "<")
                : memchr(content.baseAddress!, Int32(UInt8(ascii: "<")), content.count) == nil
            if !escaped, noTag, thinkTags.isPlain {
                sink.addContent(content)
                return
            }
            if let text = ChunkScanner.Template.text(content, escaped: escaped) {
                thinkTags.split(text) { sink.add($0) }
                return
            }
            // An escape that does not read: the full reading below says what is wrong.
        }
        if let fields = ChunkScanner.scan(raw.data, template: &template) {
            if let reasoning = fields.reasoning, !reasoning.isEmpty { sink.add(.reasoning(reasoning)) }
            if let content = fields.content, !content.isEmpty { thinkTags.split(content) { sink.add($0) } }
            if let reason = fields.finishReason { finishReason = reason }
            return
        }
        try interpretInFull(raw.event) { sink.add($0) }
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
