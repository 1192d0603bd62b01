import ParleyAPI
import ParleySession
import XCTest
@testable import ParleyShell

final class TurnFailureTests: XCTestCase {
    let refused = APIError.transport(.cannotConnect(url: "http://127.0.0.1:8077/v1/chat/completions", reason: "connection refused"))

    func testTheBundledModelStartingIsWaitedForBriefly() {
        let bundled = Endpoint(baseURL: Endpoint.localModelURL, baseURLSource: Endpoint.localModelSource)
        let failure = Shell.turnFailure(refused, endpoint: bundled)
        XCTAssertTrue(failure.isRetryable)
        XCTAssertEqual(failure.waitLimit, 30)
        // The session waits 2, 4, 8 and 16 s (30 in all), then gives up.
        var session = Session(settings: ChatSettings(model: "m"))
        _ = session.handle(.submit("hi"), now: 0)
        var now = 0.0
        var tries = 1
        while case let .scheduleRetry(delay)? = session.handle(.failed(failure), now: now, jitter: 0.5).first {
            now += delay
            tries += 1
            _ = session.handle(.retryTimer, now: now)
        }
        XCTAssertEqual(tries, 5)
        XCTAssertLessThanOrEqual(now, 30)
    }

    func testAnyOtherRefusedConnectionIsSaidAtOnce() {
        let given = Endpoint(baseURL: "http://127.0.0.1:9/v1", baseURLSource: "--base-url")
        XCTAssertFalse(Shell.turnFailure(refused, endpoint: given).isRetryable)
        let sameURLGiven = Endpoint(baseURL: Endpoint.localModelURL, baseURLSource: "--base-url")
        XCTAssertFalse(Shell.turnFailure(refused, endpoint: sameURLGiven).isRetryable)
    }
}
