import XCTest
@testable import ParleyShell

/// How list commands fit a line of the terminal.
final class ListingTests: XCTestCase {
    func testASearchHitShowsThePartOfTheLineWithTheMatch() {
        let line = "The tides rise and fall twice a day because the moon pulls on the oceans of the earth"
        XCTAssertEqual(Shell.excerpt(of: line, around: ["tides"], room: 100), line, "a line that fits is whole")
        XCTAssertEqual(Shell.excerpt(of: line, around: ["tides"], room: 30), "The tides rise and fall twice…")
        let far = Shell.excerpt(of: line, around: ["OCEANS"], room: 30)
        XCTAssertEqual(far.count, 30)
        XCTAssertTrue(far.hasPrefix("…") && far.lowercased().contains("oceans"), far)
        XCTAssertEqual(Shell.excerpt(of: line, around: ["earth"], room: 30), "…ls on the oceans of the earth", "the end is not cut")
        XCTAssertEqual(Shell.excerpt(of: line, around: ["absent"], room: 30), "The tides rise and fall twice…")
    }

    func testCutKeepsTheLengthWithAnEllipsis() {
        XCTAssertEqual("abcdef".cut(to: 6), "abcdef")
        XCTAssertEqual("abcdef".cut(to: 4), "abc…")
    }
}
