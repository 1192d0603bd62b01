import XCTest

@testable import ParleyTerminal

final class PastedTextTests: XCTestCase {
    func testLineEndsBecomeNewlinesAndControlsGo() {
        let pasted = Array("one\r\ntwo\rthree\nfour\tfive\u{1B}[31m six\u{7F}\u{07}".utf8)
        XCTAssertEqual(LineEditor.pastedText(pasted), "one\ntwo\nthree\nfour\tfive[31m six")
    }
}
