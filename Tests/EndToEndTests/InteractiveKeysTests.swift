import Foundation
import TestSupport
import XCTest

/// The interactive shell's keys, pastes, signals and job control in a pseudo-terminal (and under
/// bash), driven as a person would.
final class InteractiveKeysTests: ParleyTestCase {
    func testUTF8TypingAndAMultiLineBlock() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("\"\"\"")
        terminal.send("héllo wörld ✓")
        terminal.send("second line")
        terminal.send("\"\"\"")
        try terminal.waitFor("#3 ›")
        let messages = try XCTUnwrap(server.chats.first?.messages)
        XCTAssertEqual(messages.first?["content"] as? String, "héllo wörld ✓\nsecond line")
    }

    func testEditLeftWithEscChangesNothing() throws {
        let server = try StubServer { _, index in .reply(["reply \(index)"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("keep me too")
        try terminal.waitFor("#3 ›")
        terminal.send("/edit 1")
        try terminal.waitFor("edit #1 › keep me too")
        terminal.type(" CHANGED")
        terminal.press("Escape")
        try terminal.waitFor("Edit abandoned")
        XCTAssertEqual(server.chats.count, 1)
    }

    func testCtrlDTheMomentThePromptShowsLeaves() throws {
        environment["NO_COLOR"] = "1"
        for attempt in 1...5 {
            let terminal = try PseudoTerminal(["--base-url", "http://127.0.0.1:9/v1", "-m", "m"], environment: environment)
            XCTAssertTrue(terminal.read(until: "#1 › "), terminal.text)
            terminal.type("\u{04}")
            XCTAssertTrue(
                terminal.waitForExit(), "attempt \(attempt): still running after Ctrl-D: \(terminal.text.debugDescription)")
        }
    }

    func testAltNStartsANewChatAndAltSShowsSettings() throws {
        let server = try StubServer { _, _ in .reply(["hello"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m", "--temperature", "0.3"])
        terminal.send("hi")
        try terminal.waitFor("#3 ›")
        terminal.press("M-s")
        let settings = try terminal.waitFor("temperature")
        XCTAssertTrue(settings.contains("0.3"), settings)
        terminal.press("M-n")
        try terminal.waitFor("New conversation.")
        try terminal.waitFor("m #1 ›")
    }

    func testAPastedBlockOfLinesIsOneMessage() throws {
        let server = try StubServer { _, _ in .reply(["Read it."]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("What does this mean? ")
        terminal.paste("Traceback (most recent call last):\n  File \"x.py\", line 1\nZeroDivisionError: division by zero\n")
        try terminal.waitFor("ZeroDivisionError: division by zero")
        terminal.press("Enter")
        try terminal.waitFor("Read it.")
        // Nothing was sent by the paste's own line ends: the first request the server saw is Enter's,
        // with the whole block, and it is the only one.
        let messages = try XCTUnwrap(server.chats.first?.messages)
        XCTAssertEqual(
            messages.last?["content"] as? String,
            "What does this mean? Traceback (most recent call last):\n  File \"x.py\", line 1\nZeroDivisionError: division by zero\n")
        XCTAssertEqual(server.chats.count, 1)
    }

    func testPastesAreNoLongerMarkedOnceParleyHasGone() throws {
        // After parley, `cat` echoes what is pasted: a mark left asked for would show as ^[[200~.
        // (`set -m`: parley in a process group of its own, as a shell runs a job; libedit passes a
        // signal on to the whole group.)
        for leave in ["Ctrl-D", "SIGTERM"] {
            let script = "set -m; \(ParleyProcess.binary) --base-url http://127.0.0.1:9/v1 -m m; echo left; exec cat"
            let terminal = try TerminalSession(["/bin/sh", "-c", script], environment: environment)
            try terminal.waitFor("#1 ›")
            if leave == "Ctrl-D" {
                terminal.press("C-d")
            } else {
                for pid in try ParleyProcess.pids(matching: "127.0.0.1:9/v1") { kill(pid, SIGTERM) }
            }
            try terminal.waitFor("left")
            terminal.paste("pasted words")
            let screen = try terminal.waitFor("pasted words")
            XCTAssertFalse(screen.contains("200~"), "\(leave): \(screen)")
        }
    }

    func testASignalThatEndsParleyAtThePromptEndsOnlyParley() throws {
        // No `set -m`: parley shares the script's process group, as under a script without job control.
        for (name, number) in [("SIGTERM", SIGTERM), ("SIGHUP", SIGHUP), ("SIGINT", SIGINT)] {
            let script = "\(ParleyProcess.binary) --base-url http://127.0.0.1:9/v1 -m m; echo \"script goes on after $?\"; exec cat"
            let terminal = try TerminalSession(["/bin/sh", "-c", script], environment: environment)
            try terminal.waitFor("#1 ›")
            for pid in try ParleyProcess.pids(matching: "127.0.0.1:9/v1") { kill(pid, number) }
            try terminal.waitFor("script goes on after \(128 + number)")
            // The terminal's mode is back: what is typed for `cat` is echoed.
            terminal.type("typed words")
            XCTAssertNoThrow(try terminal.waitFor("typed words"), name)
        }
    }

    /// parley at its prompt, started from an interactive bash (with job control, as a person runs it).
    func shellUnderBash(_ arguments: [String]) throws -> TerminalSession {
        let terminal = try TerminalSession(["/bin/bash", "--norc", "--noprofile", "-i"], environment: environment)
        terminal.send(([ParleyProcess.binary] + arguments).joined(separator: " "))
        try terminal.waitFor("#1 ›")
        return terminal
    }

    func testOutputPipedFromATerminalSaysWhereMessagesAreRead() throws {
        let server = try StubServer { _, _ in .reply(["answered into the pipe"]) }
        let terminal = try TerminalSession(["/bin/bash", "--norc", "--noprofile", "-i"], environment: environment)
        terminal.send("\(ParleyProcess.binary) --base-url \(server.baseURL) -m m | cat")
        try terminal.waitFor("one a line, and writes to the pipe; Ctrl-D ends.")
        terminal.send("hello")
        try terminal.waitFor("answered into the pipe")
        terminal.press("C-d")
        try terminal.waitUntil("parley has ended and bash prompts again") { $0.components(separatedBy: "bash-").count >= 3 }
    }

    func testCtrlZStopsParleyAndFgBringsTheLineBack() throws {
        let server = try StubServer { _, _ in .reply(["resumed"]) }
        let terminal = try shellUnderBash(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("half a ")
        terminal.press("C-z")
        try terminal.waitFor("Stopped")
        terminal.send("fg")
        try terminal.waitUntil("the prompt and its line drawn again after fg") {
            $0.components(separatedBy: "#1 › half a").count == 3
        }
        terminal.send("question")
        try terminal.waitFor("resumed")
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "half a question")
    }

    func testCtrlCStopsAStreamToo() throws {
        let held: [StubServer.Step] = .heldReply(200, holds: [4: StubServer.Gate()])  // never opened: only Ctrl-C ends it
        let server = try StubServer { _, _ in held }
        defer { server.stop() }
        // No idle timeout within the test's patience: only the cancel can close the connection.
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m", "--idle-timeout", "600"])
        terminal.send("go")
        try terminal.waitFor("w3")
        terminal.press("C-c")
        try terminal.waitFor("[cancelled]")
        try waitUntil("the server to see the connection closed") { server.clientsGone == 1 }
        try terminal.waitFor("#3 ›")
    }

    func testCtrlZStopsAReplyAndFgLetsItFinish() throws {
        // Held after w2 until parley has been stopped and brought back.
        let gate = StubServer.Gate()
        let held: [StubServer.Step] = .heldReply(30, holds: [3: gate])
        let server = try StubServer { _, _ in held }
        let terminal = try shellUnderBash(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("go")
        try terminal.waitFor("w2")
        terminal.press("C-z")
        var screen = try terminal.waitFor("Stopped")
        XCTAssertFalse(screen.contains("w29"), "stopped before the reply's end")
        terminal.send("fg")
        gate.open()
        screen = try terminal.waitFor("#3 ›")
        XCTAssertTrue(screen.contains("w29"), "the reply went on to its end: \(screen)")
        XCTAssertFalse(screen.contains("[cancelled]"), screen)
    }

    func testCtrlZWithoutJobControlLeavesTheLineAsItWas() throws {
        // Run by tmux itself, parley's process group has no shell to stop it for: the stop is dropped.
        let server = try StubServer { _, _ in .reply(["still here"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("half a ")
        terminal.press("C-z")
        terminal.send("question")
        try terminal.waitFor("still here")
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "half a question")
    }

    func testAltEnterAddsALineToTheMessage() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("top")
        terminal.press("M-Enter")
        terminal.send("bottom")
        try terminal.waitFor("ok")
        let messages = try XCTUnwrap(server.chats.first?.messages)
        XCTAssertEqual(messages.first?["content"] as? String, "top\nbottom")
    }

    func testTabCompletesModelNames() throws {
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models")
                ? .response(status: 200, body: #"{"data":[{"id":"alpha-model"},{"id":"beta-model"}]}"#) : .reply(["ok"])
        }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "alpha-model"])
        terminal.type("/model be")
        // The list is fetched in the background: until it has come, Tab has nothing to offer, so Tab is
        // pressed again until the name is completed (as a person would).
        try terminal.waitUntil("Tab to complete the model's name") { screen in
            if screen.contains("/model beta-model") { return true }
            terminal.press("Tab")
            return false
        }
        XCTAssertTrue(server.requests.contains { $0.path == "/v1/models" }, "the names came from the server")
        terminal.press("Enter")
        try terminal.waitFor("beta-model #1 ›")
    }

    func testTabListsFilesByNameInColumns() throws {
        let pictures = home.appendingPathComponent("holiday pictures")
        try FileManager.default.createDirectory(at: pictures, withIntermediateDirectories: true)
        for name in ["apple.png", "apricot.jpg", "avocado.gif", "banana.webp"] {
            FileManager.default.createFile(atPath: pictures.appendingPathComponent(name).path, contents: Data())
        }
        let terminal = try shell(["--base-url", "http://127.0.0.1:9/v1", "-m", "m"])
        terminal.type("/attach " + pictures.path.replacingOccurrences(of: " ", with: "\\ ") + "/a")
        terminal.press("Tab")
        let screen = try terminal.waitFor("avocado.gif")
        XCTAssertTrue(screen.contains("\napple.png    apricot.jpg  avocado.gif\n"), screen)
        XCTAssertFalse(screen.contains("pictures/apple.png"), "the directory they share is not repeated: \(screen)")
        XCTAssertFalse(screen.contains("banana"), screen)
        // The space in the directory's name stays escaped as the name is completed, and the path is read whole.
        terminal.type("pr")
        terminal.press("Tab")
        try terminal.waitFor(#"holiday\ pictures/apricot.jpg"#)
        terminal.press("Enter")
        try terminal.waitFor("apricot.jpg is empty; nothing was attached.")
    }

    func testNoColorGivesAPlainScreen() throws {
        environment["NO_COLOR"] = "1"
        let server = try StubServer { _, _ in .reply(["Some **bold** here"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("hi")
        try terminal.waitFor("#3 ›")
        XCTAssertFalse(terminal.screen(escapes: true).contains("\u{1B}["), terminal.screen(escapes: true))
        XCTAssertTrue(terminal.screen().contains("Some **bold** here"))
    }

    func testWithoutColoursRepliesStillBreakAtSpaces() throws {
        environment["NO_COLOR"] = "1"
        let pieces = ["- Some **bold** here and then a go", "od many more words to make it wrap"]
        XCTAssertEqual(
            try replyRows(pieces, width: 30, from: "- Some", count: 3),
            ["- Some **bold** here and then", "  a good many more words to", "  make it wrap"], "the source, wrapped")
    }

    func testTheTerminalIsRestoredWhenKilledMidStream() throws {
        let held: [StubServer.Step] = .heldReply(100, holds: [4: StubServer.Gate()])  // never opened
        let server = try StubServer { _, _ in held }
        defer { server.stop() }
        let modes = home.appendingPathComponent("stty.txt")
        // Written whole, then named: once the file is there, all of it is.
        let script =
            "\(ParleyProcess.binary) --base-url \(server.baseURL) -m m; stty -a > \(modes.path).part; mv \(modes.path).part \(modes.path)"
        let terminal = try TerminalSession(["/bin/sh", "-c", script], environment: environment)
        try terminal.waitFor("#1 ›")
        terminal.send("go")
        try terminal.waitFor("w3")
        let pids = try ParleyProcess.pids(matching: server.baseURL)
        XCTAssertFalse(pids.isEmpty)
        for pid in pids { kill(pid, SIGTERM) }
        try waitUntil("the terminal's modes written after parley") { FileManager.default.fileExists(atPath: modes.path) }
        let stty = try String(contentsOf: modes, encoding: .utf8)
        XCTAssertTrue(stty.contains(" icanon"), stty)
        XCTAssertTrue(stty.contains(" echo "), stty)
        XCTAssertFalse(stty.contains("-icanon") || stty.contains("-echo "), stty)
    }
}
