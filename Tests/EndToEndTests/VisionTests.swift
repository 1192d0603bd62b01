import Foundation
import TestSupport
import XCTest

/// Images attached to messages, through the built binary against the stub server.
final class VisionTests: ParleyTestCase {
    let images = ParleyProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/Images")

    func path(_ name: String) -> String { images.appendingPathComponent(name).path }

    /// The image parts of the last user message of a request.
    func imageURLs(_ request: StubServer.Request?) throws -> [String] {
        let messages = try XCTUnwrap(request?.messages)
        let parts = try XCTUnwrap(messages.last(where: { $0["role"] as? String == "user" })?["content"] as? [[String: Any]])
        XCTAssertEqual(parts.first?["type"] as? String, "text", "the text part first")
        return parts.dropFirst().compactMap { ($0["image_url"] as? [String: Any])?["url"] as? String }
    }

    func testEachGoodFormatIsSentByteExactWithItsMimeType() throws {
        let server = try StubServer { _, _ in .reply(["I see it."]) }
        let files = [("cat.jpg", "image/jpeg"), ("chart.png", "image/png"), ("anim.gif", "image/gif"), ("photo.webp", "image/webp")]
        let script = "/attach " + files.map { path($0.0) }.joined(separator: " ") + "\nWhat are these?\n"
        let result = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m"], input: script, environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("[1] cat.jpg · JPEG · 320×200 · 4.7 KB"), "piped, on stderr: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("[4] photo.webp · WebP · 320×200"), result.stderr)
        XCTAssertFalse(result.stdout.contains("For the next message"), "stdout stays the transcript")
        XCTAssertTrue(result.stdout.contains("> What are these?\n> [image: cat.jpg]"), result.stdout)
        let urls = try imageURLs(server.chats.first)
        XCTAssertEqual(urls.count, 4)
        for ((name, mime), url) in zip(files, urls) {
            let prefix = "data:\(mime);base64,"
            XCTAssertTrue(url.hasPrefix(prefix), "\(name): \(url.prefix(40))")
            XCTAssertEqual(
                Data(base64Encoded: String(url.dropFirst(prefix.count))), try Data(contentsOf: images.appendingPathComponent(name)), name)
        }
        try Schema.validate(try XCTUnwrap(server.chats.first).body, against: "CreateChatCompletionRequest")
    }

    func testBadFilesAreRefusedAndNothingIsSentWithThem() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let directory = home.appendingPathComponent("a folder")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let huge = home.appendingPathComponent("huge.png")
        var bytes = try Data(contentsOf: images.appendingPathComponent("chart.png"))
        bytes.append(Data(count: 11 * 1024 * 1024))
        try bytes.write(to: huge)
        let script =
            ["diagram.bmp", "scan.tiff", "truncated.png"].map { "/attach \(path($0))" }
            + ["/attach \(huge.path)", "/attach \(home.path)/missing.png", "/attach '\(directory.path)'", "plain question"]
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"], input: script.joined(separator: "\n") + "\n",
            environment: environment)
        XCTAssertEqual(result.status, 1)
        for words in [
            "diagram.bmp is not a JPEG, PNG, GIF or WebP image (it is a BMP)", "(it is a TIFF)",
            "truncated.png is cut off", "huge.png is 11.0 MB; images may be at most 10 MB", "missing.png does not exist",
            "is a directory",
        ] {
            XCTAssertTrue(result.stderr.contains(words), "\(words): \(result.stderr)")
        }
        let messages = try XCTUnwrap(server.chats.first?.messages)
        XCTAssertEqual(messages.first?["content"] as? String, "plain question", "sent as plain text")
    }

    func testSixImagesGiveFiveAndDetach() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let six = Array(repeating: path("pixel.png"), count: 6).joined(separator: " ")
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "/attach \(six)\n/detach 1\nhow many?\n",
            environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("at most 5 images"), result.stderr)
        XCTAssertEqual(try imageURLs(server.chats.first).count, 4)
    }

    func testPathsWithSpacesQuotedOrEscaped() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let folder = home.appendingPathComponent("my pics")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent("cat photo.jpg")
        try FileManager.default.copyItem(atPath: path("cat.jpg"), toPath: copy.path)
        let escaped = copy.path.replacingOccurrences(of: " ", with: "\\ ")
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"],
            input: "/attach \"\(copy.path)\" \(escaped) ~/my\\ pics/cat\\ photo.jpg\nthree cats\n",
            environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try imageURLs(server.chats.first).count, 3)
    }

    func testAttachmentsAreKeptAndResentExactlyAfterReopening() throws {
        let server = try StubServer { _, index in .reply(["reply \(index)"]) }
        _ = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "/attach \(path("chart.png"))\nread the chart\n",
            environment: environment)
        let again = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "-c"], input: "/history\n/regen\n", environment: environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("#1 you: read the chart [image: chart.png]"), again.stdout)
        XCTAssertEqual(server.chats.count, 2)
        XCTAssertEqual(try imageURLs(server.chats[1]), try imageURLs(server.chats[0]))
    }

    func testAModelWithoutVisionWarnsAndTheServersRefusalIsShown() throws {
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models")
                ? .response(status: 200, body: #"{"data":[{"id":"text-only","input_modalities":["text"]}]}"#)
                : .error(status: 400, code: "invalid_request_error", message: "This model does not support images")
        }
        let result = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "text-only"],
            input: "/attach \(path("cat.jpg"))\nwhat is it?\n", environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("does not take images"), result.stderr)
        XCTAssertTrue(result.stderr.contains("This model does not support images"), result.stderr)
    }

    func testADroppedFileIsOfferedAsAnAttachment() throws {
        let server = try StubServer { _, _ in .reply(["nice picture"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("'\(path("photo.webp"))' ")
        try terminal.waitFor("Attach photo.webp? [Y/n]")
        terminal.press("Enter")
        try terminal.waitFor("[1] photo.webp · WebP · 320×200")
        try terminal.waitFor("m #1 +1 image ›")
        terminal.send("describe it")
        try terminal.waitFor("nice picture")
        XCTAssertEqual(try imageURLs(server.chats.first).count, 1)
    }
}
