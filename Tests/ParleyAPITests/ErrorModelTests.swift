import ParleyHTTP
import ParleyWire
import XCTest

@testable import ParleyAPI

final class ErrorModelTests: XCTestCase {
    func failure(_ status: Int, _ code: String? = nil) -> APIError {
        .http(HTTPFailure(status: status, code: code, message: "m", keySource: "PARLEY_API_KEY", url: "http://h/v1"))
    }

    func testRetryableFollowsTheProtocol() {
        for (status, code) in [
            (429, "rate_limit"), (429, "backlog_full"), (500, nil), (502, "bad_gateway"),
            (503, "model_warming_up"), (503, "no_capacity"), (504, "timeout"),
        ] as [(Int, String?)] {
            XCTAssertTrue(failure(status, code).isRetryable, "\(status) \(code ?? "")")
        }
        for (status, code) in [
            (400, nil), (401, nil), (403, nil), (404, "model_not_found"), (429, "quota_exceeded"),
            (503, "not_configured"),
        ] as [(Int, String?)] {
            XCTAssertFalse(failure(status, code).isRetryable, "\(status) \(code ?? "")")
        }
        XCTAssertFalse(APIError.transport(.cannotConnect(url: "u", reason: "connection refused")).isRetryable)
        XCTAssertFalse(APIError.streamCut(reason: nil).isRetryable)
    }

    func testEachCaseHasAnActionableSentence() {
        XCTAssertTrue(failure(401).description.contains("PARLEY_API_KEY"))
        XCTAssertTrue(failure(401).description.contains("refused"))
        XCTAssertTrue(failure(404).description.contains("/model"))
        XCTAssertTrue(failure(429, "quota_exceeded").description.contains("quota"))
        XCTAssertTrue(
            APIError.transport(.cannotConnect(url: "http://127.0.0.1:9/v1", reason: "connection refused"))
                .description.contains("http://127.0.0.1:9/v1"))
        XCTAssertTrue(APIError.transport(.stalled(url: "u", seconds: 5)).description.contains("--idle-timeout"))
        XCTAssertTrue(APIError.streamCut(reason: nil).description.contains("the text so far is kept"))  // /retry is the session's to offer
        XCTAssertTrue(APIError.errorEvent(code: "worker_error", message: "died").description.contains("died"))
        XCTAssertTrue(APIError.invalidBaseURL("x", reason: "it has no host").description.contains("--base-url"))
    }

    func testAMessageEndingInAFullStopIsNotGivenAnother() {
        let said = HTTPFailure(status: 401, message: "Incorrect API key provided.", keySource: "PARLEY_API_KEY", url: "u")
        XCTAssertTrue(
            said.description.hasPrefix("The API key from PARLEY_API_KEY was refused (401): Incorrect API key provided. Set"),
            said.description)
        XCTAssertEqual(
            HTTPFailure(status: 500, message: "boom", keySource: "PARLEY_API_KEY", url: "u").description, "The server answered 500: boom.")
    }

    func testRetryAfterInSecondsOrAsADate() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let seconds = HTTPResponseHead(status: 429, headers: [HTTPHeader(name: "retry-after", value: "7")])
        XCTAssertEqual(seconds.retryAfter(now: now), 7)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        let date = HTTPResponseHead(
            status: 503, headers: [HTTPHeader(name: "Retry-After", value: formatter.string(from: now.addingTimeInterval(12)))])
        XCTAssertEqual(date.retryAfter(now: now) ?? 0, 12, accuracy: 1)
        XCTAssertNil(HTTPResponseHead(status: 503, headers: []).retryAfter(now: now))
    }
}
