import Foundation
import ParleyTerminal
import XCTest

@testable import ParleyShell

/// `/new`, `/chats`, `/open`, `/rename`, `/delete`, `/save`, `/history`, `/search` in-process, over a
/// real store in a temporary folder.
final class ConversationCommandTests: XCTestCase {
    /// A harness with two conversations: "first question" (one turn), then "second question" (open).
    @MainActor static func twoConversations(interactive: Bool = false, answers: [LineInput] = []) async throws -> Harness {
        let shell = try Harness(
            replies: [ScriptedChat.text("First answer."), ScriptedChat.text("Second answer.")],
            interactive: interactive, answers: answers)
        await shell.enter("first question")
        await shell.enter("/new")
        await shell.enter("second question")
        _ = shell.take()
        return shell
    }

    func testChatsListsMostRecentFirstAndOpenReopens() async throws {
        try await onMain {
            let shell = try await ConversationCommandTests.twoConversations()
            await shell.enter("/chats")
            let ids = try XCTUnwrap(shell.store?.conversations().map { $0.id.prefix(8) })
            XCTAssertEqual(
                shell.take().out,
                "*  1. second question · 2 messages · just now · \(ids[0])\n   2. first question · 2 messages · just now · \(ids[1])\n")
            await shell.enter("/open \(ids[1])")
            XCTAssertEqual(shell.take().err, "Opened \"first question\" (2 messages); /history lists them.\n", "the id shown opens it")
            await shell.enter("/open 1")
            _ = shell.take()
            await shell.enter("/open 2")
            XCTAssertEqual(shell.take().err, "Opened \"first question\" (2 messages); /history lists them.\n")
            XCTAssertEqual(shell.session.messages.map(\.text), ["first question", "First answer."])
            await shell.enter("/open nothing like it")
            XCTAssertEqual(shell.take().err, "error: No conversation matches \"nothing like it\"; /chats lists them.\n")
            await shell.enter("/open 9")
            XCTAssertEqual(shell.take().err, "error: There is no conversation 9; /chats lists 2.\n")
        }
    }

    func testNewStartsAnEmptyConversation() async throws {
        try await onMain {
            let shell = try await ConversationCommandTests.twoConversations()
            await shell.enter("/new")
            XCTAssertTrue(shell.session.messages.isEmpty)
            XCTAssertNil(shell.shell.keeper.conversationID)
            XCTAssertEqual(shell.take().err, "New conversation.\n")
        }
    }

    func testRenameTitlesTheConversation() async throws {
        try await onMain {
            let shell = try Harness()
            await shell.enter("/rename Too soon")
            XCTAssertEqual(shell.take().err, "error: Nothing to rename yet: the conversation starts with its first message.\n")
            await shell.enter("hello")
            await shell.enter("/rename Greetings")
            let id = try XCTUnwrap(shell.shell.keeper.conversationID)
            XCTAssertEqual(try shell.store?.conversation(id: id)?.title, "Greetings")
            await shell.enter("/rename")
            XCTAssertTrue(shell.take().err.hasSuffix("error: What title? Usage: /rename TITLE\n"))
        }
    }

    func testDeleteAsksAtAPromptAndNeedsYesInAScript() async throws {
        try await onMain {
            let script = try await ConversationCommandTests.twoConversations()
            await script.enter("/delete 2")
            XCTAssertEqual(script.take().err, "error: In a script, /delete needs --yes: /delete 2 --yes\n")
            XCTAssertEqual(try script.store?.conversations().count, 2)
            await script.enter("/delete 2 --yes")
            XCTAssertEqual(try script.store?.conversations().map(\.title), ["second question"])
            let person = try await ConversationCommandTests.twoConversations(interactive: true, answers: [.line("n"), .line("y")])
            await person.enter("/delete")
            XCTAssertEqual(person.lines?.prompts.last?.prompt, "Delete \"second question\"? [y/N] ")
            XCTAssertEqual(try person.store?.conversations().count, 2, "no means no")
            await person.enter("/delete")
            XCTAssertEqual(try person.store?.conversations().map(\.title), ["first question"])
            XCTAssertTrue(person.session.messages.isEmpty, "the conversation deleted was the open one")
        }
    }

