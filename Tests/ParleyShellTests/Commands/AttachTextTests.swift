import Foundation
import ParleyHTTP
import ParleySession
import ParleyStore
import ParleyWire
import XCTest

@testable import ParleyShell

/// `/attach` of text, code and PDFs: told by content, refused with a sentence, sent fenced before the
/// message, kept with it and resent as it was.
final class AttachTextTests: XCTestCase {
    static let documents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "shared/fixtures/documents")

    static func document(_ name: String) -> String { documents.appendingPathComponent(name).path }

    func testCodeAndTextGoFencedBeforeTheMessageAndAreResentAsTheyWere() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("One."), ScriptedChat.text("Two.")], interactive: true)
            await shell.enter("/attach \(Self.document("sample.py")) \(Self.document("scores.csv"))")
            let said = shell.take()
            XCTAssertEqual(said.err, "")
            XCTAssertTrue(said.out.hasPrefix("For the next message:\n  [1] \(Self.document("sample.py")) · text · "), said.out)
            XCTAssertTrue(said.out.contains(" tokens\n  [2] \(Self.document("scores.csv")) · text · "), said.out)
            XCTAssertEqual(shell.shell.attachmentsBadge, " +2 attached")
            await shell.enter("What is the best score?")
            let python = try String(contentsOfFile: Self.document("sample.py"), encoding: .utf8)
            let csv = try String(contentsOfFile: Self.document("scores.csv"), encoding: .utf8)
            let expected =
                "\(Self.document("sample.py")):\n```python\n\(python.trimmingCharacters(in: .newlines))\n```\n\n"
                + "\(Self.document("scores.csv")):\n```csv\n\(csv.trimmingCharacters(in: .newlines))\n```\n\nWhat is the best score?"
            XCTAssertEqual(shell.chat.requests.first?.messages.last?.content, .text(expected))
            XCTAssertTrue(shell.session.pendingAttachments.isEmpty, "sent with that message only")
            await shell.enter("/regen")
            XCTAssertEqual(shell.chat.requests.count, 2)
            XCTAssertEqual(shell.chat.requests[1].messages.last, shell.chat.requests[0].messages.last, "/regen resends them")
            // Kept in the store, once, and read back to the same request.
            let id = try XCTUnwrap(shell.shell.keeper.conversationID)
            let stored = try XCTUnwrap(shell.store?.messages(in: id).first)
            XCTAssertEqual(stored.attachments.map(\.format), ["text/file", "text/file"])
            XCTAssertEqual(ConversationKeeper.message(stored).wire, shell.chat.requests[0].messages.last)
        }
    }

    func testAPDFsTextIsReadByPdftotext() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("317.")], interactive: true)
            await shell.enter("/attach \(Self.document("report.pdf"))")
            XCTAssertTrue(shell.take().out.contains("report.pdf · PDF text · "))
            await shell.enter("How many pelicans?")
            guard case let .text(sent)? = shell.chat.requests.last?.messages.last?.content else { return XCTFail("nothing sent") }
            XCTAssertTrue(sent.hasPrefix("\(Self.document("report.pdf")) (PDF text):\n```\n"), sent)
            XCTAssertTrue(sent.contains("The pelican count at the lake was 317."), sent)
        }
    }

    func testFilesThatAreNotUTF8TextAreRefusedWithWhatTheyAreAndNothingIsAttached() async throws {
        try await onMain {
            let shell = try Harness(interactive: true)
            for (name, sentence) in [
                (
                    "latin1.txt",
                    "latin1.txt is not UTF-8; it seems to be Latin-1 (ISO-8859-1). Convert it first: iconv -f LATIN1 -t UTF-8 \(Self.document("latin1.txt")) > \(Self.document("latin1.utf8.txt"))"
                ),
                ("blob.bin", "blob.bin is not text: it seems to be binary data. Text, code, PDFs and images can be attached."),
            ] {
                await shell.enter("/attach \(Self.document(name))")
                XCTAssertEqual(shell.take().err, "error: \(sentence)\n", name)
            }
            let quoted = shell.path("Bob's notes.txt")
            try Data([0x63, 0x61, 0x66, 0xE9]).write(to: URL(fileURLWithPath: quoted))
            await shell.enter("/attach '\(shell.directory.path)/Bob'\\''s notes.txt'")
            XCTAssertTrue(
                shell.take().err.hasSuffix(
                    #"-t UTF-8 '\#(shell.directory.path)/Bob'\''s notes.txt' > '\#(shell.directory.path)/Bob'\''s notes.utf8.txt'"# + "\n"),
                "the line to paste is quoted for the shell")
            await shell.enter("/attach \(shell.directory.path)")
            XCTAssertEqual(
                shell.take().err, "error: \(shell.directory.path) is a directory; attach its files with \(shell.directory.path)/*.\n")
            XCTAssertTrue(shell.session.pendingAttachments.isEmpty)
        }
    }

    func testTextOverTheLimitIsRefusedAndTheFlagRaisesIt() async throws {
        try await onMain {
            let shell = try Harness(interactive: true) { $0.attachLimit = 0.001 }
            let big = shell.path("big.txt")
            try String(repeating: "x", count: 2000).write(toFile: big, atomically: true, encoding: .utf8)
            await shell.enter("/attach \(big)")
            XCTAssertEqual(shell.take().err, "error: big.txt is 2.0 KB; text may be at most 1.0 KB (--attach-limit raises it).\n")
            let raised = try Harness(interactive: true) { $0.attachLimit = 0.01 }
            await raised.enter("/attach \(big)")
            XCTAssertEqual(raised.session.pendingAttachments.count, 1)
        }
    }

    func testGlobsExpandLikeAShellsAndAGlobThatMatchesNothingIsSaid() async throws {
        try await onMain {
            let shell = try Harness(interactive: true)
            for name in ["b.md", "a.md", "c.txt"] { try "# \(name)".write(toFile: shell.path(name), atomically: true, encoding: .utf8) }
            await shell.enter("/attach \(shell.path("*.md"))")
            XCTAssertEqual(shell.session.pendingAttachments.map(\.name), [shell.path("a.md"), shell.path("b.md")])
            await shell.enter("/attach \(shell.path("*.swift"))")
            XCTAssertEqual(shell.take().err, "error: No file matches \(shell.path("*.swift")).\n")
        }
    }

    func testHistorySaveAndTheJSONExportShowWhereTextCameFrom() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("Milk.")], interactive: true)
            let notes = shell.path("notes.txt")
            try "milk\neggs\n".write(toFile: notes, atomically: true, encoding: .utf8)
            await shell.enter("/attach \(notes)")
            await shell.enter("What to buy?")
            _ = shell.take()
            await shell.enter("/history")
            XCTAssertTrue(shell.take().out.hasPrefix("#1 you: What to buy? [text: \(notes)]\n"))
            await shell.enter("/save \(shell.path("chat.md"))")
            let markdown = try String(contentsOfFile: shell.path("chat.md"), encoding: .utf8)
            XCTAssertTrue(markdown.contains("## You\n\n[text: \(notes)]\n\nWhat to buy?\n"), markdown)
            XCTAssertFalse(markdown.contains("eggs"), "the Markdown shows the source, not the text")
            await shell.enter("/save \(shell.path("chat.json"))")
            let object =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: shell.path("chat.json")))) as? [String: Any]
            let first = (object?["messages"] as? [[String: Any]])?.first
            let attachments = try XCTUnwrap(first?["attachments"] as? [[String: Any]])
            XCTAssertEqual(attachments.first?["source"] as? String, notes)
            XCTAssertEqual(attachments.first?["kind"] as? String, "file")
            XCTAssertEqual(attachments.first?["text"] as? String, "milk\neggs\n", "the JSON carries the text")
        }
    }

    func testALargeTotalIsSaidAndCodeSnippetsCarryTheText() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("ok")], interactive: true)
            let log = shell.path("server.log")
            try String(repeating: "GET /index.html 200 marker-line\n", count: 1200).write(toFile: log, atomically: true, encoding: .utf8)
            await shell.enter("/attach \(log)")
            let said = shell.take().out
            XCTAssertTrue(said.contains("server.log · text · 37.5 KB · ~9.6k tokens\n"), said)
            XCTAssertTrue(said.hasSuffix("  In all ~9.6k tokens of text: check that the model's context holds it.\n"), said)
            await shell.enter("Any errors?")
            _ = shell.take()
            await shell.enter("/code")
            XCTAssertTrue(shell.take().out.contains("marker-line"), "the snippets repeat the request, text and all")
        }
    }

    func testAPDFOverItsLimitAndAMissingPdftotextAreSaid() async throws {
        try await onMain {
            let shell = try Harness(interactive: true)
            let big = shell.path("big.pdf")
            var bytes = Data("%PDF-1.4\n".utf8)
            bytes.append(Data(count: 21 * 1024 * 1024))
            try bytes.write(to: URL(fileURLWithPath: big))
            await shell.enter("/attach \(big)")
            XCTAssertEqual(shell.take().err, "error: big.pdf is 21.0 MB; a PDF may be at most 20.0 MB (--attach-limit raises it).\n")
        }
        let without = LiveContextSources(
            transport: CurlTransport(userAgent: "t"), connectTimeout: 1, idleTimeout: 1, path: "/nonexistent", shell: "/bin/sh")
        let result = await without.pdfText(path: AttachTextTests.document("report.pdf"), name: "report.pdf")
        XCTAssertEqual(
            result,
            .failure(AttachmentError("Reading a PDF's text needs pdftotext, from the package poppler-utils (apt install poppler-utils).")))
    }
}
