import Foundation
import ParleyHTTP
import ParleyShared
import TestSupport
import XCTest

/// Conversations on disk, through the built binary: restarts, settings, crashes, two processes, files.
final class ConversationTests: ParleyTestCase {

    func parley(_ server: StubServer, _ arguments: [String] = [], input: String? = nil) throws -> ParleyProcess.Result {
        try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"] + arguments, input: input, environment: environment)
    }

    func testAConversationSurvivesARestart() throws {
        let server = try StubServer { _, index in .reply(["answer \(index)"]) }
        XCTAssertEqual(try parley(server, input: "remember the word pumpkin\n").status, 0)
        let again = try parley(server, ["-c"], input: "/history\nwhat was the word?\n")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("#1 you: remember the word pumpkin"), again.stdout)
        XCTAssertTrue(again.stdout.contains("#2 m: answer 1"), again.stdout)
        let messages = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(messages.map { $0["content"] as? String }, ["remember the word pumpkin", "answer 1", "what was the word?"])
        let list = try parley(server, input: "/chats\n")
        XCTAssertTrue(list.stdout.contains("1. remember the word pumpkin · 4 messages · just now"), list.stdout)
    }

    func testSettingsFollowTheConversation() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let script = """
            /temp 0.3
            /system Be terse.
            first chat
            /new
            /temp 1.5
            second chat
            /open 2
            /settings
            back in the first
            """
        let result = try parley(server, input: script + "\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("temperature  0.3  (conversation)"), result.stdout)
        let temperatures = server.chats.map { $0.json?["temperature"] as? Double }
        XCTAssertEqual(temperatures, [0.3, 1.5, 0.3])
        let last = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(last.first?["content"] as? String, "Be terse.")
        XCTAssertEqual(last.count, 4)
        // Reopened later, the conversation brings its settings; a flag given with --chat wins.
        _ = try parley(server, ["--chat", "first chat", "--temperature", "0.9"], input: "once more\n")
        XCTAssertEqual(server.chats.last?.json?["temperature"] as? Double, 0.9)
        XCTAssertEqual(server.chats.last?.messages?.count, 6)
    }

    func testKillNineMidStreamKeepsTheUsersMessage() throws {
        let held: [StubServer.Step] = .heldReply(300, holds: [3: StubServer.Gate()])  // never opened
        let server = try StubServer { _, index in index == 1 ? held : .reply(["fine"]) }
        defer { server.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ParleyProcess.binary)
        process.arguments = ["--base-url", server.baseURL, "-m", "m", "a message that must not be lost"]
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Mid-stream: the reply's first words are on stdout, and the server holds the rest.
        var seen = ""
        while !seen.contains("w2 ") {
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("w2 "), seen)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let after = try parley(server, ["-c"], input: "/history\n")
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertTrue(after.stdout.contains("#1 you: a message that must not be lost"), after.stdout)
    }

    func testATerminalClosedMidStreamKeepsTheMessageAndTheStoreOpens() throws {
        let held: [StubServer.Step] = .heldReply(300, holds: [4: StubServer.Gate()])  // never opened
        let server = try StubServer { _, index in index == 1 ? held : .reply(["fine"]) }
        defer { server.stop() }
        var terminal: TerminalSession? = try TerminalSession(
            [ParleyProcess.binary, "--base-url", server.baseURL, "-m", "m"],
            environment: environment)
        try terminal?.waitFor("#1 ›")
        terminal?.send("typed before the hangup")
        try terminal?.waitFor("w3")
        terminal = nil  // the tmux server goes: the terminal closes, parley gets SIGHUP
        try waitUntil("parley to end on the hangup") { try ParleyProcess.pids(matching: server.baseURL).isEmpty }
        let after = try parley(server, ["-c"], input: "/history\n")
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertTrue(after.stdout.contains("#1 you: typed before the hangup"), after.stdout)
    }

    func testTwoScriptsWritingAtOnceLoseNothing() throws {
        let server = try StubServer { _, _ in .reply(["noted"]) }
        let scripts = ["alpha", "beta"].map { word in (1...20).map { "\(word)\($0) \(word)" }.joined(separator: "\n") + "\n" }
        let results = Locked<[ParleyProcess.Result]>([])
        let group = DispatchGroup()
        for script in scripts {
            let environment = self.environment
            let url = server.baseURL
            DispatchQueue.global().async(group: group) {
                let result = try? ParleyProcess.run(["--base-url", url, "-m", "m"], input: script, environment: environment)
                results.withLock { $0 += result.map { [$0] } ?? [] }
            }
        }
        group.wait()
        XCTAssertEqual(results.value.map(\.status), [0, 0])
        for result in results.value {
            XCTAssertFalse(result.stderr.contains("locked"), result.stderr)
            XCTAssertFalse(result.stderr.contains("not being saved"), result.stderr)
        }
        for word in ["alpha", "beta"] {
            let found = try parley(server, input: "/search \(word)\n")
            let hits = found.stdout.split(separator: "\n").filter { $0.contains("you: \(word)") }
            XCTAssertEqual(hits.count, 20, found.stdout)
        }
    }

    /// Two first starts at once on a store that does not exist yet: one makes it (WAL mode, the
    /// migrations) while the other finds it half made, and waits rather than give up on history.
    func testTwoFirstStartsAtOnceBothKeepHistory() throws {
        let server = try StubServer { _, _ in .reply(["noted"]) }
        for round in 1...20 {
            let home = self.home.appendingPathComponent("round\(round)")
            var roundEnvironment = self.environment
            roundEnvironment["PARLEY_HOME"] = home.path
            let environment = roundEnvironment
            let group = DispatchGroup()
            let errors = Locked("")
            for word in ["alpha", "beta"] {
                let url = server.baseURL
                DispatchQueue.global().async(group: group) {
                    let result = try? ParleyProcess.run(["--base-url", url, "-m", "m", word], environment: environment)
                    errors.withLock { $0 += result?.stderr ?? "did not finish" }
                }
            }
            group.wait()
            XCTAssertFalse(
                errors.value.contains("not being saved") || errors.value.contains("did not finish"), "round \(round): \(errors.value)")
            let chats = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "/chats\n", environment: environment)
            XCTAssertTrue(chats.stdout.contains("alpha") && chats.stdout.contains("beta"), "round \(round): \(chats.stdout)")
        }
    }

    func testTitlesSaveAndTranscript() throws {
        let server = try StubServer { _, index in .reply(["Reply \(index) with **bold**"]) }
        let long = "Please explain in detail how the tides are caused by the moon and the sun together"
        let transcript = home.appendingPathComponent("log.md")
        let save = home.appendingPathComponent("chat.md")
        let json = home.appendingPathComponent("chat.json")
        let result = try parley(
            server, ["--transcript", transcript.path],
            input: "\(long)\nand the sun?\n/regen\n/save \(save.path)\n/save \(json.path)\n/save \(save.path)\n/chats\n")
        XCTAssertEqual(result.status, 1, "the third /save is refused")
        XCTAssertTrue(result.stderr.contains("--force"), result.stderr)
        XCTAssertTrue(result.stdout.contains("Please explain in detail how the tides are caused…"), result.stdout)
        let markdown = try String(contentsOf: save, encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("# Please explain in detail how the tides are caused…\n\n- model: m\n"), markdown)
        XCTAssertTrue(markdown.contains("## You\n\nand the sun?\n\n## m\n\nReply 3 with **bold**\n"), markdown)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let messages = try XCTUnwrap(object["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["user", "assistant", "user", "assistant"])
        XCTAssertEqual(messages.last?["content"] as? String, "Reply 3 with **bold**")
        // The transcript is what the pipe showed: messages quoted, replies plain, a replaced one marked.
        let log = try String(contentsOf: transcript, encoding: .utf8)
        XCTAssertEqual(
            log,
            "> \(long)\n\nReply 1 with **bold**\n\n> and the sun?\n\nReply 2 with **bold**\n\n[regenerated]\n\nReply 3 with **bold**\n\n")
        XCTAssertTrue(result.stdout.hasPrefix(log), result.stdout)
        for file in [transcript, save, json] {
            let mode = (try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue
            XCTAssertEqual(mode, 0o600, file.lastPathComponent)
        }
        let forced = try parley(server, ["-c"], input: "/save \(save.path) --force\n")
        XCTAssertEqual(forced.status, 0, forced.stderr)
    }

    func testDeleteInAScriptNeedsYes() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        _ = try parley(server, input: "keep or drop\n")
        let refused = try parley(server, input: "/delete 1\n/chats\n")
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("--yes"), refused.stderr)
        XCTAssertTrue(refused.stdout.contains("keep or drop"))
        let deleted = try parley(server, input: "/delete 1 --yes\n/chats\n")
        XCTAssertEqual(deleted.status, 0, deleted.stderr)
        XCTAssertTrue(deleted.stdout.contains("No conversations yet."), deleted.stdout)
    }

    func testRememberedModelAndAForeignStore() throws {
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"solo"}]}"#) : .reply(["ok"])
        }
        _ = try ParleyProcess.run(["--base-url", server.baseURL], input: "/model chosen-one\nhi\n", environment: environment)
        _ = try ParleyProcess.run(["--base-url", server.baseURL], input: "hi again\n", environment: environment)
        XCTAssertEqual(server.chats.map { $0.json?["model"] as? String }, ["chosen-one", "chosen-one"])
        let other = ParleyProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: other) }
        let junk = Data("not sqlite".utf8)
        try junk.write(to: other.appendingPathComponent("parley.sqlite"))
        let refused = try ParleyProcess.run(
            ["--base-url", server.baseURL, "--data-dir", other.path, "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains(other.appendingPathComponent("parley.sqlite").path), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: other.appendingPathComponent("parley.sqlite")), junk)
    }

    func testTrimAndForkEndToEnd() throws {
        // The third request is too long for the window; after /trim the retry sends only the last turn.
        let tooLong =
            #"{"error": {"message": "This model's maximum context length is 40 tokens. However, your messages resulted in 90 tokens.", "code": "context_length_exceeded"}}"#
        let server = try StubServer { request, index in
            index == 3 ? .response(status: 400, body: tooLong) : .reply(["reply \(index) " + String(repeating: "y", count: 60)])
        }
        let long = String(repeating: "x", count: 60)
        let script =
            ["first \(long)", "second \(long)", "third", "/trim", "/retry", "/history", "/fork 2", "/chats"].joined(separator: "\n") + "\n"
        let result = try parley(server, input: script)
        XCTAssertEqual(result.status, 1, "the too-long request failed once")
        XCTAssertTrue(result.stderr.contains("too long for the model's context window of 40 tokens"), result.stderr)
        XCTAssertTrue(result.stderr.contains("/trim leaves out the oldest turns"), result.stderr)
        let retried = try XCTUnwrap(server.chats.last?.messages)
        XCTAssertEqual(retried.compactMap { $0["content"] as? String }, ["third"], "only the last turn was sent")
        XCTAssertEqual(result.stdout.components(separatedBy: "[not sent: /trim]").count - 1, 4, result.stdout)
        // The store kept every turn of the original, and the fork holds copies of the first two messages.
        let chats = try parley(server, input: "/chats\n/open 2\n/history\n")
        XCTAssertTrue(chats.stdout.contains("first x") && chats.stdout.contains("(fork) · 2 messages"), chats.stdout)
        XCTAssertTrue(chats.stdout.contains("#5 you: third"), "the original kept its six messages: \(chats.stdout)")
    }
}