    func testHistoryNumbersEachMessage() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("Line one\nline two")])
            await shell.enter("/history")
            XCTAssertEqual(shell.take().out, "No messages yet.\n")
            await shell.enter("question")
            _ = shell.take()
            await shell.enter("/history")
            XCTAssertEqual(shell.take().out, "#1 you: question\n#2 m: Line one…\n")
        }
    }

    func testPipedHistoryKeepsSeventyCharactersOfAnyWidth() async throws {
        try await onMain {
            let wide = String(repeating: "漢", count: 100)
            let shell = try Harness(replies: [ScriptedChat.text("ok")])
            await shell.enter(wide)
            _ = shell.take()
            await shell.enter("/history")
            let first = shell.take().out.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertEqual(first, "#1 you: " + String(repeating: "漢", count: 70) + "…", "characters, not columns, when piped")
        }
    }

    func testSearchFindsWordsInEveryConversation() async throws {
        try await onMain {
            let shell = try await ConversationCommandTests.twoConversations()
            await shell.enter("/search answer")
            XCTAssertEqual(shell.take().out, "second question #2 m: Second answer.\nfirst question #2 m: First answer.\n")
            await shell.enter("/search zebra")
            XCTAssertEqual(shell.take().out, "No message contains \"zebra\".\n")
        }
    }

    func testSaveWritesMarkdownOrJSONAndReplacesOnlyWithForce() async throws {
        try await onMain {
            let shell = try await ConversationCommandTests.twoConversations()
            let markdown = shell.path("chat.md")
            await shell.enter("/save \(markdown)")
            XCTAssertEqual(shell.take().err, "Saved 2 messages to \(markdown).\n")
            let text = try String(contentsOfFile: markdown, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("# second question\n") && text.contains("## You\n\nsecond question"), text)
            let mode = try FileManager.default.attributesOfItem(atPath: markdown)[.posixPermissions] as? NSNumber
            XCTAssertEqual(mode?.intValue, 0o600)
            await shell.enter("/save \(markdown)")
            XCTAssertEqual(shell.take().err, "error: \(markdown) exists; /save \(markdown) --force replaces it.\n")
            let json = shell.path("chat.json")
            await shell.enter("/save \(json)")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
            XCTAssertEqual((object?["messages"] as? [[String: Any]])?.count, 2)
            XCTAssertEqual(object?["id"] as? String, shell.shell.keeper.conversationID, "the id --chat and /open take")
            await shell.enter("/save \(shell.directory.path)")
            XCTAssertTrue(shell.take().err.hasSuffix("is a directory; give a file name.\n"))
        }
    }

    func testWithoutAStoreConversationCommandsSaySo() async throws {
        try await onMain {
            let shell = try Harness(keepsConversations: false)
            for line in ["/chats", "/open 1", "/search x", "/delete --yes", "/rename T"] {
                await shell.enter(line)
                XCTAssertEqual(shell.take().err, "error: History is not being saved: the test keeps none.\n", line)
            }
        }
    }

    func testForkCopiesTheFirstMessagesIntoANewConversationAndLeavesThisOne() async throws {
        try await onMain {
            let shell = try await ConversationCommandTests.twoConversations()
            await shell.enter("/temp 0.3")
            await shell.enter("more")
            let original = try XCTUnwrap(shell.shell.keeper.conversationID)
            _ = shell.take()
            await shell.enter("/fork 2")
            XCTAssertEqual(shell.take().err, "Forked 2 messages into a new conversation; the original is as it was (/chats lists both).\n")
            let fork = try XCTUnwrap(shell.shell.keeper.conversationID)
            XCTAssertNotEqual(fork, original)
            XCTAssertEqual(shell.session.messages.map(\.text), ["second question", "Second answer."])
            XCTAssertEqual(try shell.store?.messages(in: fork).map(\.content), ["second question", "Second answer."])
            XCTAssertEqual(try shell.store?.messages(in: original).count, 4, "the original is untouched")
            XCTAssertEqual(try shell.store?.conversation(id: fork)?.title, "second question (fork)")
            XCTAssertEqual(try shell.store?.conversation(id: fork)?.settings.temperature, 0.3, "with its settings")
            // What follows goes to the fork alone.
            await shell.enter("in the fork")
            XCTAssertEqual(try shell.store?.messages(in: fork).count, 4)
            XCTAssertEqual(try shell.store?.messages(in: original).count, 4)
            await shell.enter("/fork 9")
            XCTAssertEqual(
                shell.take().err.components(separatedBy: "\n").dropLast().last, "error: There is no message 9; this conversation has 4.")
            await shell.enter("/fork 0")
            XCTAssertTrue(shell.take().err.hasPrefix("error: \"0\" is not a message number."))
            await shell.enter("/new")
            await shell.enter("/fork")
            XCTAssertTrue(shell.take().err.hasSuffix("error: Nothing to fork: this conversation has no message yet.\n"))
        }
    }
}
