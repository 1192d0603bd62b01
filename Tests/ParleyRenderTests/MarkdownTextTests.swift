import XCTest

@testable import ParleyRender

final class MarkdownTextTests: XCTestCase {
    func testTheLastCodeBlockWithoutFences() {
        let reply = "First:\n```python\nprint(1)\n```\nThen:\n```swift\nlet a = 1\nlet b = \"```\"\n```\nDone."
        XCTAssertEqual(MarkdownText.lastCodeBlock(in: reply), "let a = 1\nlet b = \"```\"")
        XCTAssertNil(MarkdownText.lastCodeBlock(in: "no code here"))
        XCTAssertEqual(MarkdownText.lastCodeBlock(in: "~~~\nunclosed"), "unclosed")
    }

    func testPlainTextForSpeech() {
        let reply = "# Title\nSome **bold** and *italic* `code`, a [link](https://x.y).\n- item one\n> quoted\n```\nskip fences\n```\n---"
        XCTAssertEqual(MarkdownText.plain(reply), "Title\nSome bold and italic code, a link.\nitem one\nquoted\nskip fences")
    }

    func testPiecesStayUnderTheLimitAndCutAtSentences() {
        let text = String(repeating: "This is a sentence. ", count: 500)
        let pieces = MarkdownText.pieces(text, limit: 4000)
        XCTAssertGreaterThan(pieces.count, 2)
        XCTAssertTrue(pieces.allSatisfy { $0.count <= 4000 })
        XCTAssertTrue(pieces.dropLast().allSatisfy { $0.hasSuffix(".") })
        XCTAssertEqual(pieces.joined(separator: " "), text.trimmingCharacters(in: Set<Character>.whitespaces))
    }
}
