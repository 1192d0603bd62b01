import ParleyRender
import XCTest

/// When styles are on: a terminal, no `--no-color`, no non-empty `NO_COLOR` (no-color.org), not `TERM=dumb`.
final class StyleTests: XCTestCase {
    func testColourFollowsTheTerminalTheFlagAndTheConventions() {
        XCTAssertTrue(Style.enabled(environment: [:], noColorFlag: false, stdoutIsTerminal: true))
        XCTAssertFalse(Style.enabled(environment: [:], noColorFlag: true, stdoutIsTerminal: true))
        XCTAssertFalse(Style.enabled(environment: [:], noColorFlag: false, stdoutIsTerminal: false))
        XCTAssertFalse(Style.enabled(environment: ["NO_COLOR": "1"], noColorFlag: false, stdoutIsTerminal: true))
        XCTAssertTrue(
            Style.enabled(environment: ["NO_COLOR": ""], noColorFlag: false, stdoutIsTerminal: true), "set but empty: colour stays")
        XCTAssertFalse(Style.enabled(environment: ["TERM": "dumb"], noColorFlag: false, stdoutIsTerminal: true))
    }
}
