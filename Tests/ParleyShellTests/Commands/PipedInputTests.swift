import ParleySession
import ParleyWire
import XCTest

@testable import ParleyShell

/// `cmd | parley "PROMPT"`: what is piped in goes before the prompt, in the same message.
final class PipedInputTests: XCTestCase {
    func testPipedTextGoesBeforeThePromptInOneMessage() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("A summary.")])
            shell.input.bytes = Array("\n\n  - milk\n  - eggs\n\n".utf8)
            let status = await shell.shell.runOneShot("Summarise this")
            XCTAssertEqual(status, 0)
            XCTAssertEqual(shell.chat.requests.count, 1)
            XCTAssertEqual(shell.chat.requests.last?.messages.last?.content, .text("  - milk\n  - eggs\n\nSummarise this"))
            XCTAssertEqual(shell.session.messages.first?.text, "  - milk\n  - eggs\n\nSummarise this", "kept as it was sent")
        }
    }

    func testEmptyInputAddsNothingAndATerminalIsNotRead() async throws {
        try await onMain {
            let empty = try Harness(replies: [ScriptedChat.text("ok")])
            empty.input.bytes = Array(" \n\n".utf8)
            _ = await empty.shell.runOneShot("Just this")
            XCTAssertEqual(empty.chat.requests.last?.messages.last?.content, .text("Just this"))
            let terminal = try Harness(replies: [ScriptedChat.text("ok")])
            _ = await terminal.shell.runOneShot("Just this")
            XCTAssertEqual(terminal.input.reads, 0, "a terminal's keyboard is not read for a prompt")
        }
    }

    func testNoStdinLeavesItUnread() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("ok")]) { $0.readsStdin = false }
            shell.input.bytes = Array("the rest of a loop's questions\n".utf8)
            _ = await shell.shell.runOneShot("One question")
            XCTAssertEqual(shell.input.reads, 0)
            XCTAssertEqual(shell.chat.requests.last?.messages.last?.content, .text("One question"))
        }
    }

    func testInputThatIsNotTextOrTooLargeIsRefusedAndNothingSent() async throws {
        try await onMain {
            let cases: [([UInt8], String)] = [
                (
                    Array("text\u{0}more".utf8),
                    "error: Standard input is not text (a NUL byte at byte 5); nothing was sent. --no-stdin leaves it unread.\n"
                ),
                (
                    [0x68, 0x69, 0xE9, 0x0A],
                    "error: Standard input is not text (it is not UTF-8); nothing was sent. --no-stdin leaves it unread.\n"
                ),
                (
                    Array(repeating: 0x61, count: AttachLimits.defaultText + 1),
                    "error: Standard input holds more than 1.0 MB; nothing was sent (--attach-limit raises it).\n"
                ),
            ]
            for (bytes, said) in cases {
                let shell = try Harness(replies: [ScriptedChat.text("never")])
                shell.input.bytes = bytes
                let status = await shell.shell.runOneShot("Read this")
                XCTAssertEqual(status, 1)
                XCTAssertEqual(shell.take().err, said)
                XCTAssertEqual(shell.chat.requests.count, 0, "nothing was sent")
            }
        }
    }

    func testASlashCommandPromptDoesNotReadIt() async throws {
        try await onMain {
            let shell = try Harness()
            shell.input.bytes = Array("unrelated\n".utf8)
            _ = await shell.shell.runOneShot("/temp")
            XCTAssertEqual(shell.input.reads, 0)
        }
    }
}
