import XCTest

@testable import ParleyTerminal

/// What of the keys pressed while a reply streams is kept for the next prompt.
final class KeyWatcherTests: XCTestCase {
    func text(_ bytes: [UInt8]) -> String { String(decoding: KeyWatcher.text(in: bytes[...]), as: UTF8.self) }

    func testTextEnterAndBackspaceAreKept() {
        XCTAssertEqual(text(Array("and then?\r".utf8)), "and then?\r")
        XCTAssertEqual(text(Array("café ✓".utf8)), "café ✓", "UTF-8 whole")
        XCTAssertEqual(text([0x61, 0x7F, 0x08, 0x62]), "a\u{7F}\u{08}b")
    }

    func testKeySequencesCancelsAndOtherControlKeysAreDropped() {
        XCTAssertEqual(text(Array("\u{1B}[A".utf8)), "", "an arrow key")
        XCTAssertEqual(text(Array("\u{1B}n".utf8)), "", "Alt-n")
        XCTAssertEqual(text(Array("ab\u{03}cd".utf8)), "ab", "what follows Ctrl-C in the same read")
        XCTAssertEqual(text(Array("x\u{04}y\t\u{1A}".utf8)), "xy", "Ctrl-D, Tab, Ctrl-Z")
    }
}
