import Foundation
import ParleySession
import TestSupport
import XCTest

@testable import ParleyShell

/// `/attach URL` and `/attach !CMD`: a page from a loopback server, a command's output.
final class AttachSourcesTests: XCTestCase {
    static func serve(_ body: [UInt8], type: String, status: Int = 200, extra: String = "") -> [StubServer.Step] {
        let head = "HTTP/1.1 \(status) X\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n\(extra)Connection: close\r\n\r\n"
        return [.send(Array(head.utf8) + body), .close]
    }

    func testAPageBecomesReadableTextAndRedirectsAreFollowed() async throws {
        let page = try [UInt8](Data(contentsOf: AttachTextTests.documents.appendingPathComponent("page.html")))
        let pdf = try [UInt8](Data(contentsOf: AttachTextTests.documents.appendingPathComponent("report.pdf")))
        let server = try StubServer { request, _ in
            switch request.path {
            case "/old": return Self.serve([], type: "text/plain", status: 301, extra: "Location: /survey\r\n")
            case "/survey": return Self.serve(page, type: "text/html; charset=utf-8")
            case "/data": return Self.serve(Array(#"{"count": 317}"#.utf8), type: "application/json")
            case "/report": return Self.serve(pdf, type: "application/pdf")
            case "/blob": return Self.serve([0, 1, 2, 3], type: "application/octet-stream")
            default: return .response(status: 404, body: "no")
            }
        }
        let base = "http://127.0.0.1:\(server.port)"
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("317.")], interactive: true)
            await shell.enter("/attach \(base)/old \(base)/data \(base)/report")
            XCTAssertEqual(shell.take().err, "")
            let pending = shell.session.pendingAttachments
            XCTAssertEqual(pending.map(\.name), ["\(base)/old", "\(base)/data", "\(base)/report"])
            XCTAssertEqual(
                pending[0].text,
                "# Lake survey\n\n# Lake survey 2026\n\nThe survey counted 317 pelicans and 42 herons.\n\n- North shore: 200\n- South shore: 117"
            )
            XCTAssertEqual(pending[1].kind, .text(.page, language: "json"))
            XCTAssertEqual(pending[1].text, #"{"count": 317}"#)
            XCTAssertEqual(pending[2].kind, .text(.pdf, language: nil))
            XCTAssertTrue(pending[2].text?.contains("pelican count at the lake was 317") == true)
            await shell.enter("/attach \(base)/missing \(base)/blob http://127.0.0.1:9/none")
            let err = shell.take().err
            XCTAssertTrue(err.contains("error: \(base)/missing answered HTTP 404 Not Found; nothing was attached.\n"), err)
            XCTAssertTrue(err.contains("error: \(base)/blob is not text: it seems to be binary data.\n"), err)
            XCTAssertTrue(err.contains("error: Cannot connect to http://127.0.0.1:9/none"), err)
            XCTAssertEqual(shell.session.pendingAttachments.count, 3, "nothing more was attached")
            await shell.enter("/attach http://reader:s3cret@127.0.0.1:\(server.port)/data")
            XCTAssertEqual(shell.session.pendingAttachments.last?.name, "http://reader:***@127.0.0.1:\(server.port)/data")
            XCTAssertFalse(shell.take().out.contains("s3cret"), "a URL's password is not shown, kept or sent")
        }
        XCTAssertEqual(server.requests.map(\.path), ["/old", "/survey", "/data", "/report", "/missing", "/blob", "/data"])
    }

