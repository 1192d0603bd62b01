import Foundation
import TestSupport
import XCTest

/// The built binary in one-shot mode, against the real local model and, for faults, the stub server.
final class OneShotTests: ParleyTestCase {

    static let franceArguments = ["--temperature", "0", "-s", "You are a helpful assistant.", "What is the capital of France?"]

    func testAskingOnlyForTextLeavesLibcurlUnloaded() throws {
        // The dynamic loader says each library it opens (LD_DEBUG=libs).
        var traced = environment
        traced["LD_DEBUG"] = "libs"
        for arguments in [["--version"], ["--help"], ["-h"], ["--base-url", "http://127.0.0.1:9/v1", "--show-endpoint"]] {
            let result = try ParleyProcess.run(arguments, environment: traced)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr.suffix(300))")
            XCTAssertFalse(result.stderr.contains("libcurl.so"), "\(arguments) loaded libcurl")
        }
        // A question loads it (and `--help` after `--` is the question's text, not the option).
        let asked = try ParleyProcess.run(["--base-url", "http://127.0.0.1:9/v1", "-m", "m", "--", "--help"], environment: traced)
        XCTAssertTrue(asked.stderr.contains("libcurl.so"), "a question loads libcurl")
        XCTAssertTrue(asked.stderr.contains("Cannot connect"), asked.stderr.suffix(300).description)
    }

    func testTheLocalModelAnswersTheCapitalOfFrance() throws {
        try LocalModel.require()
        let result = try ParleyProcess.run(
            ["--base-url", LocalModel.baseURL, "-m", LocalModel.name] + Self.franceArguments,
            environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "The capital of France is Paris.\n")
        XCTAssertFalse(result.stdout.contains("\u{1B}"), "plain text when stdout is not a terminal")
    }

    func testTheBundledModelIsTheDefaultEndpointAndItsOnlyModelIsChosen() throws {
        try LocalModel.require()
        guard LocalModel.baseURL == "http://127.0.0.1:8077/v1" else { throw XCTSkip("the model is elsewhere") }
        let result = try ParleyProcess.run(Self.franceArguments, environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "The capital of France is Paris.\n")
    }

    func testTheRequestBodyValidatesAgainstTheOpenAISchema() throws {
        let server = try StubServer { _, _ in .reply(["The capital of France is Paris."]) }
        let variants: [[String]] = [
            Self.franceArguments,
            ["--top-p", "0.9", "--max-tokens", "64", "--temperature", "1.5", "Hello"],
            ["--max-tokens", "auto", "Hi"],
        ]
        for arguments in variants {
            let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", LocalModel.name] + arguments, environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        XCTAssertEqual(server.chats.count, variants.count)
        for request in server.chats {
            try assertValid(request.body, schema: "CreateChatCompletionRequest")
        }
        let first = try XCTUnwrap(server.chats.first?.json)
        XCTAssertEqual(first["model"] as? String, LocalModel.name)
        XCTAssertEqual(first["temperature"] as? Double, 0)
        let messages = try XCTUnwrap(first["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["system", "user"])
        XCTAssertEqual(messages.map { $0["content"] as? String }, ["You are a helpful assistant.", "What is the capital of France?"])
        let second = try XCTUnwrap(server.chats[1].json)
        XCTAssertEqual(second["top_p"] as? Double, 0.9)
        XCTAssertEqual(second["max_tokens"] as? Int, 64)
        XCTAssertNil(try XCTUnwrap(server.chats[2].json)["max_tokens"])
    }

    /// A body the schema refuses makes the validator fail (so the check above can fail).
    func testTheValidatorRefusesABadBody() throws {
        XCTAssertThrowsError(
            try validate(
                Array(#"{"model":"m","messages":[{"role":"bogus","content":"x"}]}"#.utf8),
                schema: "CreateChatCompletionRequest"))
    }

    func testACutStreamPrintsTheTextThenTheErrorAndFails() throws {
        let server = try StubServer { _, _ in [.streamHead(), .delta("Half of "), .delta("it"), .close] }
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("Half of it"), result.stdout)
        XCTAssertTrue(result.stderr.contains("cut off"), result.stderr)
    }

    /// Nothing on the way (curl's thread, the parser, the session, the output) holds text back for
    /// more: what has come is on stdout while the stream is still open, even to a pipe.
    func testEachPieceReachesStdoutWhileTheStreamIsStillOpen() throws {
        // The server holds the rest until the test has read the first piece from parley's stdout.
        let gate = StubServer.Gate()
        let server = try StubServer { _, _ in [.streamHead(), .delta("first piece"), .hold(gate), .delta(" second"), .done, .close] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ParleyProcess.binary)
        process.arguments = ["--base-url", server.baseURL, "-m", "m", "hi"]
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var seen = ""
        while !seen.contains("first piece") {
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        XCTAssertFalse(seen.contains("second"), "the first piece came while the server held the rest: \(seen)")
        XCTAssertTrue(process.isRunning, "the stream is still open")
        gate.open()
        seen += String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(seen, "first piece second\n")
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testAStalledStreamEndsWithTheIdleTimeout() throws {
        // The server never ends the stream itself: parley ends, and says why, by its idle timeout only.
        let server = try StubServer { _, _ in [.streamHead(), .delta("Thinking"), .stall, .close] }
        defer { server.stop() }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "--idle-timeout", "1", "hi"], environment: environment, timeout: patience)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("Thinking"))
        XCTAssertTrue(result.stderr.contains("--idle-timeout"), result.stderr)
        try waitUntil("the server to see the connection closed") { server.clientsGone == 1 }
    }

    func testARefusedConnectionIsOneSentenceAndNoLoop() throws {
        let server = try StubServer { _, _ in [] }
        let url = server.baseURL
        server.stop()
        let result = try ParleyProcess.run(["--base-url", url, "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(url), result.stderr)
        XCTAssertTrue(result.stderr.contains("connection refused"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    func testBadOptionsAreRefusedBeforeAnyRequest() throws {
        let server = try StubServer { _, _ in .reply(["no"]) }
        for (arguments, words) in [
            (["--temperature", "3"], "error: Temperature must be from 0 to 2; 3 is out of range."),
            (["--top-p", "2"], "error: top_p must be from 0 to 1; 2 is out of range."),
            (["--max-tokens=-5"], "error: Max tokens must be a positive whole number or auto, not \"-5\"."),
            (["--idle-timeout", "0"], "error: --idle-timeout must be a positive number of seconds."),
            // A negative number after its option is its value, not another option.
            (["--temperature", "-1"], "error: Temperature must be from 0 to 2; -1 is out of range."),
            (["--top-p", "-0.5"], "error: top_p must be from 0 to 1; -0.5 is out of range."),
            (["--max-tokens", "-3"], "error: Max tokens must be a positive whole number or auto, not \"-3\"."),
            (["--idle-timeout", "-5"], "error: --idle-timeout must be a positive number of seconds."),
            (["--wait", "-1"], "error: --wait must be zero or a positive number of seconds."),
            (["--bogus"], "error: Unknown option '--bogus'"),
        ] {
            let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"] + arguments + ["hi"], environment: environment)
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertTrue(result.stderr.hasPrefix(words + "\nUsage: parley"), result.stderr)
        }
        let bad = try ParleyProcess.run(["--base-url", "localhost:8077", "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("http://"), bad.stderr)
        XCTAssertEqual(server.chats.count, 0)
    }

    func testAServerErrorIsTriedThreeTimesAndTheAdviceFitsAOneShot() throws {
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/chat/completions") ? .response(status: 500, body: "Internal Server Error") : .reply(["-"])
        }
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(server.chats.count, 3, "three tries in all, not five minutes of them")
        XCTAssertTrue(result.stderr.hasSuffix("Run the command again to try again.\n"), result.stderr)
        XCTAssertFalse(result.stderr.contains("/retry"), "a one-shot has no /retry: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("No API key was sent"), "no key went, and the server failed: that may be why")
        // A request the server refused is not offered again, in any mode.
        let refusing = try StubServer { _, _ in .response(status: 400, body: #"{"object": "error", "message": "bad", "code": 400}"#) }
        let script = try ParleyProcess.run(["--base-url", refusing.baseURL, "-m", "m"], input: "hi\n", environment: environment)
        XCTAssertEqual(script.stderr, "error: The server answered 400: bad.\n")
        XCTAssertEqual(refusing.chats.count, 1)
    }

    func testPipedInputGoesWithThePrompt() throws {
        let server = try StubServer { _, _ in .reply(["Two items."]) }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "How many items?"], input: "- milk\n- eggs\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "- milk\n- eggs\n\nHow many items?")
        let unread = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "--no-stdin", "How many items?"], input: "- milk\n", environment: environment)
        XCTAssertEqual(unread.status, 0, unread.stderr)
        XCTAssertEqual(server.chats.last?.messages?.last?["content"] as? String, "How many items?")
    }

    func testEnvironmentChoosesTheEndpointAndKey() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        environment["PARLEY_BASE_URL"] = server.baseURL
        environment["PARLEY_API_KEY"] = "sk-from-environment"
        let result = try ParleyProcess.run(["-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(server.chats.first?.headers["authorization"], "Bearer sk-from-environment")
        XCTAssertEqual(server.chats.first?.headers["user-agent"]?.hasPrefix("parley/"), true)
    }

    func testAServicesKeyIsNotSentToAnotherHost() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        environment["CASOLA_API_KEY"] = "sk-casola-only"
        environment["OPENAI_API_KEY"] = "sk-openai-only"
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(server.chats.count, 1)
        XCTAssertNil(server.chats.first?.headers["authorization"], "neither service's key goes to a third host")
        let shown = try ParleyProcess.run(["--base-url", server.baseURL, "--show-endpoint"], environment: environment)
        XCTAssertEqual(
            shown.stdout.split(separator: "\n").first { $0.hasPrefix("key:") },
            "key: none (OPENAI_API_KEY goes only to api.openai.com or to OPENAI_BASE_URL; CASOLA_API_KEY goes only to api.casola.ai; PARLEY_API_KEY would go to this endpoint)"
        )
        // Named as OPENAI_BASE_URL, the same host is where the OpenAI key is meant to go.
        environment["OPENAI_BASE_URL"] = server.baseURL
        let named = try ParleyProcess.run(["-m", "m", "hi"], environment: environment)
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertEqual(server.chats.last?.headers["authorization"], "Bearer sk-openai-only")
    }

    func testTheKeyNeverShowsInOutputOrFiles() throws {
        let key = "sk-parley-test-RECOGNISABLE-0123456789"
        let server = try StubServer { _, _ in .error(status: 401, code: "invalid_api_key", message: "Incorrect API key provided") }
        environment["OPENAI_BASE_URL"] = server.baseURL
        environment["OPENAI_API_KEY"] = key
        let result = try ParleyProcess.run(["-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("OPENAI_API_KEY"), result.stderr)
        XCTAssertFalse(result.stdout.contains(key) || result.stderr.contains(key))
        let files = FileManager.default.enumerator(atPath: home.path)?.compactMap { $0 as? String } ?? []
        for file in files {
            let data = (try? Data(contentsOf: home.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(data.range(of: Data(key.utf8)), file)
        }
    }

    func testVersion() throws {
        let result = try ParleyProcess.run(["--version"], environment: environment)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, result.stdout)
    }

    // MARK: - Schema

    func assertValid(_ body: [UInt8], schema: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNoThrow(try validate(body, schema: schema), file: file, line: line)
    }

    func validate(_ body: [UInt8], schema: String) throws {
        try Schema.validate(body, against: schema)
    }

}

/// Checks JSON bodies against the official OpenAI schema (Contracts/), with Python's jsonschema.
enum Schema {
    struct Violation: Error, CustomStringConvertible { var description: String }

    static func validate(_ body: [UInt8], against schema: String) throws {
        let script = try XCTUnwrap(Bundle.module.url(forResource: "Contracts/validate", withExtension: "py"))
        let document = FileManager.default.temporaryDirectory.appendingPathComponent("parley-body-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: document) }
        try Data(body).write(to: document)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PARLEY_PYTHON"] ?? "python3", script.path, schema, document.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw Violation(description: "\(schema): \(text) in \(String(decoding: body, as: UTF8.self))")
        }
    }
}
