import Foundation
import TestSupport
import XCTest

/// `/copy`, `/say` and `/code`, in a pseudo-terminal and in script mode.
final class ReplyToolsTests: ParleyTestCase {

    static let codeReply = "Here you go:\n```python\nprint('hi')\n```\nEnjoy."

    func testCopyReachesTheClipboardThroughOSC52() throws {
        let server = try StubServer { _, _ in .reply([Self.codeReply]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("show me code")
        try terminal.waitFor("#3 ›")
        terminal.send("/copy")
        // Sent, not said to have arrived: a terminal may drop OSC 52.
        try terminal.waitFor("Sent \(Self.codeReply.count) characters to the terminal's clipboard (OSC 52)")
        XCTAssertEqual(terminal.pasteBuffer, Self.codeReply)
        terminal.send("/copy code")
        try terminal.waitFor("Sent 11 characters")
        XCTAssertEqual(terminal.pasteBuffer, "print('hi')")
        terminal.send("/copy 1")
        try terminal.waitFor("Message 1 is not a reply")
    }

    func testCopyInAScriptWithoutAClipboardToolSaysSo() throws {
        let server = try StubServer { _, _ in .reply(["text"]) }
        environment["PATH"] = "/nonexistent"
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "hi\n/copy\n", environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("No clipboard is available"), result.stderr)
        XCTAssertFalse(result.stdout.contains("\u{1B}]52"), "no OSC 52 into a pipe")
    }

    func testCopyUsesALocalClipboardTool() throws {
        let server = try StubServer { _, _ in .reply(["to the tool"]) }
        let received = try fakeClipboardTool()
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "hi\n/copy\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("Copied 11 characters (xclip)"), result.stderr)
        XCTAssertEqual(try String(contentsOf: received, encoding: .utf8), "to the tool")
    }

    /// A WAV of `samples` silent 16-bit mono samples at 16 kHz.
    static func wav(samples: Int) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        let data = samples * 2
        return Array("RIFF".utf8) + le32(36 + data) + Array("WAVE".utf8) + Array("fmt ".utf8) + le32(16)
            + [1, 0, 1, 0] + le32(16000) + le32(32000) + [2, 0, 16, 0] + Array("data".utf8) + le32(data)
            + [UInt8](repeating: 0, count: data)
    }

