import ParleyPictures
import ParleyTerminal
import ParleyWire
import XCTest

@testable import ParleyShell

final class InlinePicturesTests: XCTestCase {
    let plain = ["TERM": "xterm-256color"]

    func testTheTerminalsAnswersDecide() {
        XCTAssertEqual(InlinePictures.choose(environment: plain, graphics: TerminalGraphics(answered: true, kitty: true)), .kitty)
        XCTAssertEqual(InlinePictures.choose(environment: plain, graphics: TerminalGraphics(answered: true, sixel: true)), .sixel)
        XCTAssertEqual(
            InlinePictures.choose(environment: plain, graphics: TerminalGraphics(answered: true, kitty: true, sixel: true)),
            .kitty, "kitty's protocol keeps full colour")
        XCTAssertNil(InlinePictures.choose(environment: plain, graphics: TerminalGraphics(answered: true)))
    }

    func testNeverGuessed() {
        XCTAssertNil(
            InlinePictures.choose(environment: ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"], graphics: TerminalGraphics()),
            "a terminal that did not answer gets no picture, whatever its environment says")
        XCTAssertNil(
            InlinePictures.choose(environment: plain, graphics: TerminalGraphics(kitty: true, sixel: true)),
            "answers without the device attributes that end them are not trusted")
    }

    func testITerm2ByItsEnvironment() {
        XCTAssertEqual(InlinePictures.choose(environment: ["TERM_PROGRAM": "iTerm.app"], graphics: TerminalGraphics()), .iterm2)
        XCTAssertEqual(
            InlinePictures.choose(environment: ["LC_TERMINAL": "iTerm2"], graphics: TerminalGraphics(answered: true, sixel: true)),
            .iterm2)
        XCTAssertNil(
            InlinePictures.choose(
                environment: ["TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-0/default,1,0"],
                graphics: TerminalGraphics(answered: true)), "not through tmux")
        XCTAssertNil(
            InlinePictures.choose(environment: ["TERM": "screen-256color", "LC_TERMINAL": "iTerm2"], graphics: TerminalGraphics()))
    }
}
