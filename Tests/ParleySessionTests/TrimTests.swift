import ParleySession
import ParleyWire
import XCTest

/// `/trim`: the oldest turns left out of what is sent, never out of the conversation.
final class TrimTests: XCTestCase {
    /// A session of `turns` turns, each a question and a reply of `size` characters.
    func session(turns: Int, size: Int = 40) -> Session {
        var session = Session(settings: ChatSettings(model: "m", systemPrompt: "Be brief."))
        session.load(
            (1...turns).flatMap { turn in
                [
                    Message(role: .user, text: "question \(turn) " + String(repeating: "q", count: size)),
                    Message(role: .assistant, text: "answer \(turn) " + String(repeating: "a", count: size)),
                ]
            })
        return session
    }

    func sent(_ session: Session) -> [String] {
        session.request()?.messages.compactMap { if case let .text(text) = $0.content { String(text.prefix(10)) } else { nil } } ?? []
    }

    func testTrimmedTurnsAreNotSentButStay() throws {
        var session = session(turns: 3)
        XCTAssertEqual(try session.trim(turns: 2, window: nil), 2)
        XCTAssertEqual(sent(session), ["Be brief.", "question 3", "answer 3 a"], "the system prompt and the last turn")
        XCTAssertEqual(session.messages.count, 6, "nothing is gone from the conversation")
        XCTAssertThrowsError(try session.trim(turns: 1, window: nil), "only the last turn is left")
    }

    func testTheDefaultFitsTheWindowTheServerSaid() throws {
        // Each turn ~ 2 × (50 / 4 + 4) = 32 tokens; a window of 100 leaves 75 for what is sent.
        var session = session(turns: 5)
        XCTAssertEqual(try session.trim(turns: nil, window: 100), 3)
        XCTAssertEqual(sent(session).count, 5, "the system prompt and two turns")
        var unknown = self.session(turns: 3)
        XCTAssertThrowsError(try unknown.trim(turns: nil, window: nil)) { error in
            XCTAssertTrue((error as? Session.TrimRefusal)?.sentence.contains("/trim N") == true)
        }
    }

    func testAnEditedTrimmedMessageIsSentAgainAndANewConversationStartsWhole() throws {
        var session = session(turns: 3)
        _ = try session.trim(turns: 2, window: nil)
        _ = session.handle(.edit(number: 3, text: "question 2, edited"), now: 0)
        XCTAssertEqual(sent(session).dropFirst().first, "question 2", "the edited turn is sent")
        _ = session.handle(.finished(nil), now: 1)
        session.clear()
        XCTAssertEqual(session.sentFrom, 0)
    }
}
