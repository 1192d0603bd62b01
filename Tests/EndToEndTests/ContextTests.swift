import Foundation
import TestSupport
import XCTest

/// `-f` and piped context through the real binary: the local model reads an attached PDF; a file that
/// cannot be attached stops a run before anything is sent; files go with a script's first message.
final class ContextTests: ParleyTestCase {
    static let documents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/documents")

    func document(_ name: String) -> String { Self.documents.appendingPathComponent(name).path }

    func testTheLocalModelAnswersFromTheAttachedPDFAndNotWithoutIt() throws {
        try LocalModel.require()
        let question = "How many pelicans were counted at the lake?"
        let base = ["--base-url", LocalModel.baseURL, "--temperature", "0"]
        let attached = try ParleyProcess.run(base + ["-f", document("report.pdf"), question], environment: environment)
        XCTAssertEqual(attached.status, 0, attached.stderr)
        XCTAssertTrue(attached.stdout.contains("317"), attached.stdout)
        XCTAssertTrue(attached.stderr.contains("report.pdf · PDF text · "), "the pending line, on stderr: \(attached.stderr)")
        let without = try ParleyProcess.run(base + [question], environment: environment)
        XCTAssertFalse(without.stdout.contains("317"), "the number is only in the file: \(without.stdout)")
    }

    func testAFileThatCannotBeAttachedStopsAOneShotBeforeAnythingIsSent() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "-f", document("notes.md"), "-f", document("blob.bin"), "Summarise"],
            environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("error: blob.bin is not text: it seems to be binary data."), result.stderr)
        XCTAssertTrue(result.stderr.contains("error: Nothing was sent."), result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(server.chats.isEmpty, "no request")
    }

    func testFilesAndPagesGoWithTheFirstMessageOfAScriptAndTheRequestMeetsTheContract() throws {
        let page = try StubServer { request, _ in
            request.path == "/page"
                ? .response(status: 200, headers: ["Content-Type": "text/html"], body: "<h1>Menu</h1><p>Soup</p>") : .reply(["ok"])
        }
        let result = try ParleyProcess.run(
            ["--base-url", page.baseURL, "-m", "m", "-f", document("notes.md"), "--file", "http://127.0.0.1:\(page.port)/page"],
            input: "When is the meeting?\nAnd the soup?\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(page.chats.count, 2)
        let first = try XCTUnwrap(page.chats.first?.messages?.last?["content"] as? String)
        let notes = try String(contentsOfFile: document("notes.md"), encoding: .utf8)
        XCTAssertEqual(
            first,
            "\(document("notes.md")):\n```markdown\n\(notes.trimmingCharacters(in: .newlines))\n```\n\n"
                + "http://127.0.0.1:\(page.port)/page (web page):\n```\n# Menu\n\nSoup\n```\n\nWhen is the meeting?")
        XCTAssertEqual(page.chats.last?.messages?.last?["content"] as? String, "And the soup?", "the second message goes alone")
        XCTAssertTrue(result.stdout.hasPrefix("> When is the meeting?\n> [text: \(document("notes.md"))]\n> [web page: "), result.stdout)
        try Schema.validate(try XCTUnwrap(page.chats.first).body, against: "CreateChatCompletionRequest")
    }

    func testInTheShellFilesWaitForTheFirstMessageAndEscStopsACommand() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m", "-f", document("notes.md")], prompt: "#1 +1 attached ›")
        XCTAssertTrue(terminal.screen().contains("notes.md · text · "), terminal.screen())
        // `sleep 30`: a command that runs long, which is what is stopped; nothing waits on it.
        terminal.send("/attach !echo started-$((6*7)) >&2; sleep 30; echo never")
        try terminal.waitFor("started-42")
        terminal.press("Escape")
        let screen = try terminal.waitFor("was stopped; nothing was attached.")
        XCTAssertFalse(screen.contains("ended with"), "stopped, not run to its end")
        try terminal.waitFor("#1 +1 attached ›")
        terminal.send("/attach !echo again-$((6*7)) >&2; sleep 30")
        try terminal.waitFor("again-42")
        terminal.press("C-c")
        try terminal.waitFor("`echo again-$((6*7)) >&2; sleep 30` was stopped")
        // A URL's password reaches neither the screen's history file nor the message.
        terminal.send("/attach http://reader:s3cret@127.0.0.1:9/page")
        try terminal.waitFor("Cannot connect to http://reader:***@127.0.0.1:9/page")
        let history = try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8)
        XCTAssertFalse(history.contains("s3cret"), history)
        XCTAssertTrue(history.contains("reader:***@"), history)
        terminal.send("When?")
        try terminal.waitFor("#3 ›")
        XCTAssertTrue((server.chats.first?.messages?.last?["content"] as? String)?.hasSuffix("```\n\nWhen?") == true)
    }
}
