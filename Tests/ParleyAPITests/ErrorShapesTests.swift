import Foundation
import ParleyHTTP
import ParleyWire
import TestSupport
import XCTest

@testable import ParleyAPI

/// Every server's error body, over the real transport from a scripted server: the sentence it
/// becomes (the status once, the server's message once), and how it is taken (waited for, tried a
/// few times, or said at once; a missing model).
final class ErrorShapesTests: XCTestCase {
    enum Taken: Equatable { case waitedFor, triedAFewTimes, saidAtOnce }

    struct Row {
        var name: String
        var status: Int
        var body: String
        var headers: [String: String] = [:]
        var key: String? = "sk-x"
        var sentence: String
        var taken: Taken
        var modelNotFound = false
        var window: Int?? = nil
    }

    static let rows: [Row] = [
        Row(
            name: "OpenAI, code null", status: 400,
            body: #"{"error": {"message": "Invalid value for temperature.", "type": "invalid_request_error", "code": null}}"#,
            sentence: "The server answered 400: Invalid value for temperature.",
            taken: .saidAtOnce),
        Row(
            name: "vLLM, no wrapper", status: 400,
            body: #"{"object": "error", "message": "max_tokens must be at least 1", "type": "BadRequestError", "code": 400}"#,
            sentence: "The server answered 400: max_tokens must be at least 1.", taken: .saidAtOnce),
        Row(
            name: "the status as the code, a string", status: 400, body: #"{"error": {"code": "400", "message": "bad input"}}"#,
            sentence: "The server answered 400: bad input.", taken: .saidAtOnce),
        Row(
            name: "FastAPI's detail list", status: 422,
            body: #"{"detail": [{"loc": ["body", "messages"], "msg": "field required", "type": "value_error.missing"}]}"#,
            sentence: "The server answered 422: field required.", taken: .saidAtOnce),
        Row(
            name: "FastAPI's detail text", status: 400, body: #"{"detail": "Bad request"}"#,
            sentence: "The server answered 400: Bad request.", taken: .saidAtOnce),
        Row(
            name: "a proxy's unknown model", status: 400,
            body: #"{"error": {"message": "Invalid model name passed in model=gpt-5", "type": "invalid_request_error", "code": "400"}}"#,
            sentence: "The server has no such model (400): Invalid model name passed in model=gpt-5. Check the model name (/model).",
            taken: .saidAtOnce, modelNotFound: true),
        Row(
            name: "vLLM's unknown model", status: 404,
            body: #"{"object": "error", "message": "The model `gpt-5` does not exist.", "type": "NotFoundError", "code": 404}"#,
            sentence: "Not found at BASE (404): The model `gpt-5` does not exist. Check the model name (/model) and the base URL.",
            taken: .saidAtOnce, modelNotFound: true),
        Row(
            name: "Ollama's unknown model", status: 404, body: #"{"error": "model \"llama9\" not found, try pulling it first"}"#,
            sentence:
                "Not found at BASE (404): model \"llama9\" not found, try pulling it first. Check the model name (/model) and the base URL.",
            taken: .saidAtOnce, modelNotFound: true),
        Row(
            name: "plain text 500, no key", status: 500, body: "Internal Server Error", key: nil,
            sentence: "The server answered 500: Internal Server Error. No API key was sent: PARLEY_API_KEY goes to any endpoint, "
                + "OPENAI_API_KEY and CASOLA_API_KEY only to their own services.",
            taken: .triedAFewTimes),
        Row(
            name: "a 502 with a key", status: 502, body: "bad gateway", sentence: "The server answered 502: bad gateway.",
            taken: .triedAFewTimes),
        Row(
            name: "warming up", status: 503, body: #"{"error": {"code": "model_warming_up", "message": "Loading"}}"#,
            sentence: "The server answered 503 model_warming_up: Loading.", taken: .waitedFor),
        Row(
            name: "any Retry-After", status: 502, body: "later", headers: ["Retry-After": "5"],
            sentence: "The server answered 502: later.", taken: .waitedFor),
        Row(
            name: "rate-limited", status: 429, body: #"{"error": {"code": "rate_limit_exceeded", "message": "Slow down"}}"#,
            sentence: "Too many requests (429 rate_limit_exceeded): Slow down.", taken: .waitedFor),
        Row(
            name: "a 401 without a key", status: 401, body: #"{"error": {"message": "Missing bearer token"}}"#, key: nil,
            sentence: "The server wants an API key (401): Missing bearer token. No API key was sent: PARLEY_API_KEY goes to any "
                + "endpoint, OPENAI_API_KEY and CASOLA_API_KEY only to their own services.",
            taken: .saidAtOnce),
        Row(
            name: "OpenAI's context length", status: 400,
            body:
                #"{"error": {"message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", "type": "invalid_request_error", "code": "context_length_exceeded"}}"#,
            sentence: "The conversation is too long for the model's context window of 8192 tokens (400 context_length_exceeded): "
                + "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
            taken: .saidAtOnce, window: .some(8192)),
        Row(
            name: "vLLM's context length", status: 400,
            body:
                #"{"object": "error", "message": "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens.", "type": "BadRequestError", "code": 400}"#,
            sentence: "The conversation is too long for the model's context window of 2048 tokens (400): "
                + "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens.",
            taken: .saidAtOnce, window: .some(2048)),
        Row(
            name: "llama.cpp's context size", status: 400,
            body:
                #"{"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it", "type": "exceed_context_size_error"}}"#,
            sentence:
                "The conversation is too long for the model's context window (400): the request exceeds the available context size, try increasing it.",
            taken: .saidAtOnce, window: .some(nil)),
    ]

    func testEachServersErrorShapeIsReadByItsMeaning() async throws {
        for row in Self.rows {
            let server = try StubServer { _, _ in .response(status: row.status, headers: row.headers, body: row.body) }
            let client = ChatClient(
                endpoint: Endpoint(baseURL: server.baseURL, apiKey: row.key, keySource: row.key.map { _ in "PARLEY_API_KEY" }),
                transport: CurlTransport(userAgent: "parley/test"), idleTimeout: 5)
            var failure: HTTPFailure?
            do {
                for try await _ in client.streamChatBatches(ChatRequest(model: "gpt-5", messages: [ChatMessage(role: .user, text: "hi")])) {
                }
            } catch let APIError.http(http) {
                failure = http
            } catch {
                XCTFail("\(row.name): \(error)")
            }
            guard let failure else {
                XCTFail("\(row.name): no failure")
                continue
            }
            XCTAssertEqual(failure.description, row.sentence.replacingOccurrences(of: "BASE", with: server.baseURL), row.name)
            let taken: Taken = failure.isBusy ? .waitedFor : failure.isTransient ? .triedAFewTimes : .saidAtOnce
            XCTAssertEqual(taken, row.taken, row.name)
            XCTAssertEqual(failure.isModelNotFound, row.modelNotFound, row.name)
            XCTAssertEqual(failure.isContextTooLong, row.window != nil, row.name)
            if let window = row.window { XCTAssertEqual(failure.contextWindow, window, row.name) }
        }
    }
}
