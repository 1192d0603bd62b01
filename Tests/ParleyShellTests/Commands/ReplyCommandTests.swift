import Foundation
import ParleySession
import ParleyWire
import TestSupport
import XCTest

@testable import ParleyShell

/// `/think`, `/copy`, `/say`, `/code`, `/stats`, `/debug`, `/attach` and `/detach` in-process.
final class ReplyCommandTests: XCTestCase {
    static let images = ParleyProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/Images")

    func testThinkShowsAReplysReasoning() async throws {
        try await onMain {
            let thoughtful = ScriptedChat.Reply.events([
                .opened, .reasoning("Paris is the capital."), .content("Paris."),
                .finished(finishReason: "stop", usage: nil),
            ])
            let shell = try Harness(replies: [thoughtful, ScriptedChat.text("Plain.")])
            await shell.enter("/think")
            XCTAssertEqual(shell.take().err, "error: No reply has reasoning yet.\n")
            XCTAssertTrue(shell.failed, "said as an error, it fails the script too")
            await shell.enter("Capital?")
            await shell.enter("More?")
            _ = shell.take()
            await shell.enter("/think")
            XCTAssertEqual(shell.take().out, "Reasoning of reply #2:\nParis is the capital.\n")
            await shell.enter("/think 4")
            XCTAssertEqual(shell.take().out, "Reply #4 has no reasoning.\n")
            await shell.enter("/think 1")
            XCTAssertEqual(shell.take().err, "error: Message 1 is not a reply; /history shows the numbers.\n")
        }
    }

    func testCopyGivesTheClipboardTheReplyWithoutEscapesOrItsCode() async throws {
        try await onMain {
            let reply = "Run this:\n```sh\necho \u{1B}]52;c;aGk=\u{07}hi\n```\nDone."
            let shell = try Harness(replies: [ScriptedChat.text(reply)])
            await shell.enter("/copy")
            XCTAssertEqual(shell.take().err, "error: There is no reply yet.\n")
            await shell.enter("Show me")
            await shell.enter("/copy")
            await shell.enter("/copy code")
            XCTAssertEqual(shell.clipboard.copied.count, 2)
            XCTAssertFalse(
                shell.clipboard.copied.contains { $0.contains("\u{1B}") || $0.contains("\u{07}") }, "no escape reaches the clipboard")
            XCTAssertEqual(shell.clipboard.copied.last?.hasPrefix("echo "), true)
            XCTAssertTrue(shell.take().err.hasSuffix("characters (xclip).\n"))
            shell.clipboard.result = ClipboardCopy(
                sentToTerminal: true, caveat: "inside tmux it arrives only with `set -g set-clipboard on`")
            await shell.enter("/copy")
            let sent = shell.take().err
            XCTAssertTrue(sent.hasPrefix("Sent "), "only sent, never said to have arrived: \(sent)")
            XCTAssertTrue(
                sent.hasSuffix(
                    "characters to the terminal's clipboard (OSC 52); inside tmux it arrives only with `set -g set-clipboard on`.\n"),
                sent)
            shell.clipboard.result = ClipboardCopy()
            await shell.enter("/copy")
            XCTAssertEqual(
                shell.take().err, "error: No clipboard is available here: install wl-copy, xclip or xsel (a terminal also takes OSC 52).\n")
            await shell.enter("/copy three")
            XCTAssertTrue(shell.take().err.hasPrefix("error: \"three\" is neither a message number nor code."))
        }
    }

    func testTheTerminalsClipboardIsSaidAsSentWithWhereItMayNotArrive() {
        var written = ""
        let inTmux = SystemClipboard(terminal: { written += $0 }, path: "/nonexistent", environment: ["TMUX": "/tmp/tmux-0/default,1,0"])
        let copy = inTmux.copy("hi")
        XCTAssertEqual(written, "\u{1B}]52;c;aGk=\u{07}", "OSC 52, base64: the text cannot drive the terminal")
        XCTAssertEqual(
            copy, ClipboardCopy(tools: [], sentToTerminal: true, caveat: "inside tmux it arrives only with `set -g set-clipboard on`"))
        XCTAssertEqual(SystemClipboard.caveat(["TERM": "screen-256color"]), "screen passes it on only to a terminal that takes OSC 52")
        XCTAssertEqual(SystemClipboard.caveat(["TERM": "xterm-256color"]), "a terminal that does not take OSC 52 drops it")
        let piped = SystemClipboard(terminal: nil, path: "/nonexistent", environment: [:]).copy("hi")
        XCTAssertEqual(piped, ClipboardCopy(), "no terminal, no tool: nothing took it")
    }

