import CCurl
import Foundation
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
        let server = try StubServer { _, _ in [.streamHead(), .text("first"), .pause(3), .text("second"), .close] }
        let started = Date()
        var firstAt: TimeInterval?
        var body = ""
        for try await event in transport.send(HTTPRequest(method: .get, url: server.baseURL + "/stream")) {
            if case let .body(bytes) = event {
                if firstAt == nil { firstAt = Date().timeIntervalSince(started) }
                body += String(decoding: bytes, as: UTF8.self)
            }
        }
        XCTAssertEqual(body, "firstsecond")
        // "first" came before the server's pause ended, not with the rest at the end.
        XCTAssertLessThan(try XCTUnwrap(firstAt), 2.5)
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
        let server = try StubServer { _, _ in [.streamHead(), .text("data: x\n\n"), .pause(20), .close] }
        let url = server.baseURL + "/chat/completions"
        let started = Date()
        let result = await collect(HTTPRequest(method: .get, url: url, idleTimeout: 0.5))
        XCTAssertEqual(result.error as? HTTPError, .stalled(url: url, seconds: 0.5))
        XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "data: x\n\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the stall timer, not the server, ended it")
    }

    func testHeadersThatNeverComeEndWithStall() async throws {
        let server = try StubServer { _, _ in [.pause(20), .close] }
        let result = await collect(HTTPRequest(method: .get, url: server.baseURL + "/models", idleTimeout: 0.5))
        guard case .stalled = result.error as? HTTPError else { return XCTFail("\(String(describing: result.error))") }
        XCTAssertNil(result.head)
    }

    func testCancelFromAnotherTaskEndsASilentTransferAtOnce() async throws {
        let server = try StubServer { _, _ in [.streamHead(), .text("data: x\n\n"), .pause(20), .close] }
        let stream = transport.send(HTTPRequest(method: .get, url: server.baseURL + "/stream"))
        let consumer = Task { () -> Int in
            var pieces = 0
            do { for try await _ in stream { pieces += 1 } } catch {}
            return pieces
        }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = Date()
        consumer.cancel()
        let pieces = await consumer.value
        XCTAssertEqual(pieces, 2)  // the head and the first piece
        // Far sooner than the server's 20 s pause or curl's own 1 s progress tick.
        XCTAssertLessThan(Date().timeIntervalSince(cancelledAt), 0.5)
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
