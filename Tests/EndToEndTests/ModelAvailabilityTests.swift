import Foundation
import TestSupport
import XCTest

/// The model picker and waiting for a model, against the stub server.
final class ModelAvailabilityTests: ParleyTestCase {

    static let models =
        #"{"data":[{"id":"SmolLM2-135M-Instruct","status":"online"},{"id":"Qwen3-8B","status":"warming_up"},"#
        + #"{"id":"Llama-3-70B","status":"standby"},{"id":"Old-Model","status":"offline"}]}"#

    /// `/models` lists four models; chat requests get `chat(index)`.
    func server(chat: @escaping @Sendable (Int) -> [StubServer.Step]) throws -> StubServer {
        try StubServer { request, index in
            request.path.hasSuffix("/models") ? .response(status: 200, body: Self.models) : chat(index)
        }
    }

    func testTheListShowsEachModelsStatus() throws {
        let stub = try server { _ in .reply(["ok"]) }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "-m", "Qwen3-8B"], input: "/model\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 5, result.stdout)
        XCTAssertTrue(lines[0].hasPrefix("   1. SmolLM2-135M-Instruct") && lines[0].hasSuffix("Online"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("*  2. Qwen3-8B") && lines[1].hasSuffix("Warming up"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix("Standby"))
        XCTAssertTrue(lines[3].hasSuffix("Offline"))
    }

    func testPickingByNumberAtItsOwnPromptAndTabCompletion() throws {
        let stub = try server { _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", stub.baseURL, "-m", "SmolLM2-135M-Instruct"])
        terminal.send("/model")
        let screen = try terminal.waitFor("Model number or name (Esc to keep SmolLM2-135M-Instruct):")
        XCTAssertTrue(screen.contains("Warming up"), screen)
        terminal.send("3")
        try terminal.waitFor("Llama-3-70B #1 ›")
        terminal.send("/model")
        try terminal.waitFor("(Esc to keep Llama-3-70B)")
        terminal.press("Escape")
        try terminal.waitFor("Kept Llama-3-70B.")
        terminal.send("hi")
        try terminal.waitFor("ok")
        XCTAssertEqual(stub.chats.first?.json?["model"] as? String, "Llama-3-70B")
    }

    func testNoModelInATerminalOpensThePickerThenSends() throws {
        let stub = try server { _ in .reply(["picked and sent"]) }
        let terminal = try shell(["--base-url", stub.baseURL], prompt: "no model #1 ›")
        terminal.send("hello")
        try terminal.waitFor("Model number or name")
        terminal.send("1")
        try terminal.waitFor("picked and sent")
        XCTAssertEqual(stub.chats.first?.json?["model"] as? String, "SmolLM2-135M-Instruct")
    }

    func testAServersOnlyModelIsInThePromptFromTheStart() throws {
        let stub = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"solo-model"}]}"#) : .reply(["ok"])
        }
        _ = try shell(["--base-url", stub.baseURL], prompt: "solo-model #1 ›")
    }

    func testNoModelInAScriptSaysHowToChoose() throws {
        let stub = try server { _ in .reply(["never"]) }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "hello"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("-m NAME or /model NAME"), result.stderr)
        XCTAssertTrue(result.stderr.contains("SmolLM2-135M-Instruct, Qwen3-8B"), result.stderr)
        XCTAssertEqual(stub.chats.count, 0)
    }

    func testWarmingUpTwiceThenAReplyWithACountdown() throws {
        let stub = try server { index in
            index <= 2 ? .error(status: 503, code: "model_warming_up", message: "Model is warming up") : .reply(["warm now"])
        }
        let terminal = try shell(["--base-url", stub.baseURL, "-m", "Qwen3-8B"])
        terminal.send("are you there?")
        let countdown = try terminal.waitFor("Qwen3-8B is warming up — retrying in")
        XCTAssertTrue(countdown.contains("(try 2) · Esc to cancel"), countdown)
        try terminal.waitFor("(try 3)")
        try terminal.waitFor("warm now")
        XCTAssertEqual(stub.chats.count, 3)
        XCTAssertFalse(terminal.screen().contains("retrying in"), "the status line is cleared")
    }

    func testEscCancelsAWaitAndRetrySendsTheMessage() throws {
        let stub = try server { index in
            index == 1
                ? .error(status: 503, code: "model_warming_up", message: "warming", headers: ["Retry-After": "30"]) : .reply(["here"])
        }
        let terminal = try shell(["--base-url", stub.baseURL, "-m", "Qwen3-8B"])
        terminal.send("wait for me")
        try terminal.waitFor("retrying in 30 s")
        terminal.press("Escape")
        try terminal.waitFor("Stopped waiting; the message is kept. /retry sends it again.")
        XCTAssertEqual(stub.chats.count, 1)
        terminal.send("/retry")
        try terminal.waitFor("here")
        XCTAssertEqual(stub.chats.count, 2)
        XCTAssertEqual(stub.chats.last?.messages?.count, 1)
    }

    func testRetryAfterIsSaidAndTheRetryGoesInAScript() throws {
        let stub = try server { index in
            index == 1
                ? .error(status: 429, code: "rate_limit", message: "slow down", headers: ["Retry-After": "1"])
                : .reply(["after one second"])
        }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "-m", "m"], input: "hi\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "m is rate-limited — retrying in 1 s (try 2)\n")
        XCTAssertTrue(result.stdout.contains("after one second"))
        XCTAssertEqual(stub.chats.count, 2)
    }

    /// The retry waits for Retry-After: parley's countdown goes down a second, and the stub has still
    /// seen one request. (The count is read before the screen: while the screen still shows the
    /// countdown, the wait had not ended when the count was read.)
    func testTheRetryWaitsOutItsCountdown() throws {
        let stub = try server { index in
            index == 1
                ? .error(status: 429, code: "rate_limit", message: "slow down", headers: ["Retry-After": "3"])
                : .reply(["after the wait"])
        }
        let terminal = try shell(["--base-url", stub.baseURL, "-m", "m"])
        terminal.send("hi")
        var requestsMeanwhile: [Int] = []
        try waitUntil("the countdown to go down") {
            let requests = stub.chats.count
            let screen = terminal.screen()
            guard screen.contains("retrying in 2 s") || screen.contains("retrying in 1 s") else { return false }
            requestsMeanwhile.append(requests)
            return true
        }
        XCTAssertEqual(requestsMeanwhile, [1], "no retry before the countdown's end")
        try terminal.waitFor("after the wait")
        XCTAssertEqual(stub.chats.count, 2)
        XCTAssertFalse(terminal.screen().contains("retrying in"), "the status line is cleared")
    }

    func testQuotaExceededIsSentOnceOnly() throws {
        let stub = try server { _ in .error(status: 429, code: "quota_exceeded", message: "Monthly quota reached") }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "-m", "m", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(stub.chats.count, 1)
        XCTAssertTrue(result.stderr.contains("quota"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Monthly quota reached"), result.stderr)
        XCTAssertFalse(result.stderr.contains("retrying"))
    }

    func testWaitZeroNeverWaits() throws {
        let stub = try server { _ in .error(status: 503, code: "no_capacity", message: "full") }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "-m", "m", "--wait", "0", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(stub.chats.count, 1)
    }

    func testAnOfflineModelWarnsAndIsRefusedWithItsReason() throws {
        let stub = try server { _ in .error(status: 503, code: "not_configured", message: "Old-Model is offline") }
        let result = try ParleyProcess.run(
            ["--base-url", stub.baseURL, "-m", "SmolLM2-135M-Instruct"],
            input: "/model Old-Model\nhello\n", environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("warning: Old-Model is Offline"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Old-Model is offline"), result.stderr)
        XCTAssertEqual(stub.chats.count, 1, "not retried")
    }

    func testAnUnlistedNameWarnsWithTheNearestAndIsUsed() throws {
        let stub = try server { _ in .reply(["ok"]) }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "-m", "m"], input: "/model qwen3\nhi\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("does not list qwen3 (nearest: Qwen3-8B"), result.stderr)
        XCTAssertEqual(stub.chats.first?.json?["model"] as? String, "qwen3")
    }

    func testA404NamesTheNearestModels() throws {
        let stub = try server { _ in .error(status: 404, code: "model_not_found", message: "The model `qwen-8b` does not exist") }
        let result = try ParleyProcess.run(["--base-url", stub.baseURL, "-m", "qwen-8b", "hi"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("404"), result.stderr)
        XCTAssertTrue(result.stderr.contains("The server has: Qwen3-8B"), result.stderr)
        XCTAssertEqual(stub.chats.count, 1)
    }
}
