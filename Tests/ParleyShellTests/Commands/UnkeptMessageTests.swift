import Foundation
import ParleySession
import ParleyStore
import XCTest

@testable import ParleyShell

/// A store named with `--store` must keep every message before it is sent: when it cannot, the
/// message is not sent and not lost.
final class UnkeptMessageTests: XCTestCase {
    /// A store that has gone away: every call fails, saying where it was.
    final class GoneStore: ConversationStore, @unchecked Sendable {
        var location: String { "database chats on db.example:5432 as alice" }
        func fail() -> StoreError { .failed("\(location): server closed the connection unexpectedly") }
        func create(_ conversation: StoredConversation) throws(StoreError) { throw fail() }
        func conversation(id: String) throws(StoreError) -> StoredConversation? { throw fail() }
        func conversations(limit: Int) throws(StoreError) -> [ConversationSummary] { throw fail() }
        func latest() throws(StoreError) -> StoredConversation? { throw fail() }
        func find(_ text: String) throws(StoreError) -> StoredConversation? { throw fail() }
        func rename(_ id: String, to title: String) throws(StoreError) { throw fail() }
        func saveSettings(_ id: String, _ settings: StoredSettings) throws(StoreError) { throw fail() }
        func delete(_ id: String) throws(StoreError) { throw fail() }
        func write(
            _ messages: [StoredMessage], from position: Int, in conversationID: String, creating: StoredConversation?,
            retitling title: String?,
            now: Date
        ) throws(StoreError) { throw fail() }
        func truncate(_ conversationID: String, from position: Int) throws(StoreError) { throw fail() }
        func messages(in conversationID: String) throws(StoreError) -> [StoredMessage] { throw fail() }
        func search(_ text: String, limit: Int) throws(StoreError) -> [SearchHit] { throw fail() }
        func preference(_ key: String) throws(StoreError) -> String? { throw fail() }
        func setPreference(_ key: String, _ value: String) throws(StoreError) { throw fail() }
    }

    static let sentence =
        "The conversation store failed: database chats on db.example:5432 as alice: server closed the connection unexpectedly."

    func testAtThePromptTheMessageIsNotSentAndComesBackInTheLine() async throws {
        try await onMain {
            let shell = try Harness(interactive: true)
            shell.shell.services.conversations = ConversationKeeper(store: GoneStore(), mustKeep: true)
            try "milk".write(toFile: shell.path("n.txt"), atomically: true, encoding: .utf8)
            await shell.enter("/attach \(shell.path("n.txt"))")
            _ = shell.take()
            await shell.enter("Plan the trip")
            XCTAssertEqual(shell.take().err, "error: \(Self.sentence) Your message was not sent; it is back in the line.\n")
            XCTAssertTrue(shell.chat.requests.isEmpty, "nothing sent")
            XCTAssertTrue(shell.session.messages.isEmpty, "not in the conversation either")
            XCTAssertEqual(shell.session.pendingAttachments.map(\.name), [shell.path("n.txt")], "its attachment waits again")
            XCTAssertEqual(shell.shell.nextLineText, "Plan the trip", "the next prompt starts with it")
        }
    }

    func testInAScriptTheRunStopsSayingWhichLineWasNotSent() async throws {
        try await onMain {
            let shell = try Harness()
            shell.shell.services.conversations = ConversationKeeper(store: GoneStore(), mustKeep: true)
            await shell.enter("First question")
            XCTAssertEqual(
                shell.take().err, "error: \(Self.sentence) The message \"First question\" was not sent, nor any line after it.\n")
            XCTAssertTrue(shell.shell.scriptStopped)
            XCTAssertTrue(shell.chat.requests.isEmpty)
        }
    }

    func testTheDataDirectorysOwnStoreOnlyWarnsAndTheMessageGoes() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("ok")])
            shell.shell.services.conversations = ConversationKeeper(store: GoneStore(), mustKeep: false)
            shell.shell.services.conversations.onFailure = { [unowned shell] in shell.shell.console.warning($0) }
            await shell.enter("Hello")
            XCTAssertEqual(shell.chat.requests.count, 1)
            XCTAssertTrue(shell.take().err.contains("warning: History is not being saved"))
        }
    }

    func testAnEditOrAReplyThatCannotBeKeptIsSaidAndTheNextMessageIsNotBlamed() async throws {
        try await onMain {
            let shell = try Harness(
                replies: [ScriptedChat.text("One."), ScriptedChat.text("Two.")], interactive: true, answers: [.line("edited")])
            await shell.enter("First")
            _ = shell.take()
            shell.shell.services.conversations = ConversationKeeper(store: GoneStore(), mustKeep: true)
            await shell.enter("/edit 1")
            let said = shell.take().err
            XCTAssertTrue(said.contains("It was not kept."), said)
            XCTAssertFalse(said.contains("back in the line"), "an edit is said, not taken back: \(said)")
            XCTAssertNil(shell.shell.unkept)
        }
    }
}