    func testACommandsOutputIsAttachedWithItsStatusSaid() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("Two files.")], interactive: true)
            await shell.enter("/attach !printf 'a.txt\\nb.txt\\n'; echo err-$((40+2)) >&2")
            let said = shell.take()
            XCTAssertTrue(said.err.contains("`printf 'a.txt\\nb.txt\\n'; echo err-$((40+2)) >&2` ended with exit status 0."), said.err)
            XCTAssertFalse(said.err.contains("err-42"), "stderr goes to the terminal's, not through parley")
            XCTAssertEqual(shell.session.pendingAttachments.first?.text, "a.txt\nb.txt\n", "stdout alone is attached")
            XCTAssertEqual(shell.session.pendingAttachments.first?.name, "!printf 'a.txt\\nb.txt\\n'; echo err-$((40+2)) >&2")
            await shell.enter("/attach !echo partial; exit 3")
            XCTAssertTrue(shell.take().err.contains("ended with exit status 3; its output is attached all the same"))
            XCTAssertEqual(shell.session.pendingAttachments.count, 2)
            for (command, sentence) in [
                ("true", "`true` wrote nothing to its standard output (exit status 0); nothing was attached."),
                ("no-such-command-here", "`no-such-command-here` could not start: the shell did not find it (exit status 127)."),
                (
                    "head -c 100 /dev/zero",
                    "The output of `head -c 100 /dev/zero` is not text (a NUL byte at byte 1); nothing was attached."
                ),
            ] {
                await shell.enter("/attach !\(command)")
                XCTAssertTrue(shell.take().err.hasSuffix("error: \(sentence)\n"), command)
            }
            await shell.enter("/attach !")
            XCTAssertEqual(shell.take().err, "error: Attach the output of which command? Usage: /attach PATH|URL...|!CMD\n")
            XCTAssertEqual(shell.session.pendingAttachments.count, 2)
        }
    }

    func testACommandIsStoppedWithEverythingItStartedAndOutputOverTheLimitIsRefused() async throws {
        let marker = "parley-stop-test-\(UUID().uuidString)"
        // The sleeps are the long-running command that is stopped; nothing waits on them.
        let running = ShellCommand(command: "sleep 30 & sleep 31; echo \(marker)", shell: "/bin/sh", limit: 1024)
        running.stop()
        guard case let .failure(error) = await running.finish() else { return XCTFail("a stopped command gives no attachment") }
        XCTAssertEqual(error.description, "`sleep 30 & sleep 31; echo \(marker)` was stopped; nothing was attached.")
        let flood = ShellCommand(command: "yes", shell: "/bin/sh", limit: 1000)
        guard case let .failure(tooMuch) = await flood.finish() else { return XCTFail("over the limit") }
        XCTAssertEqual(tooMuch.description, "`yes` wrote more than 1000 B; nothing was attached (--attach-limit raises it).")
    }

    func testACommandThatIgnoresTheStopOrWantsTheTerminalStillEnds() async throws {
        // It says when its trap is set (the test waits for that, not for a time), then ignores SIGTERM.
        let ready = FileManager.default.temporaryDirectory.appendingPathComponent("parley-ready-\(UUID().uuidString)").path
        defer { unlink(ready) }
        let stubborn = ShellCommand(command: "trap '' TERM; touch \(ready); sleep 30", shell: "/bin/sh", limit: 1024)
        try await waitUntil("the command to set its trap") { FileManager.default.fileExists(atPath: ready) }
        stubborn.stop()
        guard case let .failure(stopped) = await stubborn.finish() else { return XCTFail("stopped") }
        XCTAssertEqual(
            stopped.description, "`trap '' TERM; touch \(ready); sleep 30` was stopped; nothing was attached.", "killed after the grace")
        // No controlling terminal: a program that would ask it for a password fails at once.
        let asking = ShellCommand(command: "cat /dev/tty", shell: "/bin/sh", limit: 1024)
        let answer = await asking.finish()
        XCTAssertEqual(answer, .success(CommandOutput(text: "", status: "exit status 1", succeeded: false)))
        let missingShell = ShellCommand(command: "true", shell: "/nonexistent/sh", limit: 1024)
        guard case let .failure(cannot) = await missingShell.finish() else { return XCTFail("no shell") }
        XCTAssertEqual(cannot.description, "`true` could not start: /nonexistent/sh: No such file or directory.")
        let latin1 = ShellCommand(command: "printf 'caf\\351'", shell: "/bin/sh", limit: 1024)
        guard case let .failure(notText) = await latin1.finish() else { return XCTFail("not text") }
        XCTAssertEqual(notText.description, "The output of `printf 'caf\\351'` is not text (it is not UTF-8); nothing was attached.")
    }

    func testAnEmptyPageIsRefusedAndTextAttachmentsAreDetachedAndResentByEditAndRetry() async throws {
        let server = try StubServer { _, _ in AttachSourcesTests.serve(Array(" \n".utf8), type: "text/plain") }
        try await onMain {
            let shell = try Harness(
                replies: [
                    ScriptedChat.text("One."), .failure(TurnFailure(.http(status: 400, code: nil), sentence: "Bad.")),
                    ScriptedChat.text("Two."),
                ],
                interactive: true,
                answers: [.line("Edited question")])
            await shell.enter("/attach http://127.0.0.1:\(server.port)/empty")
            XCTAssertEqual(shell.take().err, "error: http://127.0.0.1:\(server.port)/empty holds no text; nothing was attached.\n")
            let notes = shell.path("notes.txt")
            try "milk".write(toFile: notes, atomically: true, encoding: .utf8)
            await shell.enter("/attach \(notes) \(notes)")
            await shell.enter("/detach 2")
            XCTAssertEqual(shell.session.pendingAttachments.count, 1)
            await shell.enter("Question")
            let fenced = "\(notes):\n```\nmilk\n```\n\n"
            XCTAssertEqual(shell.chat.requests[0].messages.last?.content, .text(fenced + "Question"))
            await shell.enter("/edit 1")
            XCTAssertEqual(
                shell.chat.requests[1].messages.last?.content, .text(fenced + "Edited question"), "/edit keeps the text attached")
            await shell.enter("/retry")
            XCTAssertEqual(shell.chat.requests[2].messages.last, shell.chat.requests[1].messages.last, "/retry resends it")
        }
    }
}
