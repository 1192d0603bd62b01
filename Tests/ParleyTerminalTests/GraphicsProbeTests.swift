import XCTest

@testable import ParleyTerminal

final class GraphicsProbeTests: XCTestCase {
    func testTheQueryEndsWithDeviceAttributes() {
        XCTAssertTrue(GraphicsProbe.query.hasSuffix("\u{1B}[c"), "the one query every terminal answers comes last")
    }

    func testKitty() {
        let reply = Array("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[6;17;8t\u{1B}[?62;c".utf8)
        XCTAssertEqual(
            GraphicsProbe.parse(reply),
            TerminalGraphics(answered: true, kitty: true, sixel: false, cellWidth: 8, cellHeight: 17))
    }

    func testSixelTerminalsSayFour() {
        XCTAssertEqual(GraphicsProbe.parse(Array("\u{1B}[?62;4;6;22c".utf8)), TerminalGraphics(answered: true, sixel: true))
        XCTAssertEqual(
            GraphicsProbe.parse(Array("\u{1B}[?64;1;2;6;9;15;18;21;22c".utf8)), TerminalGraphics(answered: true),
            "no 4, no sixel (14 or 44 are not 4 either)")
        XCTAssertEqual(GraphicsProbe.parse(Array("\u{1B}[?1;2;44c".utf8)).sixel, false)
    }

    func testTmuxAndOtherPlainTerminals() {
        XCTAssertEqual(GraphicsProbe.parse(Array("\u{1B}[?1;2c".utf8)), TerminalGraphics(answered: true))
    }

    func testAKittyErrorIsNotKitty() {
        XCTAssertFalse(GraphicsProbe.parse(Array("\u{1B}_Gi=31;ENOTSUPPORTED:x\u{1B}\\\u{1B}[?62c".utf8)).kitty)
        XCTAssertFalse(GraphicsProbe.parse(Array("\u{1B}_Gi=7;OK\u{1B}\\\u{1B}[?62c".utf8)).kitty, "another image's answer")
    }

    func testSilenceAndNoiseAreNoAnswer() {
        XCTAssertEqual(GraphicsProbe.parse([]), TerminalGraphics())
        XCTAssertFalse(GraphicsProbe.hasDeviceAttributes(Array("abc\u{1B}[?62;4".utf8)), "cut short")
        XCTAssertEqual(GraphicsProbe.parse(Array("typed keys\u{1B}[Aand an arrow".utf8)), TerminalGraphics())
        XCTAssertTrue(GraphicsProbe.hasDeviceAttributes(Array("x\u{1B}[?62;4c".utf8)))
    }

    func testKeysTypedWhileTheTerminalAnswersAreKeptInOrder() {
        let read = Array("what\u{1B}_Gi=31;OK\u{1B}\\ is\u{1B}[6;17;8t it\u{1B}[D?\u{1B}[?62;4c".utf8)
        XCTAssertEqual(
            String(decoding: GraphicsProbe.typed(in: read), as: UTF8.self), "what is it\u{1B}[D?",
            "the answers go; the words and the arrow key stay")
        XCTAssertEqual(GraphicsProbe.typed(in: Array("\u{1B}[?1;2c".utf8)), [], "an answer alone")
        XCTAssertEqual(String(decoding: GraphicsProbe.typed(in: Array("no answer".utf8)), as: UTF8.self), "no answer")
    }
}
