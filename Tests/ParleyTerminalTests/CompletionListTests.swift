import XCTest

@testable import ParleyTerminal

final class CompletionListTests: XCTestCase {
    func testPathsAreListedByTheirNamesInColumnsReadDownwards() {
        let candidates =
            ["anim.gif", "cat.jpg", "chart.png", "diagram.bmp", "not-really.png", "photo.webp", "pixel.png"]
            .map { "~/fixtures/images/" + $0 } + ["~/fixtures/images/raw/"]
        XCTAssertEqual(
            CompletionList.lines(candidates, width: 50),
            [
                "anim.gif        diagram.bmp     pixel.png",
                "cat.jpg         not-really.png  raw/",
                "chart.png       photo.webp",
            ])
        // Narrower: fewer columns; never wider than the terminal while a name fits.
        let narrow = CompletionList.lines(candidates, width: 33)
        XCTAssertEqual(narrow.first, "anim.gif        not-really.png")
        XCTAssertTrue(narrow.allSatisfy { $0.count <= 33 }, "\(narrow)")
        XCTAssertEqual(CompletionList.lines(candidates, width: 10).count, candidates.count, "one a line when no two fit")
    }

    func testCommandsAndModelsKeepTheirWholeWord() {
        XCTAssertEqual(CompletionList.lines(["/settings", "/search"], width: 80), ["/settings  /search"])
        XCTAssertEqual(CompletionList.lines(["gpt-4o", "gpt-4o-mini", "SmolLM2"], width: 80), ["gpt-4o       gpt-4o-mini  SmolLM2"])
        // Names under one directory, typed from the root: the shared directory is dropped, as for any path.
        XCTAssertEqual(CompletionList.lines(["/etc/hosts", "/etc/hostname"], width: 80), ["hosts     hostname"])
        XCTAssertEqual(CompletionList.lines(["/bin", "/boot/"], width: 80), ["/bin    /boot/"])
    }

    func testTheCommonStart() {
        XCTAssertEqual(CompletionList.commonPrefix(["/settings", "/search"]), "/se")
        XCTAssertEqual(CompletionList.commonPrefix(["a", "b"]), "")
        XCTAssertEqual(CompletionList.commonPrefix([]), "")
    }
}
