import Foundation
import TestSupport
import XCTest

/// Paths parley may not read or write (chmod 000, a read-only directory), with parley run as a user the
/// modes bind (nobody, when the tests run as root): a sentence each, nothing sent or written, and the
/// run fails.
final class UnreadablePathTests: XCTestCase {
    var user: Unprivileged!

    override func setUpWithError() throws {
        user = try Unprivileged()
    }

    override func tearDown() {
        user?.remove()
        super.tearDown()
    }

    func testAnUnreadableFileIsNotAttachedAndNothingIsSent() throws {
        let server = try StubServer { _, _ in .reply(["should not be asked"]) }
        let secret = try user.file("secret.txt", "the text", mode: 0)
        let locked = try user.directory("locked", mode: 0) { directory in
            try Data("inside".utf8).write(to: directory.appendingPathComponent("inside.txt"))
        }
        let inside = locked.appendingPathComponent("inside.txt").path
        let script = try user.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "/attach \(secret.path)\n/attach \(inside)\n",
            environment: user.environment)
        XCTAssertEqual(script.status, 1, script.stderr)
        let lines = script.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "a sentence each: \(script.stderr)")
        // The file in a closed directory is there, unreachable: not said to be missing.
        XCTAssertEqual(lines.map(String.init), ["error: \(secret.path) cannot be read.", "error: \(inside) cannot be read."])
        // One shot: -f, the prompt never sent.
        let oneShot = try user.run(
            ["--base-url", server.baseURL, "-m", "m", "-f", secret.path, "what is in it?"], environment: user.environment)
        XCTAssertNotEqual(oneShot.status, 0, oneShot.stderr)
        XCTAssertTrue(oneShot.stderr.contains("\(secret.path) cannot be read"), oneShot.stderr)
        XCTAssertEqual(oneShot.stdout, "")
        XCTAssertEqual(server.requests.count, 0, "nothing reached the server: \(server.requests.map(\.path))")
    }

    func testSaveIntoAPlaceItCannotWriteSaysSoAndWritesNothing() throws {
        let server = try StubServer { _, _ in .reply(["a reply"]) }
        let readOnly = try user.directory("read-only", mode: 0o500) { directory in
            try Data("kept".utf8).write(to: directory.appendingPathComponent("old.md"))
        }
        try user.own(readOnly.appendingPathComponent("old.md"), mode: 0)
        let closed = try user.directory("closed", mode: 0)
        let unreadable = try user.file("unreadable.md", "kept", mode: 0)
        let targets = [
            readOnly.appendingPathComponent("new.md").path, closed.appendingPathComponent("new.md").path,
            readOnly.appendingPathComponent("old.md").path + " --force", unreadable.path,
        ]
        let result = try user.run(
            ["--base-url", server.baseURL, "-m", "m"], input: "hi\n" + targets.map { "/save \($0)\n" }.joined(),
            environment: user.environment)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(server.chats.count, 1, "the message before was sent")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, targets.count, "a sentence each: \(result.stderr)")
        XCTAssertEqual(
            lines,
            targets.dropLast().map { "error: Cannot write \($0.replacingOccurrences(of: " --force", with: "")): Permission denied." }
                + ["error: \(unreadable.path) exists; /save \(unreadable.path) --force replaces it."])
        XCTAssertFalse(result.stdout.contains("Saved"), result.stdout)
        // Nothing written: no new file, no temporary left behind, the old files as they were.
        for directory in [readOnly, user.home] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            XCTAssertFalse(names.contains { $0.hasPrefix(".") || $0 == "new.md" }, "\(directory.path): \(names)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: closed.appendingPathComponent("new.md").path))
        for file in [readOnly.appendingPathComponent("old.md"), unreadable] {
            XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "kept", file.path)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
            XCTAssertEqual(mode?.intValue, 0, "\(file.path) keeps its mode")
        }
    }

    /// A data directory parley may not write (nor make writable: it is another user's): it still chats,
    /// and says once that history is not saved.
    func testAnUnwritableDataDirectoryStillChatsAndSaysSoOnce() throws {
        let server = try StubServer { _, _ in .reply(["still here"]) }
        let data = try user.othersDirectory("not-yours")
        let before = try FileManager.default.contentsOfDirectory(atPath: data.path)
        var environment = user.environment
        environment["PARLEY_HOME"] = data.path
        let result = try user.run(["--base-url", server.baseURL, "-m", "m"], input: "one\ntwo\n", environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "still here").count - 1, 2, result.stdout)
        XCTAssertTrue(result.stderr.hasPrefix("warning: History is not being saved"), "a warning, not an error: \(result.stderr)")
        XCTAssertEqual(result.stderr.components(separatedBy: "History is not being saved").count - 1, 1, result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path), before, "nothing written there")
        XCTAssertEqual(server.chats.count, 2)
    }

    func testAnUnreadableConfigFileIsRefusedWithItsPath() throws {
        let server = try StubServer { _, _ in .reply(["should not be asked"]) }
        let named = try user.file("config.toml", "[profiles.x]\nmodel = \"m\"\n", mode: 0)
        let configHome = try user.directory("xdg", mode: 0o700)
        let parleyConfig = try user.directory("xdg/parley", mode: 0o700)
        let found = try user.file("xdg/parley/config.toml", "[profiles.x]\nmodel = \"m\"\n", mode: 0)
        XCTAssertEqual(parleyConfig.path, found.deletingLastPathComponent().path)
        for (variable, value, path) in [("PARLEY_CONFIG", named.path, named.path), ("XDG_CONFIG_HOME", configHome.path, found.path)] {
            var environment = user.environment
            environment[variable] = value
            let result = try user.run(["--base-url", server.baseURL, "-m", "m", "hi"], environment: environment)
            XCTAssertEqual(result.status, 64, "\(variable): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one sentence: \(result.stderr)")
            XCTAssertTrue(
                result.stderr.hasPrefix("error: The config file \(path) cannot be read: Permission denied."),
                "\(variable): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
        XCTAssertEqual(server.requests.count, 0, "nothing reached the server")
    }
}
