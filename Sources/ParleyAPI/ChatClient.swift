import Foundation
import ParleyHTTP
import ParleyWire

/// Talks to an OpenAI-compatible API through an `HTTPTransport`.
public struct ChatClient: Sendable {
    public var endpoint: Endpoint
    public var transport: any HTTPTransport
    public var idleTimeout: Double
    public var connectTimeout: Double

    /// Error bodies are read up to this size; the rest is dropped.
    static let errorBodyLimit = 64 * 1024

    public init(
        endpoint: Endpoint, transport: any HTTPTransport, idleTimeout: Double = HTTPRequest.defaultIdleTimeout,
        connectTimeout: Double = HTTPRequest.defaultConnectTimeout
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
    }

    func httpRequest(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, accept: String) -> HTTPRequest {
        var headers = [HTTPHeader(name: "Accept", value: accept)]
        if body != nil { headers.append(HTTPHeader(name: "Content-Type", value: "application/json")) }
        if let key = endpoint.apiKey { headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(key)")) }
        return HTTPRequest(
            method: method, url: endpoint.url(path), headers: headers, body: body,
            connectTimeout: connectTimeout, idleTimeout: idleTimeout)
    }

    /// How many events' raw data a stream hands to `rawEvents` at most (the first ones).
    public static let rawEventLimit = 2000

    /// Streams a reply as the events each piece of the body completes, so that a consumer can write
    /// them out in one go: far fewer hops and writes than one per event, and no added wait. Within a
    /// batch, neighbouring pieces of content (or of reasoning) come joined as one event. The stream
    /// ends after `.finished`, or throws an `APIError` (`CancellationError` when cancelled); ending
    /// the iteration cancels the request.
    public func streamChatBatches(_ request: ChatRequest, rawEvents: (@Sendable (String) -> Void)? = nil) -> AsyncThrowingStream<
        [ChatEvent], Error
    > {
        var request = request
        request.stream = true
        let http = httpRequest(.post, "chat/completions", body: request.jsonBody(), accept: "text/event-stream")
        let client = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await client.run(http, into: continuation, rawEvents: rawEvents)
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run(
        _ http: HTTPRequest, into continuation: AsyncThrowingStream<[ChatEvent], Error>.Continuation,
        rawEvents: (@Sendable (String) -> Void)?
    ) async throws {
        var parser = ChatStreamParser()
        parser.rawEventsToRecord = rawEvents != nil ? Self.rawEventLimit : 0
        var head: HTTPResponseHead?
        var errorBody: [UInt8] = []
        var jsonBody: [UInt8]?  // a server that ignored `stream: true`
        do {
            let body = transport.send(http)
            for try await event in body {
                switch event {
                case let .head(received):
                    head = received
                    let type = received.value(for: "Content-Type") ?? ""
                    if received.status < 300 {
                        if type.contains("application/json") { jsonBody = [] }
                        continuation.yield([.opened])
                    }
                case let .body(bytes):
                    if let status = head?.status, status >= 300 {
                        if errorBody.count < Self.errorBodyLimit {
                            errorBody.append(contentsOf: bytes.prefix(Self.errorBodyLimit - errorBody.count))
                        }
                    } else if jsonBody != nil {
                        jsonBody!.append(contentsOf: bytes)
                    } else {
                        var batch = ChatEventBatch()
                        defer { if !batch.isEmpty { continuation.yield(batch.events) } }
                        try parser.feed(bytes, into: &batch)
                        if let rawEvents { parser.takeRawEvents().forEach(rawEvents) }
                        body.giveBack(event)  // its buffer, for the next piece
                    }
                }
            }
        } catch let error as HTTPError {
            if head != nil, case let .transfer(_, reason) = error, !parser.sawDone {
                throw APIError.streamCut(reason: reason)
            }
            throw APIError.transport(error)
        }
        try Task.checkCancellation()
        guard let head else { throw APIError.streamCut(reason: "no response") }
        if head.status >= 300 {
            throw APIError.http(failure(head, body: errorBody))
        }
        if let jsonBody {
            continuation.yield(try Self.events(fromCompletion: jsonBody))
            continuation.finish()
            return
        }
        continuation.yield(try parser.finish())
        continuation.finish()
    }

    func failure(_ head: HTTPResponseHead, body: [UInt8]) -> HTTPFailure {
        var envelope = ErrorEnvelope.parseBody(body)
        // A code that only repeats the status ("code": 400) says nothing more.
        if envelope?.code == String(head.status) { envelope?.code = nil }
        var message = envelope?.message
        if envelope == nil, !body.isEmpty {
            message = Self.summary(ofErrorBody: body)
        }
        return HTTPFailure(
            status: head.status, code: envelope?.code, message: message, retryAfter: head.retryAfter(),
            keySource: endpoint.keySource, url: endpoint.baseURL)
    }

    /// What a body that is not OpenAI's error JSON says, in one short line: an HTML page (a proxy's,
    /// a web server's) by its text without the tags, any text with its lines and spaces run together.
    static func summary(ofErrorBody body: [UInt8]) -> String? {
        var text = String(decoding: body.prefix(4096), as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<") {
            if let start = text.range(of: "<body", options: .caseInsensitive) { text = String(text[start.lowerBound...]) }
            // Scripts and styles are not the page's words (one cut short at the 4 KB read goes to its end).
            text = text.replacingOccurrences(of: "(?is)<(script|style)\\b.*?(</\\1\\s*>|$)", with: " ", options: .regularExpression)
            text = text.replacingOccurrences(of: "<[^>]*>?", with: " ", options: .regularExpression)
            for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
                text = text.replacingOccurrences(of: entity, with: character)
            }
        }
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.isEmpty ? nil : ChatStreamParser.excerpt(words)
    }

    static func events(fromCompletion body: [UInt8]) throws(APIError) -> [ChatEvent] {
        guard let completion = try? JSONDecoder().decode(ChatCompletion.self, from: Data(body)),
            let choice = completion.choices.first
        else {
            throw .invalidEvent(ChatStreamParser.excerpt(String(decoding: body.prefix(200), as: UTF8.self)))
        }
        var events: [ChatEvent] = []
        if let reasoning = choice.message.reasoning, !reasoning.isEmpty { events.append(.reasoning(reasoning)) }
        if let content = choice.message.content, !content.isEmpty { events.append(.content(content)) }
        events.append(.finished(finishReason: choice.finishReason, usage: completion.usage))
        return events
    }

    /// `POST {base}/audio/speech`: the audio bytes.
    public func speech(_ request: SpeechRequest) async throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = Array((try? encoder.encode(request)) ?? Data())
        return try await fetch(httpRequest(.post, "audio/speech", body: body, accept: "audio/wav"))
    }

    /// `GET {base}/models`.
    public func listModels() async throws -> [ModelInfo] {
        let body = try await fetch(httpRequest(.get, "models", accept: "application/json"))
        guard let list = try? JSONDecoder().decode(ModelList.self, from: Data(body)) else {
            throw APIError.invalidEvent(ChatStreamParser.excerpt(String(decoding: body.prefix(200), as: UTF8.self)))
        }
        return list.data
    }

    /// The whole body of a response that is not streamed; an error status is an `APIError.http` (its
    /// body read up to `errorBodyLimit`).
    private func fetch(_ http: HTTPRequest) async throws -> [UInt8] {
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        do {
            for try await event in transport.send(http) {
                switch event {
                case let .head(received): head = received
                case let .body(bytes): body.append(contentsOf: bytes)
                }
            }
        } catch let error as HTTPError {
            throw APIError.transport(error)
        }
        guard let head else { throw APIError.streamCut(reason: "no response") }
        if head.status >= 300 { throw APIError.http(failure(head, body: Array(body.prefix(Self.errorBodyLimit)))) }
        return body
    }
}
