import CCurl
import Foundation
import ParleyShared
import TestSupport
import XCTest

@testable import ParleyHTTP

final class CurlTransportTests: XCTestCase {
    let transport = CurlTransport(userAgent: "parley/test")

    func collect(_ request: HTTPRequest) async -> (head: HTTPResponseHead?, body: [UInt8], error: Error?) {
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        do {
            for try await event in transport.send(request) {
                switch event {
                case let .head(h): head = h
                case let .body(b): body += b
                }
            }
            return (head, body, nil)
        } catch {
            return (head, body, error)
        }
    }

    func testAnOptionLibcurlRefusesStopsTheRequestBeforeAnythingIsSent() async throws {
        let server = try StubServer { _, _ in .response(status: 200, body: "{}") }
        // The rules that matter most: only http and https, and certificates verified.
        for (option, name) in [
            (CURLOPT_PROTOCOLS_STR, "CURLOPT_PROTOCOLS_STR"), (CURLOPT_SSL_VERIFYPEER, "CURLOPT_SSL_VERIFYPEER"),
            (CURLOPT_REDIR_PROTOCOLS_STR, "CURLOPT_REDIR_PROTOCOLS_STR"), (CURLOPT_HTTPHEADER, "CURLOPT_HTTPHEADER"),
        ] {
            let refusing = CurlTransport(userAgent: "parley/test", options: .refusing(option))
            var failure: Error?
            do {
                for try await _ in refusing.send(HTTPRequest(method: .get, url: server.baseURL + "/models")) {}
            } catch {
                failure = error
            }
            guard case let .transfer(_, reason)? = failure as? HTTPError else { return XCTFail("\(name): \(String(describing: failure))") }
            XCTAssertEqual(reason, "libcurl refused the option \(name) (An unknown option was passed in to libcurl), so nothing was sent")
        }
        XCTAssertEqual(server.requests.count, 0, "no request reached the server")
        let live = await collect(HTTPRequest(method: .get, url: server.baseURL + "/models"))
        XCTAssertNil(live.error, "libcurl's own setter takes them all")
    }