    func testSaySavesTheSpeechModelsAudio() throws {
        let long = String(repeating: "A sentence to read aloud. ", count: 300)  // over the API's 4096 characters
        let server = try StubServer { request, _ in
            if request.path.hasSuffix("/models") {
                return .response(status: 200, body: #"{"data":[{"id":"m"},{"id":"voice-1","type":"tts"}]}"#)
            }
            if request.path.hasSuffix("/audio/speech") {
                let wav = Self.wav(samples: 1600)
                let head = "HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: \(wav.count)\r\nConnection: close\r\n\r\n"
                return [.send(Array(head.utf8) + wav), .close]
            }
            return .reply(["**" + long + "**"])
        }
        let saved = home.appendingPathComponent("reply.wav")
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "read this\n/say --save \(saved.path)\n",
            environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let speech = server.requests.filter { $0.path.hasSuffix("/audio/speech") }
        XCTAssertEqual(speech.count, 2, "sent in pieces under the input limit")
        for request in speech {
            try Schema.validate(request.body, against: "CreateSpeechRequest")
            XCTAssertEqual(request.json?["model"] as? String, "voice-1")
            XCTAssertEqual(request.json?["response_format"] as? String, "wav")
            XCTAssertFalse((request.json?["input"] as? String ?? "").contains("**"), "Markdown stripped")
            XCTAssertLessThanOrEqual((request.json?["input"] as? String ?? "").count, 4096)
        }
        let audio = try [UInt8](Data(contentsOf: saved))
        XCTAssertTrue(audio.starts(with: Array("RIFF".utf8)))
        XCTAssertEqual(audio.count, 44 + 2 * 3200, "the two pieces joined")
        XCTAssertTrue(result.stderr.contains("Saved the audio (0.2 s)"), result.stderr)
    }

    func testSayInATerminalSavesAudio() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng") else { throw XCTSkip("espeak-ng is not installed") }
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"m"}]}"#) : .reply(["Read me aloud."])
        }
        let saved = home.appendingPathComponent("pty.wav")
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("hello")
        try terminal.waitFor("#3 ›")
        terminal.send("/say --save \(saved.path)")
        try terminal.waitFor("Saved the audio")
        let audio = try [UInt8](Data(contentsOf: saved))
        XCTAssertTrue(audio.starts(with: Array("RIFF".utf8)) && audio.count > 1000)
    }

    func testSayFallsBackToEspeak() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng") else { throw XCTSkip("espeak-ng is not installed") }
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"m"}]}"#) : .reply(["Hello there."])
        }
        let saved = home.appendingPathComponent("espeak.wav")
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "hi\n/say --save \(saved.path)\n",
            environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let audio = try [UInt8](Data(contentsOf: saved))
        XCTAssertTrue(audio.starts(with: Array("RIFF".utf8)) && audio[8..<12].elementsEqual("WAVE".utf8))
        XCTAssertGreaterThan(audio.count, 1000)
    }

    func testSayWithNothingToSpeakWithSaysWhatIsMissing() throws {
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"m"}]}"#) : .reply(["Hello."])
        }
        environment["PATH"] = "/nonexistent"
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "hi\n/say\n", environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("neither espeak-ng nor say is installed"), result.stderr)
    }

    func testSnippetsAndAudioNeverReplaceAFileUnasked() throws {
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"m"}]}"#) : .reply(["Hello."])
        }
        let snippet = home.appendingPathComponent("ask.sh")
        let audio = home.appendingPathComponent("reply.wav")
        try "mine\n".write(to: snippet, atomically: false, encoding: .utf8)
        try "mine too\n".write(to: audio, atomically: false, encoding: .utf8)
        environment["PATH"] = "/nonexistent"  // nothing could speak: /say must refuse before trying
        let refused = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"],
            input: "hi\n/code curl --save \(snippet.path)\n/say --save \(audio.path)\n/code ts --save \(home.path)\n",
            environment: environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(
            refused.stderr.contains("\(snippet.path) exists; /code curl --save \(snippet.path) --force replaces it."), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("\(audio.path) exists; /say --save \(audio.path) --force replaces it."), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("\(home.path) is a directory; give a file name."), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("Nothing can speak here"), "refused before any audio was made")
        XCTAssertEqual(try String(contentsOf: snippet, encoding: .utf8), "mine\n")
        XCTAssertEqual(try String(contentsOf: audio, encoding: .utf8), "mine too\n")

        let forced = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"],
            input: "hi\n/code curl --save \(snippet.path) --force\n", environment: environment)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(try String(contentsOf: snippet, encoding: .utf8).hasPrefix("curl "), "replaced with the snippet")
    }

    func testCurlAndPythonSnippetsRunForRealAndGiveParleysAnswer() throws {
        try LocalModel.require()
        environment["PARLEY_BASE_URL"] = LocalModel.baseURL
        environment["PARLEY_API_KEY"] = "sk-local-not-checked"
        let curl = home.appendingPathComponent("ask.sh")
        let python = home.appendingPathComponent("ask.py")
        let result = try ParleyProcess.run(
            ["-m", LocalModel.name, "--temperature", "0", "-s", "You are a helpful assistant."],
            input: "What is the capital of France?\n/code curl --save \(curl.path)\n/code python --save \(python.path)\n",
            environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("The capital of France is Paris."))
        let curlText = try String(contentsOf: curl, encoding: .utf8)
        XCTAssertTrue(curlText.contains("$PARLEY_API_KEY"))
        XCTAssertFalse(curlText.contains("sk-local-not-checked"))

        let answer = try run("/bin/sh", [curl.path], environment: environment)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
        let choices = try XCTUnwrap(object["choices"] as? [[String: Any]])
        XCTAssertEqual((choices.first?["message"] as? [String: Any])?["content"] as? String, "The capital of France is Paris.")

        let pythonBinary = ProcessInfo.processInfo.environment["PARLEY_PYTHON"] ?? "python3"
        if try run("/usr/bin/env", [pythonBinary, "-c", "import openai; print('ok')"], environment: environment) != "ok\n",
            ProcessInfo.processInfo.environment["PARLEY_REQUIRE_MODEL"] != "1"
        {
            throw XCTSkip("\(pythonBinary) has no openai package (make test installs it)")
        }
        let printed = try run("/usr/bin/env", [pythonBinary, python.path], environment: environment)
        XCTAssertEqual(printed, "The capital of France is Paris.\n")
    }

    func testCodeWithNoMessageYetUsesAPlaceholderAndColoursInATerminal() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let plain = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: "/code ts\n", environment: environment)
        XCTAssertTrue(plain.stdout.contains(#"{ "role": "user", "content": "Hello!" }"#), plain.stdout)
        XCTAssertFalse(plain.stdout.contains("\u{1B}"))
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("/code python")
        try terminal.waitFor("from openai import OpenAI")
        XCTAssertTrue(terminal.screen(escapes: true).contains("\u{1B}[32m\"Hello!\""), "strings in green")
    }

    func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
