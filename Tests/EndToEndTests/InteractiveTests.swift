import Foundation
import TestSupport
import XCTest

/// The interactive shell in a pseudo-terminal, driven as a person would: type, wait for the screen,
/// press keys, read the screen.
final class InteractiveTests: ParleyTestCase {

    func testAQuestionToTheLocalModelStreamsItsAnswer() throws {
        try LocalModel.require()
        let terminal = try shell([
            "--base-url", LocalModel.baseURL, "-m", LocalModel.name, "--temperature", "0",
            "-s", "You are a helpful assistant.",
        ])
        XCTAssertTrue(terminal.screen().contains("SmolLM2 #1 ›"), "the prompt shows the model and the next number")
        terminal.send("What is the capital of France?")
        let screen = try terminal.waitFor("#3 ›")
        XCTAssertTrue(screen.contains("The capital of France is Paris."), screen)
        XCTAssertTrue(terminal.screen(escapes: true).contains("\u{1B}[1m\u{1B}[36mSmolLM2"), "the prompt is styled")
    }

    func testAReplyAppearsStyled() throws {
        let server = try StubServer { _, _ in .reply(["# Big news\n", "Some **bold** words and `code`.\n"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("style please")
        try terminal.waitFor("#3 ›")
        let styled = terminal.screen(escapes: true)
        XCTAssertTrue(styled.contains("\u{1B}[1mbold"), styled)
        XCTAssertTrue(terminal.screen().contains("Big news"))
        XCTAssertFalse(terminal.screen().contains("**bold**"), "the marks are rendered, not shown")
        XCTAssertFalse(terminal.screen().contains("# Big"), "the heading's hashes are rendered away")
    }

    func testAReplyBreaksAtSpacesToFitTheTerminal() throws {
        let text = "The tides rise and fall twice a day because the moon pulls on the oceans, and the sun does too, a little."
        // Pieces that end inside words, as a model's tokens do.
        let pieces = stride(from: 0, to: text.count, by: 3).map { String(text.dropFirst($0).prefix(3)) }
        XCTAssertEqual(
            try replyRows(pieces, width: 34, from: "The tides", count: 4),
            [
                "The tides rise and fall twice a",
                "day because the moon pulls on the",
                "oceans, and the sun does too, a",
                "little.",
            ])
    }

    func testAReplyFitsTheTerminalAfterItIsResizedMidReply() throws {
        // The reply is held after word5 until the terminal has its new size.
        let gate = StubServer.Gate()
        let server = try StubServer { _, _ in .heldReply(60, word: "word", holds: [6: gate]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        try terminal.resize(width: 60, height: 30)
        terminal.send("go")
        try terminal.waitFor("word5")
        try terminal.resize(width: 30, height: 30)
        gate.open()
        let screen = try terminal.waitFor("#3 ›")
        // Words written after the resize are not cut by the terminal's edge.
        for number in 20..<60 { XCTAssertTrue(screen.contains("word\(number)"), "word\(number) is whole: \(screen)") }
    }

    /// The rows a reply streamed in `pieces` shows in a terminal `width` columns wide: `count` of
    /// them, from the one that starts with `start`.
    func testTheShellsOwnLinesBreakAtSpacesToo() throws {
        let terminal = try TerminalSession(
            [ParleyProcess.binary, "--base-url", "http://127.0.0.1:9/v1", "-m", "m"],
            environment: environment, width: 40)
        let screen = try terminal.waitFor("#1 ›")
        let rows = screen.split(separator: "\n").map(String.init)
        let version = try ParleyProcess.run(["--version"], environment: environment).stdout.trimmingCharacters(in: .newlines)
        let banner = "parley \(version) · http://127.0.0.1:9/v1 · /help for commands, Ctrl-D to leave"
        let bannerRows = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("m #1 ›") }, screen)
        XCTAssertEqual(rows[..<bannerRows].joined(separator: " "), banner, "broken only at spaces: \(screen)")
        XCTAssertGreaterThan(bannerRows, 1, screen)
    }

    func testOutOfRangeTemperatureIsRefusedAndNothingIsSent() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("/temp 3")
        try terminal.waitFor("Temperature must be from 0 to 2")
        terminal.send("/tmep 1")
        try terminal.waitFor("Did you mean /temp?")
        XCTAssertEqual(server.chats.count, 0)
        terminal.send("/temp 0.5")
        terminal.send("hello")
        try terminal.waitFor("#3 ›")
        XCTAssertEqual(server.chats.first?.json?["temperature"] as? Double, 0.5)
    }

    func testEditResendsTheEditedMessageWithLaterOnesGone() throws {
        let server = try StubServer { request, index in .reply(["reply \(index)"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("first question")
        try terminal.waitFor("#3 ›")
        terminal.send("second question")
        try terminal.waitFor("#5 ›")
        terminal.send("/edit 1")
        try terminal.waitFor("edit #1 › first question")
        terminal.send(", edited")
        try terminal.waitFor("reply 3")
        try terminal.waitFor("#3 ›")
        let messages = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(messages.map { $0["content"] as? String }, ["first question, edited"])
        terminal.send("/history")
        let screen = try terminal.waitFor("#2 m: reply 3")
        XCTAssertFalse(screen.contains("#3 you"), screen)
        terminal.send("/chats")
        try terminal.waitFor("1. first question, edited · 2 messages")  // the title follows the edited first message
    }

    func testEditLeftWithCtrlCChangesNothing() throws {
        let server = try StubServer { _, index in .reply(["reply \(index)"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("keep me")
        try terminal.waitFor("#3 ›")
        terminal.send("/edit 1")
        try terminal.waitFor("edit #1 › keep me")
        terminal.type(" CHANGED")
        terminal.press("C-c")
        try terminal.waitFor("Edit abandoned")
        XCTAssertEqual(server.chats.count, 1)
        terminal.send("/history")
        let screen = try terminal.waitFor("#2 m: reply 1")
        XCTAssertTrue(screen.contains("#1 you: keep me\n"), screen)
    }

    func testEscapeStopsAStreamAndThePromptReturns() throws {
        // Held after word3 until the Up key has been read, then after word8 for good: only Esc ends it.
        let afterUp = StubServer.Gate()
        let held: [StubServer.Step] = .heldReply(200, word: "word", holds: [4: afterUp, 9: StubServer.Gate()])
        let server = try StubServer { _, index in index == 1 ? held : .reply(["fresh answer"]) }
        defer { server.stop() }
        // No idle timeout within the test's patience: only the cancel can close the connection.
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m", "--idle-timeout", "600"])
        terminal.send("talk slowly")
        try terminal.waitFor("word3")
        terminal.press("Up")  // an arrow key while streaming does not cancel
        try terminal.waitUntilKeysAreRead()
        afterUp.open()
        try terminal.waitFor("word8")
        terminal.press("Escape")
        let screen = try terminal.waitFor("[cancelled]")
        XCTAssertFalse(screen.contains("word9"), screen)
        try waitUntil("the server to see the connection closed") { server.clientsGone == 1 }
        try terminal.waitFor("#3 ›")
        terminal.send("again")
        try terminal.waitFor("fresh answer")
        let messages = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(messages.count, 3, "the cancelled partial reply stays in the conversation")
        XCTAssertTrue((messages[1]["content"] as? String)?.hasPrefix("word0 word1") == true)
    }

    func testTextTypedWhileAReplyStreamsWaitsAtTheNextPrompt() throws {
        // Held after w2 while the keys are typed, each read before the next comes, as a person types.
        let gate = StubServer.Gate()
        let held: [StubServer.Step] = .heldReply(40, holds: [3: gate])
        let server = try StubServer { _, index in index == 1 ? held : .reply(["second answer"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("first question")
        try terminal.waitFor("w2")
        terminal.type("and thenX")
        try terminal.waitUntilKeysAreRead()
        terminal.press("BSpace")
        try terminal.waitUntilKeysAreRead()
        terminal.press("Up")  // not text: dropped, not replayed at the prompt (it would bring back history)
        try terminal.waitUntilKeysAreRead()
        terminal.type("?")
        try terminal.waitUntilKeysAreRead()
        gate.open()
        try terminal.waitFor("w39")
        try terminal.waitFor("#3 › and then?")
        terminal.press("Enter")
        try terminal.waitFor("second answer")
        XCTAssertEqual(server.chats.last?.messages?.last?["content"] as? String, "and then?")
    }

    func testAHostileReplyCannotDriveTheTerminal() throws {
        let hostile = "Before\n\u{1B}]0;HACKED\u{07}\u{1B}[2J\u{1B}[H\u{1B}]52;c;ZXZpbA==\u{07}\u{9B}31mAfter \u{1B}[5mend\n"
        let server = try StubServer { _, _ in .reply([hostile]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        let titleBefore = terminal.title
        terminal.send("be evil")
        let screen = try terminal.waitFor("#3 ›")
        XCTAssertTrue(screen.contains("be evil"), "the screen was not cleared: \(screen)")
        XCTAssertTrue(screen.contains("Before"))
        XCTAssertTrue(screen.contains("After end"))
        XCTAssertEqual(terminal.title, titleBefore)
        XCTAssertFalse(terminal.title.contains("HACKED"))
        let styled = terminal.screen(escapes: true)
        XCTAssertFalse(styled.contains("\u{1B}[5m"), "no blinking from the server")
    }

    func testCtrlDLeavesAndCtrlCClearsTheLine() throws {
        // A shell around parley reports its exit status on the screen.
        let script = "\(ParleyProcess.binary) --base-url http://127.0.0.1:9/v1 -m m; echo \"parley exited with $?\""
        let terminal = try TerminalSession(["/bin/sh", "-c", script], environment: environment)
        try terminal.waitFor("#1 ›")
        terminal.type("half typed")
        terminal.press("C-c")
        try terminal.waitUntil("a fresh prompt") { $0.components(separatedBy: "#1 ›").count >= 3 }
        XCTAssertFalse(terminal.screen().contains("parley exited"))
        terminal.press("C-d")
        try terminal.waitFor("parley exited with 0")
    }

    /// The terminal is in keys mode before the prompt shows, so a key pressed the moment it shows is
    /// read as that key (libedit switches at its first read, after printing the prompt; in between,
    /// the terminal's line discipline turned Ctrl-D into a NUL and the shell waited on).
    func testHistoryIsKeptPrivatelyAndWalkedWithUp() throws {
        let server = try StubServer { _, _ in .reply(["noted"]) }
        var terminal: TerminalSession? = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal?.send("remember this line")
        try terminal?.waitFor("#3 ›")
        terminal?.press("C-d")
        try terminal?.waitUntil("exit") { _ in terminal!.hasExited }
        terminal = nil
        let file = home.appendingPathComponent("history")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let again = try shell(["--base-url", server.baseURL, "-m", "m"])
        again.press("Up")
        try again.waitFor("#1 › remember this line")
    }

    func testCtrlRSearchesTheHistory() throws {
        let terminal = try shell(["--base-url", "http://127.0.0.1:9/v1", "-m", "m"])
        terminal.send("/temp 0.7")
        terminal.send("/settings")
        try terminal.waitFor("temperature  0.7")
        terminal.press("C-r")
        terminal.type("tem")
        terminal.press("Enter")
        try terminal.waitUntil("the found line run again") { $0.components(separatedBy: "Temperature: 0.7").count >= 3 }
    }

    func testAMultiLineEntryComesBackWholeFromHistory() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        var terminal: TerminalSession? = try shell(["--base-url", server.baseURL, "-m", "m"])
        for line in ["\"\"\"", "first line", "second line", "\"\"\""] {
            terminal?.send(line)
        }
        try terminal?.waitFor("#3 ›")
        terminal?.press("C-d")
        try terminal?.waitUntil("exit") { _ in terminal!.hasExited }
        terminal = nil
        let again = try shell(["--base-url", server.baseURL, "-m", "m"])
        again.press("Up")
        try again.waitFor("#1 › first line\nsecond line")
        again.press("Enter")
        try again.waitFor("#3 ›")
        let messages = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(messages.last?["content"] as? String, "first line\nsecond line")
    }

    func testTabCompletesCommandNames() throws {
        let terminal = try shell(["--base-url", "http://127.0.0.1:9/v1", "-m", "m"])
        terminal.type("/sett")
        terminal.press("Tab")
        try terminal.waitFor("#1 › /settings")
        terminal.press("Enter")
        try terminal.waitFor("temperature")
    }

    func testHelpWrapsToTheTerminalAsItIsNow() throws {
        let terminal = try shell(["--base-url", "http://127.0.0.1:9/v1", "-m", "m"])
        try terminal.resize(width: 60, height: 90)  // all of /help on one screen
        terminal.send("/help")
        let screen = try terminal.waitFor("Alt-S settings.")
        let rows = screen.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
        // Wrapped by parley at a space, under the description column; not cut by the terminal's edge.
        let temp = try XCTUnwrap(rows.firstIndex(of: "/temp [0-2]             show or set the temperature (also"), screen)
        XCTAssertEqual(rows[temp + 1], "/temperature)", screen)
        let code = try XCTUnwrap(rows.firstIndex(of: "/code [curl|python|ts] [--save FILE [--force]]"), screen)
        XCTAssertEqual(rows[code + 1], "a snippet that repeats this", screen)
    }

    func testWideCharactersInListsAreCountedByTheColumnsTheyTake() throws {
        let server = try StubServer { _, _ in .reply(["晴れるでしょう。"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("東京の天気予報を教えてください。明日は雨が降りますか、それとも晴れますか？")  // 76 columns
        try terminal.waitFor("#3 ›")
        try terminal.resize(width: 40, height: 30)
        terminal.press("C-l")
        terminal.send("/history")
        try terminal.waitForRow(under: "#2 m: ", startingWith: "m #3 ›")
        terminal.send("/chats")
        let screen = try terminal.waitFor("just now")
        let rows = screen.split(separator: "\n").map(String.init)
        let you = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("#1 you: 東京") }, screen)
        let chat = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("*  1. 東京") }, screen)
        XCTAssertTrue(rows[you + 1].hasPrefix("#2 m: 晴れる"), "the question kept to its row: \(screen)")
        XCTAssertTrue(rows[chat].hasSuffix("· just now"), "the title cut to leave room for the rest: \(screen)")
    }

    func testHistoryChatsAndSearchKeepEachEntryToALineOfTheTerminal() throws {
        let reply = String(repeating: "The answer goes on and on. ", count: 6)
        let server = try StubServer { _, _ in .reply([reply]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        let question = "Tell me everything there is to know about the tides, the moon and the sea, in detail"
        terminal.send(question)
        try terminal.waitFor("#3 ›")
        try terminal.resize(width: 60, height: 30)
        terminal.press("C-l")
        terminal.send("/history")
        try terminal.waitForRow(under: "#2 m: ", startingWith: "m #3 ›")
        terminal.send("/chats")
        let screen = try terminal.waitFor("just now")
        let rows = screen.split(separator: "\n").map(String.init)
        let you = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("#1 you: Tell me everything") }, screen)
        let answer = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("#2 m: The answer goes on") }, screen)
        let chat = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("*  1. Tell me everything") }, screen)
        // Each entry one row: the next row is the next entry (or the prompt), not the rest of this one.
        XCTAssertEqual([you + 1, answer + 1, chat + 1].map { rows[$0].prefix(6) }, ["#2 m: ", "m #3 ›", "m #3 ›"], screen)
        for row in [you, answer, chat].map({ rows[$0] }) {
            XCTAssertGreaterThanOrEqual(row.count, 55, "the room is used: \(row)")
        }
        XCTAssertTrue(rows[you].hasSuffix("…") && rows[answer].hasSuffix("…"), screen)
        XCTAssertTrue(rows[chat].range(of: #"… · 2 messages · just now · [0-9a-f]{8}$"#, options: .regularExpression) != nil, screen)
        // A search hit: a shorter title, and the part of the message around the match.
        terminal.press("C-l")
        terminal.send("/search sea")
        let found = try terminal.waitFor("#1 you:")
        let hit = try XCTUnwrap(found.split(separator: "\n").map(String.init).first { $0.contains("#1 you:") })
        XCTAssertTrue(hit.hasPrefix("Tell me everything there is t… #1 you: …"), found)
        XCTAssertTrue(hit.contains("the sea, in deta") && hit.count == 60, found)
    }

    func testReasoningCollapsesAndThinkShowsIt() throws {
        // Held after the first reasoning until the screen shows it, as it comes; then collapsed.
        let gate = StubServer.Gate()
        let server = try StubServer { _, _ in
            [
                .streamHead(), .delta("Let me weigh ", field: "reasoning_content"), .hold(gate),
                .delta("the options.", field: "reasoning_content"), .delta("The answer is 42."), .done, .close,
            ]
        }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("think hard")
        try terminal.waitFor("Let me weigh")
        gate.open()
        let screen = try terminal.waitFor("#3 ›")
        XCTAssertTrue(screen.contains("Thought for"), screen)
        XCTAssertTrue(screen.contains("/think to show"), screen)
        XCTAssertTrue(screen.contains("The answer is 42."), screen)
        XCTAssertFalse(screen.contains("weigh"), "the reasoning collapsed: \(screen)")
        terminal.send("/think")
        try terminal.waitFor("Let me weigh the options.")
        let messages = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(messages.count, 1)
    }

    func testStatsAndDebugShowTheLastReplyWithoutTheKey() throws {
        let key = "sk-never-on-screen-987654"
        environment["PARLEY_API_KEY"] = key
        let server = try StubServer { _, _ in
            [
                .streamHead(), .delta("Counted."),
                .text(#"data: {"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}"# + "\n\n"), .done,
                .close,
            ]
        }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("count")
        try terminal.waitFor("#3 ›")
        terminal.send("/stats")
        let stats = try terminal.waitFor("time to first token")
        XCTAssertTrue(stats.contains("tokens: 11 in, 3 out"), stats)
        terminal.send("/debug")
        let debug = try terminal.waitFor("event(s) received")
        XCTAssertTrue(debug.contains("Authorization: Bearer *** (from PARLEY_API_KEY)"), debug)
        XCTAssertTrue(debug.contains("\"model\" : \"m\""), debug)
        XCTAssertFalse(debug.contains(key))
    }
}

extension ParleyTestCase {
    /// The rows a stub's reply (sent in `pieces`) takes in a terminal `width` columns wide, from the
    /// row that starts with `start`.
    func replyRows(_ pieces: [String], width: Int, from start: String, count: Int) throws -> [String] {
        let server = try StubServer { _, _ in .reply(pieces) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        try terminal.resize(width: width, height: 30)
        terminal.send("go")
        let screen = try terminal.waitFor("#3 ›")
        XCTAssertEqual(server.chats.count, 1)
        let rows = screen.split(separator: "\n").map(String.init)
        let first = try XCTUnwrap(rows.firstIndex { $0.hasPrefix(start) }, screen)
        return Array(rows[first...].prefix(count))
    }
}