    func testSaySpeaksOrSavesAWAV() async throws {
        try await onMain {
            // A real WAV: 44-byte header, one 16-bit sample.
            var wav = Array("RIFF".utf8) + ByteReader.le32(38) + Array("WAVEfmt ".utf8) + ByteReader.le32(16)
            wav += [1, 0, 1, 0] + ByteReader.le32(8000) + ByteReader.le32(16000) + [2, 0, 16, 0]
            wav += Array("data".utf8) + ByteReader.le32(2) + [0, 0]
            let shell = try Harness(replies: [ScriptedChat.text("Hello **there**.")])
            await shell.enter("Greet me")
            _ = shell.take()
            await shell.enter("/say")
            XCTAssertEqual(
                shell.take().err,
                "error: Nothing can speak here: the endpoint lists no text-to-speech model (tts_model in the config names one), and neither espeak-ng nor say is installed.\n"
            )
            shell.speech.voice = wav
            await shell.enter("/say")
            XCTAssertEqual(shell.speech.played, [wav])
            let file = shell.path("hello.wav")
            await shell.enter("/say --save \(file)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), Data(wav))
            XCTAssertEqual(shell.take().err, "Speaking… (Esc stops)\nSaved the audio (0.0 s) to \(file).\n")
            await shell.enter("/say --save \(file)")
            XCTAssertTrue(shell.take().err.hasPrefix("error: \(file) exists; /say --save \(file) --force replaces it."))
            await shell.enter("/say --save reply.mp3")
            XCTAssertEqual(
                shell.take().err,
                "error: /say saves WAV audio; give a file name ending in .wav, not reply.mp3. Usage: /say [N] [--save FILE.wav [--force]]\n"
            )
            XCTAssertFalse(FileManager.default.fileExists(atPath: shell.path("reply.mp3")))
        }
    }

    func testCodeRepeatsTheLastRequestInEachLanguage() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("ok")])
            await shell.enter("Say ok")
            _ = shell.take()
            await shell.enter("/code")
            let curl = shell.take().out
            XCTAssertTrue(curl.contains("curl") && curl.contains("http://127.0.0.1:9/v1/chat/completions") && curl.contains("Say ok"), curl)
            await shell.enter("/code python")
            XCTAssertTrue(shell.take().out.contains("from openai import OpenAI"))
            let file = shell.path("ask.ts")
            await shell.enter("/code ts --save \(file)")
            XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).contains("import OpenAI from \"openai\";"))
            await shell.enter("/code rust")
            XCTAssertEqual(
                shell.take().err,
                "Saved the ts snippet to \(file).\nerror: \"rust\" is not curl, python or ts. Usage: /code [curl|python|ts] [--save FILE [--force]]\n"
            )
        }
    }

    func testStatsAndDebugDescribeTheLastReply() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("ok", usage: Usage(promptTokens: 12, completionTokens: 3, totalTokens: 15))]
            )
            await shell.enter("/stats")
            await shell.enter("/debug")
            XCTAssertEqual(shell.take().out, "No reply yet.\nNo request yet.\n")
            await shell.enter("hi")
            _ = shell.take()
            await shell.enter("/stats")
            let stats = shell.take().out
            XCTAssertTrue(stats.hasPrefix("tokens: 12 in, 3 out\n"))
            XCTAssertFalse(stats.contains("context:"), "no window known, none said")
            shell.models.list = [ModelInfo(id: "m", contextWindow: 2048)]
            await shell.enter("/stats")
            XCTAssertTrue(shell.take().out.hasSuffix("context: 12 of 2048 tokens (0%)\n"), "the window the server lists")
            await shell.enter("/debug")
            let debug = shell.take().out
            XCTAssertTrue(debug.hasPrefix("POST http://127.0.0.1:9/v1/chat/completions\n{"), debug)
            XCTAssertTrue(
                debug.contains("\"content\" : \"hi\"") && debug.hasSuffix("1 event(s) received:\ndata: {\"scripted\": true}\n"), debug)
            shell.chat.add(.failure(TurnFailure(.http(status: 500, code: nil), sentence: "The server answered 500.")))
            await shell.enter("again")
            _ = shell.take()
            await shell.enter("/debug")
            XCTAssertTrue(shell.take().out.hasSuffix("No events were received: the request failed before a reply began.\n"))
        }
    }

    func testAReplyCutByItsTokenLimitIsMarked() async throws {
        try await onMain {
            let cut = ScriptedChat.Reply.events([.opened, .content("One, two, thr"), .finished(finishReason: "length", usage: nil)])
            let shell = try Harness(replies: [cut, ScriptedChat.text("Whole.")]) { $0.maxTokens = "5" }
            await shell.enter("Count")
            let said = shell.take()
            XCTAssertEqual(said.out, "One, two, thr [cut off at the token limit]\n\n")
            XCTAssertEqual(said.err, "The reply reached its token limit (5) and stopped there; /max raises it, then /regen.\n")
            await shell.enter("Again")
            XCTAssertEqual(shell.take().out, "Whole.\n\n", "the next reply is not marked")
        }
    }

    func testAttachChecksImagesByContentAndDetachRemovesThem() async throws {
        try await onMain {
            let images = ReplyCommandTests.images
            let shell = try Harness(replies: [ScriptedChat.text("A cat.")], interactive: true, pictures: "PICTURE")
            await shell.enter("/attach \(images.path)/cat.jpg \(images.path)/diagram.bmp \(images.path)/pixel.png")
            let said = shell.take()
            XCTAssertEqual(said.err, "error: diagram.bmp is not a JPEG, PNG, GIF or WebP image (it is a BMP).\n")
            XCTAssertTrue(said.out.hasPrefix("For the next message:\n  [1] cat.jpg · JPEG · "), said.out)
            XCTAssertTrue(
                said.out.contains("PICTURE:cat.jpg\n") && said.out.contains("PICTURE:pixel.png\n"),
                "the terminal's pictures, under their lines")
            XCTAssertEqual(shell.session.pendingAttachments.map(\.name), ["cat.jpg", "pixel.png"])
            await shell.enter("/detach 1")
            XCTAssertEqual(shell.session.pendingAttachments.map(\.name), ["pixel.png"])
            await shell.enter("/detach 5")
            XCTAssertEqual(shell.take().err, "error: There is no attachment 5; 1 is waiting.\n")
            await shell.enter("What is it?")
            guard case let .parts(parts)? = shell.chat.requests.last?.messages.last?.content else { return XCTFail("no image sent") }
            XCTAssertEqual(parts.count, 2)
            await shell.enter("/detach")
            XCTAssertEqual(shell.take().err, "error: Nothing is waiting to be sent with the next message.\n")
            await shell.enter("/attach")
            XCTAssertEqual(shell.take().err, "error: Attach which files? Usage: /attach PATH|URL...|!CMD\n")
        }
    }
}
