import ParleySession
import ParleyWire
import XCTest

/// The session's rule for a server that refuses connections: the bundled model, which `make run`
/// starts as parley opens, is waited for briefly; any other endpoint is said at once.
final class RetryPolicyTests: XCTestCase {
    let refused = TurnFailure(.cannotConnect, sentence: "Cannot connect to http://127.0.0.1:8077/v1. Is the server running?")

    /// How many tries a session makes, how long it waits in all, and its last sentence, when every try
    /// fails with `failure`.
    func outcome(_ failure: TurnFailure, _ policy: RetryPolicy) -> (tries: Int, waited: Double, sentence: String?) {
        var session = Session(settings: ChatSettings(model: "m"), retryPolicy: policy)
        _ = session.handle(.submit("hi"), now: 0)
        var now = 0.0
        var tries = 1
        while true {
            let effects = session.handle(.failed(failure), now: now, jitter: 0.5)
            guard case let .scheduleRetry(delay)? = effects.first else {
                let sentence = effects.compactMap { effect -> String? in
                    if case let .render(.failed(text)) = effect { return text }
                    return nil
                }.first
                return (tries, now, sentence)
            }
            now += delay
            tries += 1
            _ = session.handle(.retryTimer, now: now)
        }
    }

    func testTheBundledModelStartingIsWaitedForBriefly() {
        // 2, 4, 8 and 16 s: 30 in all, then it gives up.
        let result = outcome(refused, RetryPolicy(totalWait: 300, startingModelWait: RetryPolicy.bundledModelStartWait))
        XCTAssertEqual(result.tries, 5)
        XCTAssertLessThanOrEqual(result.waited, 30)
        let adjusted = RetryPolicy(startingModelWait: 30).adjusted(refused)
        XCTAssertEqual(adjusted.waitReason, "is not answering yet (scripts/local-model start starts it)")
    }

    func testAnyOtherRefusedConnectionIsSaidAtOnce() {
        let result = outcome(refused, RetryPolicy(totalWait: 300))
        XCTAssertEqual(result.tries, 1)
        XCTAssertEqual(result.sentence, refused.sentence + " /retry sends it again.")
    }

    func testABusyServerIsWaitedForAndAServerErrorTriedThreeTimes() {
        let busy = TurnFailure(.http(status: 503, code: "model_warming_up"), sentence: "warming", isRetryable: true)
        XCTAssertEqual(
            outcome(busy, RetryPolicy(totalWait: 300)).tries, 14, "the first, then after 2, 4, 8, 16 and nine times 30 s: 300 s in all")
        let transient = TurnFailure(
            .http(status: 500, code: nil), sentence: "The server answered 500.", isRetryable: true,
            attemptLimit: TurnFailure.transientAttempts)
        let result = outcome(transient, RetryPolicy(totalWait: 300))
        XCTAssertEqual(result.tries, 3, "a server error with no sign of being busy: three tries in all")
        XCTAssertEqual(result.sentence, "The server answered 500. /retry sends it again.")
    }

    func testAdviceFitsTheModeAndTheFailure() {
        var oneShot = RetryPolicy(totalWait: 0)
        oneShot.advice = .runAgain
        let transient = TurnFailure(.http(status: 502, code: nil), sentence: "The server answered 502.", isRetryable: true)
        XCTAssertEqual(outcome(transient, oneShot).sentence, "The server answered 502. Run the command again to try again.")
        let refused = TurnFailure(.http(status: 400, code: nil), sentence: "The server answered 400: bad.")
        XCTAssertEqual(outcome(refused, oneShot).sentence, "The server answered 400: bad.", "a retry cannot fix it: none offered")
        XCTAssertEqual(outcome(refused, RetryPolicy()).sentence, "The server answered 400: bad.")
        let cut = TurnFailure(.cut, sentence: "The reply was cut off.")
        XCTAssertEqual(outcome(cut, RetryPolicy()).sentence, "The reply was cut off. /retry sends it again.")
    }

    func testOnlyARefusedConnectionIsTakenForAStartingModel() {
        let policy = RetryPolicy(startingModelWait: 30)
        for kind: TurnFailure.Kind in [.unreachable, .http(status: 400, code: nil), .cut, .badReply] {
            XCTAssertFalse(policy.adjusted(TurnFailure(kind, sentence: "x")).isRetryable, "\(kind)")
        }
    }
}
