import Foundation
import TestSupport
import XCTest

/// The line editor as libedit users expect it: `~/.editrc` (vi mode), Ctrl-X Ctrl-E in `$EDITOR`.
final class LineEditingTests: ParleyTestCase {
    func write(_ text: String, to name: String) throws -> String {
        let path = home.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testEditrcWithBindVGivesViModeAndEscGoesToCommandMode() throws {
        _ = try write("# parley in vi mode\nparley:bind -v\nsh:bind -e\n", to: ".editrc")
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("hello")
        terminal.press("Escape")
        terminal.type("0iX")
        terminal.press("Enter")
        try terminal.waitFor("#3 ›")
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "Xhello", "Esc, 0, i, X: inserted at the start")
    }

    func testAnEditrcLineLibeditRefusesIsSaidOnceAndTheRestIsRead() throws {
        _ = try write("bind -k nonsense nothing\nno-such-command here\nbind -v\n", to: ".editrc")
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        let screen = terminal.screen().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(
            screen.contains(".editrc line 1 (bind -k nonsense nothing) is not a libedit command; the other lines were read."), screen)
        XCTAssertFalse(screen.contains("line 2"), "said once")
        terminal.type("abc")
        terminal.press("Escape")
        terminal.type("0iY")
        terminal.press("Enter")
        try terminal.waitFor("#3 ›")
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "Yabc", "bind -v after the bad lines still counts")
    }

    func testCtrlXCtrlEOpensTheLineInTheEditorAndItsTextComesBackForReview() throws {
        let script = try write(
            "#!/bin/sh\n{ cat \"$1\"; printf ' and more\\nsecond line\\n'; } > \"$1.new\" && mv \"$1.new\" \"$1\"\n", to: "editor")
        chmod(script, 0o700)
        environment["EDITOR"] = script
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("draft")
        terminal.press("C-x", "C-e")
        try terminal.waitFor("second line")
        terminal.press("Enter")
        try terminal.waitFor("#3 ›")
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "draft and more\nsecond line")
    }

    func testAnEditorThatFailsLeavesTheLineAsItWas() throws {
        environment["VISUAL"] = "false"
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.type("keep me")
        terminal.press("C-x", "C-e")
        try terminal.waitFor("false ended with exit status 1; nothing was taken from it.")
        terminal.press("Enter")
        try terminal.waitFor("#3 ›")
        XCTAssertEqual(server.chats.first?.messages?.last?["content"] as? String, "keep me")
    }
}
