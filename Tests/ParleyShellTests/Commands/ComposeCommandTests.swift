import Foundation
import ParleyTerminal
import XCTest

@testable import ParleyShell

/// `/compose`: the editor's text comes back into the prompt for review, and Enter sends it.
final class ComposeCommandTests: XCTestCase {
    func testTheEditorsTextComesBackForReviewAndIsSentAsReviewed() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("Noted.")], interactive: true, answers: [.line("line one\nline two!")])
            shell.composer.written = "line one\nline two"
            await shell.enter("/compose a start")
            XCTAssertEqual(shell.composer.given, ["a start"], "the editor starts from the argument")
            XCTAssertEqual(shell.lines?.prompts.last?.initial, "line one\nline two", "back in the line, newlines kept")
            XCTAssertEqual(
                shell.chat.requests.last?.messages.last?.content, .text("line one\nline two!"), "what was sent is what was reviewed")
            XCTAssertEqual(shell.lines?.remembered.last, "line one\nline two!")
        }
    }

    func testAFailingOrEmptyEditorSendsNothing() async throws {
        try await onMain {
            let shell = try Harness(interactive: true)
            shell.composer.failure = .exited(command: "vim", status: "exit status 1")
            await shell.enter("/compose")
            XCTAssertEqual(shell.take().err, "error: vim ended with exit status 1; nothing was taken from it.\n")
            shell.composer.failure = nil
            shell.composer.written = " \n"
            await shell.enter("/compose")
            XCTAssertEqual(shell.take().err, "The editor left no text; nothing was sent.\n")
            XCTAssertTrue(shell.chat.requests.isEmpty)
            let piped = try Harness()
            await piped.enter("/compose")
            XCTAssertTrue(piped.take().err.hasPrefix("error: /compose opens your editor at a terminal's prompt"))
        }
    }

    func testTheRealEditorRunsOnAPrivateFileAndItsStatusCounts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-compose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("editor").path
        // The script notes the file's mode and text, then writes its own.
        try """
        #!/bin/sh
        stat -c %a "$1" > "\(directory.path)/mode"
        cat "$1" > "\(directory.path)/given"
        printf 'first\\nsecond\\n' > "$1"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o700)
        let environment = ["EDITOR": script, "TMPDIR": directory.path]
        XCTAssertEqual(ExternalEditor.edit("draft", environment: environment), .success("first\nsecond"))
        XCTAssertEqual(try String(contentsOfFile: directory.appendingPathComponent("mode").path, encoding: .utf8), "600\n")
        XCTAssertEqual(try String(contentsOfFile: directory.appendingPathComponent("given").path, encoding: .utf8), "draft")
        XCTAssertEqual(
            ExternalEditor.edit("draft", environment: ["VISUAL": "false", "EDITOR": script, "TMPDIR": directory.path]),
            .failure(.exited(command: "false", status: "exit status 1")), "VISUAL first; a failing editor gives nothing")
        XCTAssertEqual(ExternalEditor.command(environment: [:]), "vi")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("parley-message-") }
        XCTAssertEqual(left, [], "the temporary file is removed")
    }
}
