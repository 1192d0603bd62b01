import Foundation
import TestSupport
import XCTest

/// Piped input: each line a message or a command, a plain transcript out, the exit status telling.
final class ScriptModeTests: ParleyTestCase {

    func testTheSecondQuestionCarriesTheFirstExchangeAtTheNewTemperature() throws {
        let server = try StubServer { _, index in .reply(index == 1 ? ["2 + 2 = 4."] : ["**12**."]) }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"],
            input: "What is 2+2?\n/temp 0.5\nAnd times 3?\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(server.chats.count, 2)
        let second = try XCTUnwrap(server.chats[1].json)
        XCTAssertEqual(second["temperature"] as? Double, 0.5)
        XCTAssertNil(try XCTUnwrap(server.chats[0].json)["temperature"])
        let messages = try XCTUnwrap(second["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["content"] as? String }, ["What is 2+2?", "2 + 2 = 4.", "And times 3?"])
        XCTAssertEqual(result.stdout, "> What is 2+2?\n\n2 + 2 = 4.\n\n> And times 3?\n\n**12**.\n\n")
        XCTAssertTrue(result.stderr.contains("Temperature: 0.5"))
    }

    func testTheLocalModelInAScript() throws {
        try LocalModel.require()
        let result = try ParleyProcess.run(
            [
                "--base-url", LocalModel.baseURL, "-m", LocalModel.name, "--temperature", "0",
                "-s", "You are a helpful assistant.",
            ],
            input: "What is the capital of France?\n/history\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("> What is the capital of France?\n\nThe capital of France is Paris.\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("#2 SmolLM2: The capital of France is Paris."), result.stdout)
        XCTAssertFalse(result.stdout.contains("\u{1B}"))
    }

    func testAMultiLineBlockIsOneMessage() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"],
            input: "\"\"\"\nline one\n\nline three\n\"\"\"\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let messages = try XCTUnwrap(server.chats.first?.messages)
        XCTAssertEqual(messages.first?["content"] as? String, "line one\n\nline three")
        XCTAssertTrue(result.stdout.hasPrefix("> line one\n> \n> line three\n"), result.stdout)
    }

    func testAFailedTurnOrARefusedCommandMakesTheExitStatusNonZero() throws {
        let server = try StubServer { _, index in
            index == 1 ? .error(status: 400, code: "bad_request", message: "nope") : .reply(["fine"])
        }
        let failed = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "one\ntwo\n", environment: environment)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("400"), failed.stderr)
        XCTAssertTrue(failed.stdout.contains("fine"), "the script goes on after a failed turn")
        let refused = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "/temp 9\n", environment: environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("Usage: /temp"), refused.stderr)
        XCTAssertEqual(server.chats.count, 2, "nothing is sent for a refused command")
    }

    func testRetryAfterAWaitAndRegenerate() throws {
        let server = try StubServer { _, index in
            switch index {
            case 1: return .error(status: 503, code: "model_warming_up", message: "warming", headers: ["Retry-After": "1"])
            case 2: return .reply(["first answer"])
            default: return .reply(["second answer"])
            }
        }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "hello\n/regen\n/history\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("retrying in 1 s (try 2)"), result.stderr)
        XCTAssertTrue(result.stdout.contains("#2 m: second answer"), result.stdout)
        XCTAssertTrue(
            result.stdout.hasPrefix("> hello\n\nfirst answer\n\n[regenerated]\n\nsecond answer\n\n"),
            "the transcript says the second answer replaced the first: \(result.stdout)")
        XCTAssertEqual(server.chats.count, 3)
    }

    func testAServersEscapesNeverReachAPipe() throws {
        let server = try StubServer { _, _ in .reply(["safe\u{1B}]0;HACKED\u{07}\u{1B}[31m text\u{9B}2J"]) }
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "hi\n", environment: environment)
        XCTAssertEqual(result.status, 0)
        XCTAssertFalse(result.stdout.contains("\u{1B}") || result.stdout.contains("\u{9B}"))
        XCTAssertTrue(result.stdout.contains("safe text"))
    }
}
