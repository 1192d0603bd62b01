import Foundation
import ParleySession
import XCTest
@testable import ParleyShell

final class InlineImagesTests: XCTestCase {
    func testOnlyTerminalsThatSaySoGetPictures() {
        XCTAssertEqual(InlineImages.protocolName(environment: ["TERM": "xterm-kitty"]), "kitty")
        XCTAssertEqual(InlineImages.protocolName(environment: ["KITTY_WINDOW_ID": "1", "TERM": "xterm-256color"]), "kitty")
        XCTAssertEqual(InlineImages.protocolName(environment: ["TERM_PROGRAM": "iTerm.app"]), "iterm2")
        XCTAssertNil(InlineImages.protocolName(environment: ["TERM": "xterm-256color"]), "never guessed")
        XCTAssertNil(InlineImages.protocolName(environment: ["TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"]), "not through tmux")
        XCTAssertNil(InlineImages.protocolName(environment: ["TERM": "screen-256color", "TERM_PROGRAM": "iTerm.app"]))
    }

    func testSequences() {
        let png = Attachment(name: "p.png", format: .png, width: 1, height: 1, data: Data(repeating: 7, count: 5000))
        let jpeg = Attachment(name: "c.jpg", format: .jpeg, width: 1, height: 1, data: Data([1, 2, 3]))
        let kitty = InlineImages.sequence(for: png, protocolName: "kitty") ?? ""
        XCTAssertTrue(kitty.hasPrefix("\u{1B}_Ga=T,f=100,r=3,m=1;"), kitty.prefix(30).debugDescription)
        XCTAssertTrue(kitty.hasSuffix("\u{1B}\\"))
        XCTAssertEqual(kitty.components(separatedBy: "\u{1B}_G").count - 1, 2, "base64 in chunks of 4096")
        XCTAssertNil(InlineImages.sequence(for: jpeg, protocolName: "kitty"), "kitty takes PNG only")
        XCTAssertEqual(InlineImages.sequence(for: jpeg, protocolName: "iterm2"), "\u{1B}]1337;File=inline=1;height=3;size=3:AQID\u{07}")
    }
}
