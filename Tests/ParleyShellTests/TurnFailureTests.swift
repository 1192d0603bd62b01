import ParleyAPI
import ParleyHTTP
import ParleySession
import XCTest

@testable import ParleyShell

/// The chat client's errors as the session takes them: their kind, how often they are tried, and
/// whether a retry is worth offering.
final class TurnFailureTests: XCTestCase {
    func failure(_ status: Int, code: String? = nil, message: String? = nil, retryAfter: Double? = nil) -> TurnFailure {
        TurnFailure(
            APIError.http(HTTPFailure(status: status, code: code, message: message, retryAfter: retryAfter, keySource: "K", url: "u")))
    }

    func testEachErrorIsTakenByItsMeaning() {
        let busy = failure(503, code: "model_warming_up")
        XCTAssertEqual(busy.kind, .http(status: 503, code: "model_warming_up"))
        XCTAssertTrue(busy.isRetryable)
        XCTAssertNil(busy.attemptLimit, "waited for as long as --wait allows")
        let later = failure(502, retryAfter: 4)
        XCTAssertEqual([later.isRetryable, later.attemptLimit == nil], [true, true], "any Retry-After is a sign")
        let transient = failure(500)
        XCTAssertEqual(transient.attemptLimit, 3)
        XCTAssertTrue(transient.retryHelps)
        let refused = failure(400, message: "bad")
        XCTAssertFalse(refused.isRetryable || refused.retryHelps)
        let missing = failure(400, message: "Invalid model name passed in model=x")
        XCTAssertTrue(missing.suggestsModels)
        let tooLong = failure(400, code: "context_length_exceeded", message: "This model's maximum context length is 4096 tokens.")
        XCTAssertEqual([tooLong.contextTooLong, tooLong.retryHelps], [true, false])
        XCTAssertEqual(tooLong.contextWindow, 4096)
        let refusedConnection = TurnFailure(APIError.transport(.cannotConnect(url: "u", reason: "connection refused")))
        XCTAssertEqual(refusedConnection.kind, .cannotConnect)
        XCTAssertEqual(TurnFailure(APIError.streamCut(reason: nil)).kind, .cut)
        XCTAssertEqual(TurnFailure(APIError.errorEvent(code: nil, message: "died")).kind, .badReply)
    }

    func testTheShellOffersRetryWhereItHelps() async throws {
        try await onMain {
            let cut = TurnFailure(.cut, sentence: "The reply was cut off before it ended; the text so far is kept.")
            let shell = try Harness(replies: [.failure(cut)], interactive: true)
            await shell.enter("hi")
            XCTAssertTrue(shell.take().err.hasSuffix("the text so far is kept. /retry sends it again.\n"))
        }
    }
}
