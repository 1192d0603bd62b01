import Foundation
import ParleyCommands
import XCTest

@testable import ParleyShell

/// What the fuzz target FuzzCommands (`make fuzz`, Fuzz/Commands) found in the command parser.
final class CommandFuzzFindingsTests: XCTestCase {
    /// FuzzCommands: a path that starts with a combining mark (U+0657), completed in a word begun with
    /// a quote, read back with the quote in it: the quote and the mark made one Character, which the
    /// path words took for a letter.
    func testAPathStartingWithACombiningMarkReadsBackInQuotes() {
        let path = String(decoding: [0xD9, 0x97] + Array("--yes".utf8) + [0x97] + Array("ve".utf8), as: UTF8.self)
        for start in ["", "'", "\""] {
            let typed = PathWords.typed(path, like: start + "x")
            XCTAssertEqual(PathWords.lastWord("/attach " + typed).value, path, "begun with \(start): \(typed)")
            XCTAssertEqual(PathWords.split(typed), [path], "begun with \(start)")
        }
        // A quote inside the path, a combining mark after it.
        let quoted = "it'\u{301}s.png"
        XCTAssertEqual(PathWords.split(PathWords.typed(quoted, like: "'")), [quoted])
        XCTAssertEqual(PathWords.split(PathWords.typed(quoted, like: "")), [quoted])
    }

    /// The same cause in `/attach`'s words: a space that a combining mark follows still ends a word.
    func testASpaceBeforeACombiningMarkStillSplitsWords() {
        XCTAssertEqual(PathWords.split("a.png \u{301}b.png"), ["a.png", "\u{301}b.png"])
        XCTAssertEqual(PathWords.split("'\u{301}a b'"), ["\u{301}a b"])
    }

    /// FuzzCommands: a `//` line with a tab, a form feed or a carriage return before it was taken for a
    /// message beginning with a slash, but its first character was dropped instead of the slash: only
    /// spaces were counted before it.
    func testASlashSlashLineAfterOtherWhitespaceSendsOneSlash() {
        let found = String(decoding: Data(base64Encoded: "DAwNDAwMDC8vLS1mb3JjZQwMMAwMDAw=")!, as: UTF8.self)
        guard case let .message(text) = SlashCommands.parse(found) else { return XCTFail("not a message") }
        XCTAssertEqual(text, "/--force\u{0C}\u{0C}0\u{0C}\u{0C}\u{0C}\u{0C}")
        guard case let .message(tabbed) = SlashCommands.parse("\t //etc is a folder") else { return XCTFail("not a message") }
        XCTAssertEqual(tabbed, "/etc is a folder")
    }
}
