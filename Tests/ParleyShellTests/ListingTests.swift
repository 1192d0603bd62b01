import ParleyWire
import XCTest

@testable import ParleyShell

/// How list commands fit a line of the terminal.
final class ListingTests: XCTestCase {
    func testASearchHitShowsThePartOfTheLineWithTheMatch() {
        let line = "The tides rise and fall twice a day because the moon pulls on the oceans of the earth"
        XCTAssertEqual(SearchCommand.excerpt(of: line, around: ["tides"], room: 100), line, "a line that fits is whole")
        XCTAssertEqual(SearchCommand.excerpt(of: line, around: ["tides"], room: 30), "The tides rise and fall twice…")
        let far = SearchCommand.excerpt(of: line, around: ["OCEANS"], room: 30)
        XCTAssertEqual(far.count, 30)
        XCTAssertTrue(far.hasPrefix("…") && far.lowercased().contains("oceans"), far)
        XCTAssertEqual(SearchCommand.excerpt(of: line, around: ["earth"], room: 30), "…ls on the oceans of the earth", "the end is not cut")
        XCTAssertEqual(SearchCommand.excerpt(of: line, around: ["absent"], room: 30), "The tides rise and fall twice…")
    }

    func testCutKeepsTheLengthWithAnEllipsis() {
        XCTAssertEqual("abcdef".cut(to: 6), "abcdef")
        XCTAssertEqual("abcdef".cut(to: 4), "abc…")
    }

    func testWideCharactersCountTheColumnsTheyTake() {
        // Six CJK characters are twelve columns.
        XCTAssertEqual("東京の天気予報".cut(to: 14), "東京の天気予報")
        XCTAssertEqual("東京の天気予報".cut(to: 9), "東京の天…", "four wide characters and the ellipsis: nine columns")
        XCTAssertEqual("東京の天気予報".cut(to: 8), "東京の…", "a wide character that would cross the edge is left out")
        XCTAssertEqual("café".cut(to: 4), "café", "a combining accent takes no column")
        let line = "今日は東京で雨が降っていますが、明日は晴れるでしょう。"
        let hit = SearchCommand.excerpt(of: line, around: ["明日"], room: 20)
        XCTAssertLessThanOrEqual(hit.terminalColumns, 20, hit)
        XCTAssertTrue(hit.contains("明日"), hit)
    }
}
