import ParleyAPI
import ParleyHTTP
import ParleySession
import XCTest

@testable import ParleyShell

/// A one-shot prompt that is a slash command runs it; `-c` with nothing to continue starts anew;
/// nothing configured and nothing answering says the ways forward.
final class OneShotCommandTests: XCTestCase {
    func testAOneShotSlashCommandRunsAndDoubleSlashSendsIt() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("A path.")])
            let settings = await shell.shell.runOneShot("/temp")
            XCTAssertEqual(settings, 0)
            XCTAssertEqual(shell.take().out, "Temperature: server default\n")
            XCTAssertEqual(shell.chat.requests.count, 0, "a command is not sent to the model")
            let literal = await shell.shell.runOneShot("//etc is a folder")
            XCTAssertEqual(literal, 0)
            XCTAssertEqual(shell.chat.requests.last?.messages.last?.content, .text("/etc is a folder"))
            let unknown = await shell.shell.runOneShot("/nope")
            XCTAssertEqual(unknown, 1)
            XCTAssertTrue(
                shell.take().err.hasSuffix("error: Unknown command /nope; /help lists them. Start a message with // to send a slash.\n"))
            let failing = try Harness()
            let edit = await failing.shell.runOneShot("/edit 1")
            XCTAssertEqual(edit, 1, "a command that fails fails the run")
        }
    }

    func testContinueWithNothingToContinueStartsANewConversation() async throws {
        try await onMain {
            let shell = try Harness { $0.continueLatest = true }
            XCTAssertTrue(shell.shell.openRequestedConversation())
            XCTAssertEqual(shell.take().err, "There is no conversation to continue yet; this one is new.\n")
            let named = try Harness { $0.chat = "Holiday plans" }
            XCTAssertFalse(named.shell.openRequestedConversation(), "a conversation asked for by name must be there")
            XCTAssertEqual(named.take().err, "error: No conversation matches \"Holiday plans\"; /chats lists them.\n")
        }
    }

    func testNothingConfiguredAndNothingAnsweringSaysTheWaysForward() async throws {
        try await onMain {
            let refused = APIError.transport(.cannotConnect(url: "http://127.0.0.1:8077/v1/models", reason: "connection refused"))
            // Without a model: the list of models cannot be read.
            let listing = try Harness(model: nil, bundledModel: true)
            listing.models.failure = refused
            await listing.enter("hi")
            XCTAssertEqual(listing.take().err, "error: " + Endpoint.notConfigured + "\n")
            // With one: the message is sent, the bundled model is waited for (it may be starting), then the same.
            let chat = try Harness(replies: Array(repeating: .failure(refused), count: 6), bundledModel: true)
            await chat.enter("hi")
            let said = chat.take().err
            XCTAssertTrue(said.hasSuffix("error: " + Endpoint.notConfigured + " /retry sends it again.\n"), said)
            XCTAssertEqual(chat.clock.slept.reduce(0, +), 30, "30 s in all for the model to start")
            // A server that was named is said to refuse at once, as it is.
            let named = try Harness(replies: [.failure(refused)])
            await named.enter("hi")
            XCTAssertTrue(named.take().err.hasPrefix("error: Cannot connect to http://127.0.0.1:8077/v1/models"))
        }
    }
}
