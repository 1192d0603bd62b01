import ParleySession
import ParleyWire
import XCTest

@testable import ParleyShell

/// Messages, `/regen`, `/retry` and `/edit` in-process: what the session resends and what it keeps.
final class TurnCommandTests: XCTestCase {
    static func texts(_ request: ChatRequest?) -> [String] {
        request?.messages.compactMap { message in
            if case let .text(text) = message.content { return text }
            return nil
        } ?? []
    }

    func testAMessageIsSentAndItsReplyKept() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("Paris.")])
            await shell.enter("Capital of France?")
            XCTAssertEqual(shell.take().out, "Paris.\n\n")
            XCTAssertEqual(TurnCommandTests.texts(shell.chat.requests.last), ["Capital of France?"])
            XCTAssertEqual(shell.session.messages.map(\.text), ["Capital of France?", "Paris."])
            let id = try XCTUnwrap(shell.shell.keeper.conversationID)
            XCTAssertEqual(try shell.store?.messages(in: id).map(\.content), ["Capital of France?", "Paris."])
        }
    }

    func testRegenReplacesTheLastReply() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("One."), ScriptedChat.text("Two.")])
            await shell.enter("Count")
            await shell.enter("/regen")
            XCTAssertEqual(shell.session.messages.map(\.text), ["Count", "One."].dropLast() + ["Two."])
            XCTAssertEqual(TurnCommandTests.texts(shell.chat.requests.last), ["Count"], "the old reply is not sent back")
            XCTAssertTrue(shell.take().out.contains("[regenerated]"), "a script marks the new reply")
            await shell.enter("/regen now")
            XCTAssertEqual(shell.take().err, "error: /regen takes no argument. Usage: /regen\n")
        }
    }

    func testRetrySendsAgainOnlyWhatFailed() async throws {
        try await onMain {
            let refused = TurnFailure(.http(status: 400, code: nil), sentence: "The server answered 400.")
            let shell = try Harness(replies: [.failure(refused), ScriptedChat.text("Now it works.")])
            await shell.enter("Try this")
            XCTAssertEqual(shell.take().err, "error: The server answered 400.\n", "a refused request: /retry is not offered, as such")
            XCTAssertTrue(shell.failed)
            await shell.enter("/retry")
            XCTAssertEqual(shell.session.messages.map(\.text), ["Try this", "Now it works."])
            XCTAssertEqual(shell.chat.requests.count, 2)
            await shell.enter("/retry")
            XCTAssertEqual(shell.take().err, "error: Nothing to retry: the last request did not fail. /regen asks for a new reply.\n")
            XCTAssertEqual(shell.chat.requests.count, 2, "nothing was sent")
        }
    }

    func testEditResendsTheEditedMessageAndDropsWhatFollowed() async throws {
        try await onMain {
            let shell = try Harness(
                replies: [ScriptedChat.text("A."), ScriptedChat.text("B."), ScriptedChat.text("C.")],
                interactive: true, answers: [.line("second, edited")])
            await shell.enter("first")
            await shell.enter("second")
            await shell.enter("/edit 3")
            XCTAssertEqual(shell.lines?.prompts.last?.initial, "second", "the message is offered as it was")
            XCTAssertEqual(shell.session.messages.map(\.text), ["first", "A.", "second, edited", "C."])
            XCTAssertEqual(TurnCommandTests.texts(shell.chat.requests.last), ["first", "A.", "second, edited"])
            _ = shell.take()
            await shell.enter("/edit 2")
            XCTAssertEqual(shell.take().err, "error: Message 2 is not one of your messages; /history shows their numbers.\n")
            await shell.enter("/edit")
            XCTAssertEqual(shell.take().err, "error: Which message? /history shows their numbers. Usage: /edit N\n")
        }
    }

    func testEditNeedsAPromptAndAnEmptyAnswerChangesNothing() async throws {
        try await onMain {
            let script = try Harness(replies: [ScriptedChat.text("A.")])
            await script.enter("first")
            await script.enter("/edit 1")
            XCTAssertEqual(script.take().err, "error: /edit needs a terminal to edit in.\n")
            let shell = try Harness(replies: [ScriptedChat.text("A.")], interactive: true, answers: [.interrupted])
            await shell.enter("first")
            await shell.enter("/edit 1")
            XCTAssertEqual(shell.take().err, "Edit abandoned; nothing changed.\n")
            XCTAssertEqual(shell.chat.requests.count, 1)
        }
    }

    func testWithNoModelTheOnlyOneIsTakenOrAPersonPicks() async throws {
        try await onMain {
            let only = try Harness(replies: [ScriptedChat.text("ok")], models: ["solo"], model: nil)
            await only.enter("hi")
            XCTAssertEqual(only.chat.requests.first?.model, "solo")
            let several = try Harness(models: ["a", "b"], model: nil)
            await several.enter("hi")
            XCTAssertEqual(several.take().err, "error: No model is chosen: give one with -m NAME or /model NAME. It offers: a, b.\n")
            XCTAssertEqual(several.chat.requests.count, 0)
            let prompt = try Harness(
                replies: [ScriptedChat.text("ok")], models: ["a", "b"], model: nil, interactive: true, answers: [.line("b")])
            await prompt.enter("hi")
            XCTAssertEqual(prompt.chat.requests.first?.model, "b")
            XCTAssertTrue(prompt.take().err.hasPrefix("Choose a model first; the message is sent once one is chosen.\n"))
        }
    }

    func testAModelNotFoundGetsTheNearestNames() async throws {
        try await onMain {
            let missing = TurnFailure(.http(status: 404, code: nil), sentence: "Not found (404).")
            let shell = try Harness(replies: [.failure(missing)], models: ["gpt-4o", "gpt-4o-mini", "other"], model: "gpt-4")
            await shell.enter("hi")
            let said = shell.take().err
            XCTAssertTrue(said.hasSuffix("The server has: gpt-4o, gpt-4o-mini, other. /model NAME switches.\n"), said)
        }
    }

    func testAModelAProxyRefusesByNameGetsTheNearestNamesToo() async throws {
        try await onMain {
            let refused = TurnFailure(
                .http(status: 400, code: nil), sentence: "The server has no such model (400).", modelNotFound: true)
            let shell = try Harness(replies: [.failure(refused)], models: ["gpt-4o", "gpt-4o-mini"], model: "gpt-5")
            await shell.enter("hi")
            let said = shell.take().err
            XCTAssertTrue(said.hasSuffix("The server has: gpt-4o, gpt-4o-mini. /model NAME switches.\n"), said)
        }
    }

    func testATooLongConversationIsTrimmedThenRetried() async throws {
        try await onMain {
            var tooLong = TurnFailure(
                .http(status: 400, code: "context_length_exceeded"),
                sentence: "The conversation is too long for the model's context window of 60 tokens (400 context_length_exceeded).")
            tooLong.contextTooLong = true
            tooLong.contextWindow = 60
            let long = String(repeating: "x", count: 80)
            let shell = try Harness(
                replies: [
                    ScriptedChat.text("one " + long), ScriptedChat.text("two " + long), .failure(tooLong), ScriptedChat.text("Fits."),
                ])
            await shell.enter("first " + long)
            await shell.enter("second " + long)
            _ = shell.take()
            await shell.enter("third")
            XCTAssertEqual(
                shell.take().err,
                "error: \(tooLong.sentence) /trim leaves out the oldest turns (they stay in the conversation), then /retry sends the rest.\n"
            )
            await shell.enter("/trim")
            XCTAssertEqual(
                shell.take().err,
                "The 2 oldest turns are no longer sent (/history marks them); the next request sends the rest, as /retry does now.\n")
            await shell.enter("/retry")
            XCTAssertEqual(TurnCommandTests.texts(shell.chat.requests.last), ["third"], "the window's worth: the last turn")
            _ = shell.take()
            await shell.enter("/history")
            let history = shell.take().out.split(separator: "\n")
            XCTAssertEqual(history.filter { $0.hasSuffix("[not sent: /trim]") }.count, 4, "\(history)")
            XCTAssertEqual(try shell.store?.messages(in: XCTUnwrap(shell.shell.keeper.conversationID)).count, 6, "all kept")
            await shell.enter("/trim 5")
            XCTAssertEqual(shell.take().err, "error: There is nothing to trim: only the last turn is sent, and it must be.\n")
        }
    }

    func testABusyServerIsWaitedForThenTriedAgain() async throws {
        try await onMain {
            let busy = TurnFailure(
                .http(status: 503, code: "model_warming_up"), sentence: "warming", isRetryable: true,
                retryAfter: 3, waitReason: "is warming up")
            let shell = try Harness(replies: [.failure(busy), ScriptedChat.text("Ready.")])
            await shell.enter("hi")
            XCTAssertEqual(shell.clock.slept, [1, 1, 1], "Retry-After's 3 s, counted down a second at a time")
            XCTAssertEqual(shell.take(), TakeResult(out: "Ready.\n\n", err: "m is warming up — retrying in 3 s (try 2)\n"))
        }
    }
}

/// `Harness.take()`'s two outputs, comparable.
struct TakeResult: Equatable {
    var out: String
    var err: String
}

func XCTAssertEqual(_ taken: (out: String, err: String), _ expected: TakeResult, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(TakeResult(out: taken.out, err: taken.err), expected, file: file, line: line)
}