    func testPostSendsBodyHeadersAndUserAgent() async throws {
        let server = try StubServer { _, _ in .response(status: 200, headers: ["Content-Type": "application/json"], body: "{}") }
        let request = HTTPRequest(
            method: .post, url: server.baseURL + "/chat/completions",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "Authorization", value: "Bearer k")],
            body: Array(#"{"a":1}"#.utf8))
        let result = await collect(request)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.head?.status, 200)
        XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "{}")
        let received = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(received.method, "POST")
        XCTAssertEqual(received.path, "/v1/chat/completions")
        XCTAssertEqual(received.bodyText, #"{"a":1}"#)
        XCTAssertEqual(received.headers["user-agent"], "parley/test")
        XCTAssertEqual(received.headers["authorization"], "Bearer k")
        XCTAssertNil(received.headers["expect"])
    }

    func testAHeaderWithALineBreakIsNeverSent() async throws {
        let server = try StubServer { _, _ in .response(status: 200, body: "{}") }
        for value in ["Bearer k\n", "Bearer k\r\nX-Injected: 1", "Bearer k\u{0}"] {
            let result = await collect(
                HTTPRequest(method: .get, url: server.baseURL + "/models", headers: [HTTPHeader(name: "Authorization", value: value)]))
            let error = try XCTUnwrap(result.error as? HTTPError)
            XCTAssertEqual(
                error.description,
                "The transfer from \(server.baseURL)/models failed: its Authorization header holds a line break, so nothing was sent.")
            XCTAssertFalse(error.description.contains("Bearer"), "the key is not shown")
        }
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testGetAndStatusWithRetryAfter() async throws {
        let server = try StubServer { _, _ in .error(status: 429, code: "rate_limit", message: "slow", headers: ["Retry-After": "3"]) }
        let result = await collect(HTTPRequest(method: .get, url: server.baseURL + "/models"))
        XCTAssertEqual(server.requests.first?.method, "GET")
        XCTAssertEqual(result.head?.status, 429)
        XCTAssertEqual(result.head?.retryAfter(), 3)
        XCTAssertTrue(String(decoding: result.body, as: UTF8.self).contains("rate_limit"))
    }

    func testBodyIsDeliveredAsItArrives() async throws {
        // The server holds the rest until the test has had "first": a body held back for more would
        // bring "first" only with "second", once the hold had run out.
        let gate = StubServer.Gate()
        let server = try StubServer { _, _ in [.streamHead(), .text("first"), .hold(gate), .text("second"), .close] }
        var body = ""
        var firstCameAlone = false
        for try await event in transport.send(HTTPRequest(method: .get, url: server.baseURL + "/stream")) {
            if case let .body(bytes) = event {
                body += String(decoding: bytes, as: UTF8.self)
                if body == "first" {
                    firstCameAlone = true
                    gate.open()
                }
            }
        }
        XCTAssertTrue(firstCameAlone, "\"first\" came while the server held the rest")
        XCTAssertEqual(body, "firstsecond")
    }

    func testRefusedConnectionNamesTheURL() async throws {
        let server = try StubServer { _, _ in [] }
        let url = server.baseURL + "/models"
        server.stop()
        let result = await collect(HTTPRequest(method: .get, url: url))
        XCTAssertEqual(result.error as? HTTPError, .cannotConnect(url: url, reason: "connection refused"))
    }

    func testTLSFailureIsATLSError() async throws {
        let server = try StubServer { _, _ in .response(status: 200, body: "plain http") }
        let result = await collect(HTTPRequest(method: .get, url: "https://127.0.0.1:\(server.port)/v1/models"))
        guard case .tls = result.error as? HTTPError else {
            return XCTFail("expected a TLS error, got \(String(describing: result.error))")
        }
    }

    func testUnusableURL() async {
        let result = await collect(HTTPRequest(method: .get, url: "gopher://127.0.0.1/"))
        guard case .invalidURL = result.error as? HTTPError else { return XCTFail("\(String(describing: result.error))") }
    }

    func testSilentServerEndsWithStall() async throws {
        // The server never ends the stream itself: only the stall timer can.
        let server = try StubServer { _, _ in [.streamHead(), .text("data: x\n\n"), .stall, .close] }
        defer { server.stop() }
        let url = server.baseURL + "/chat/completions"
        let result = await collect(HTTPRequest(method: .get, url: url, idleTimeout: 0.5))
        XCTAssertEqual(result.error as? HTTPError, .stalled(url: url, seconds: 0.5))
        XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "data: x\n\n")
        try await waitUntil("the server to see the connection closed") { server.clientsGone == 1 }
    }

    func testHeadersThatNeverComeEndWithStall() async throws {
        let server = try StubServer { _, _ in [.stall, .close] }
        defer { server.stop() }
        let result = await collect(HTTPRequest(method: .get, url: server.baseURL + "/models", idleTimeout: 0.5))
        guard case .stalled = result.error as? HTTPError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertNil(result.head)
    }

    func testCancelFromAnotherTaskEndsASilentTransfer() async throws {
        // A silent server, and no stall timer to speak of: only the cancel can end the transfer.
        let server = try StubServer { _, _ in [.streamHead(), .text("data: x\n\n"), .stall, .close] }
        defer { server.stop() }
        let stream = transport.send(HTTPRequest(method: .get, url: server.baseURL + "/stream", idleTimeout: 3600))
        let pieces = Locked(0)
        let consumer = Task {
            do { for try await _ in stream { pieces.withLock { $0 += 1 } } } catch {}
        }
        try await waitUntil("the head and the first piece") { pieces.value == 2 }
        consumer.cancel()
        await consumer.value
        XCTAssertEqual(pieces.value, 2)
        // The cancel reached curl, not only the reader: the connection closed while the server held it.
        try await waitUntil("the server to see the connection closed") { server.clientsGone == 1 }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testStatusLineOfTheFinalResponseWins() async throws {
        let server = try StubServer { _, _ in
            [.text("HTTP/1.1 100 Continue\r\n\r\n")] + .response(status: 503, body: "busy")
        }
        let result = await collect(HTTPRequest(method: .post, url: server.baseURL + "/chat/completions", body: Array("{}".utf8)))
        XCTAssertEqual(result.head?.status, 503)
        XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "busy")
    }
}
