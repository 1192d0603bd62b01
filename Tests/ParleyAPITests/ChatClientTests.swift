import Foundation
import ParleyHTTP
import ParleyWire
import TestSupport
import XCTest

@testable import ParleyAPI

/// The chat client over the real libcurl transport, against a scripted server's faults and framings.
final class ChatClientTests: XCTestCase {
    func client(_ server: StubServer, key: String? = nil, idle: Double = 5) -> ChatClient {
        ChatClient(
            endpoint: Endpoint(baseURL: server.baseURL, apiKey: key, keySource: key.map { _ in "PARLEY_API_KEY" }),
            transport: CurlTransport(userAgent: "parley/test"), idleTimeout: idle)
    }

    let request = ChatRequest(model: "m", messages: [ChatMessage(role: .user, text: "hi")])

    func run(_ client: ChatClient) async -> (text: String, events: [ChatEvent], error: Error?) {
        var events: [ChatEvent] = []
        do {
            for try await batch in client.streamChatBatches(request) { events += batch }
            return (Self.text(events), events, nil)
        } catch {
            return (Self.text(events), events, error)
        }
    }

    static func text(_ events: [ChatEvent]) -> String {
        events.compactMap { if case let .content(c) = $0 { c } else { nil } }.joined()
    }

    func testAStreamedReply() async throws {
        let server = try StubServer { _, _ in .reply(["Hel", "lo", "!"]) }
        let result = await run(client(server, key: "sk-test"))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.text, "Hello!")
        XCTAssertEqual(result.events.first, .opened)
        XCTAssertEqual(result.events.last, .finished(finishReason: nil, usage: nil))
        let sent = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(sent.path, "/v1/chat/completions")
        XCTAssertEqual(sent.headers["authorization"], "Bearer sk-test")
        XCTAssertEqual(sent.headers["content-type"], "application/json")
        XCTAssertEqual(sent.json?["stream"] as? Bool, true)
    }

    func testOddFramingOneByteAtATimeWithCRLFCommentsAndNoSpace() async throws {
        let body =
            ": hello\r\n\r\n" + "data:" + StubServer.chunk("A").dropFirst(6).replacingOccurrences(of: "\n", with: "\r\n")
            + "event: message\rdata: " + StubServer.chunk("B").dropFirst(6).replacingOccurrences(of: "\n", with: "\r")
            + "data: [DONE]\r\n\r\n"
        let server = try StubServer { _, _ in [.streamHead()] + Array(body.utf8).map { .send([$0]) } + [.close] }
        let result = await run(client(server))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.text, "AB")
    }

    func test401NamesWhereTheKeyCameFrom() async throws {
        let server = try StubServer { _, _ in .error(status: 401, code: "invalid_api_key", message: "Incorrect API key provided") }
        let result = await run(client(server, key: "sk-bad"))
        guard case let .http(failure) = result.error as? APIError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertEqual(failure.status, 401)
        XCTAssertEqual(failure.code, "invalid_api_key")
        XCTAssertTrue(failure.description.contains("PARLEY_API_KEY"))
        XCTAssertFalse(failure.description.contains("sk-bad"))
    }

    func test429WithRetryAfterIsRetryable() async throws {
        let server = try StubServer { _, _ in .error(status: 429, code: "rate_limit", message: "slow down", headers: ["Retry-After": "4"]) }
        let result = await run(client(server))
        guard case let .http(failure) = result.error as? APIError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertEqual(failure.retryAfter, 4)
        XCTAssertTrue(failure.isRetryable)
    }

    func test503WarmingUp() async throws {
        let server = try StubServer { _, _ in .error(status: 503, code: "model_warming_up", message: "warming") }
        let result = await run(client(server))
        XCTAssertEqual((result.error as? APIError)?.isRetryable, true)
    }

    func testCutStreamKeepsTheTextSoFar() async throws {
        let server = try StubServer { _, _ in [.streamHead(), .delta("partial "), .delta("text"), .close] }
        let result = await run(client(server))
        XCTAssertEqual(result.text, "partial text")
        XCTAssertEqual(result.error as? APIError, .streamCut(reason: nil))
    }

    func testDroppedChunkedConnectionIsACutStream() async throws {
        let chunk = StubServer.chunk("half")
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        let body = String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" + "400\r\ndata: {"
        let server = try StubServer { _, _ in [.text(head + body), .close] }
        let result = await run(client(server))
        XCTAssertEqual(result.text, "half")
        guard case let .streamCut(reason) = result.error as? APIError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertNotNil(reason)
    }

    func testErrorEventMidStream() async throws {
        let server = try StubServer { _, _ in
            [
                .streamHead(), .delta("So far"), .text(#"data: {"error":{"code":"worker_error","message":"the worker died"}}"# + "\n\n"),
                .close,
            ]
        }
        let result = await run(client(server))
        XCTAssertEqual(result.text, "So far")
        XCTAssertEqual(result.error as? APIError, .errorEvent(code: "worker_error", message: "the worker died"))
    }

    func testStallEndsWithTheIdleTimeout() async throws {
        let server = try StubServer { _, _ in [.streamHead(), .delta("waiting"), .stall, .close] }
        defer { server.stop() }
        let result = await run(client(server, idle: 0.5))
        XCTAssertEqual(result.text, "waiting")
        guard case .transport(.stalled) = result.error as? APIError else { return XCTFail("\(String(describing: result.error))") }
    }

    func testAHugeErrorBodyIsReadOnlyInPart() async throws {
        let junk = String(repeating: "x", count: 10 * 1024 * 1024)
        let server = try StubServer { _, _ in .response(status: 500, body: junk) }
        let result = await run(client(server))
        guard case let .http(failure) = result.error as? APIError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertEqual(failure.status, 500)
        XCTAssertLessThan(failure.message?.count ?? 0, 200)
    }

    func testAnErrorPageIsSaidInOneLineOfItsText() async throws {
        let page = """
            <!DOCTYPE HTML>
            <html lang="en">
                <head>
                    <meta charset="utf-8">
                    <title>Error response</title>
                </head>
                <body>
                    <h1>Error response</h1>
                    <p>Error code: 501</p>
                    <p>Message: Unsupported method (&#39;POST&#39;).</p>
                </body>
            </html>
            """
        let server = try StubServer { _, _ in .response(status: 501, body: page) }
        let result = await run(client(server))
        guard case let .http(failure) = result.error as? APIError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertEqual(failure.message, "Error response Error code: 501 Message: Unsupported method ('POST').")
        XCTAssertTrue(
            failure.description.hasPrefix("The server answered 501: Error response Error code: 501 Message: Unsupported method ('POST')."),
            failure.description)
        // Plain text keeps its words, on one line.
        XCTAssertEqual(ChatClient.summary(ofErrorBody: Array("upstream\n  timed out\r\n".utf8)), "upstream timed out")
        XCTAssertNil(ChatClient.summary(ofErrorBody: Array(" \n ".utf8)))
        // A page's scripts and styles are not its words, nor is a script cut short by the read's end.
        let scripted =
            "<html><body><style type=\"text/css\">p { color: red }</style><h1>502 Bad Gateway</h1>"
            + "<SCRIPT>if (a < b) { document.write(\"<p>x</p>\") }</SCRIPT ><p>Try again.</p><script>var unfinished = 1"
        XCTAssertEqual(ChatClient.summary(ofErrorBody: Array(scripted.utf8)), "502 Bad Gateway Try again.")
    }

    func testAServerThatIgnoresStreamTrue() async throws {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Whole."},"finish_reason":"stop"}]}"#
        let server = try StubServer { _, _ in .response(status: 200, headers: ["Content-Type": "application/json"], body: body) }
        let result = await run(client(server))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.text, "Whole.")
    }

    func testListModels() async throws {
        let server = try StubServer { _, _ in
            .response(
                status: 200, headers: ["Content-Type": "application/json"],
                body: #"{"data":[{"id":"a","status":"online"},{"id":"b","status":"offline"}]}"#)
        }
        let models = try await client(server).listModels()
        XCTAssertEqual(models.map(\.id), ["a", "b"])
        XCTAssertEqual(models.map(\.status), ["online", "offline"])
        XCTAssertEqual(server.requests.first?.path, "/v1/models")
    }
}
