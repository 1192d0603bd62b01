import Foundation
import TestSupport
import XCTest

/// Code in replies, on a real terminal's screen: coloured by its language, and never broken.
final class HighlightTests: ParleyTestCase {
    static let reply = [
        "Here:\n", "```python\n", "# add two numbers\n", "def add(a, b):\n", "    return a + b  ", "# the sum\n",
        "print(add(1, \"two\"))\n", "```\n", "Done.\n",
    ]

    /// The colour codes (SGR 30–37 and dim) set inside the screen's Python block.
    func colours(in screen: String) -> Set<String> {
        guard let start = screen.range(of: "python"), let end = screen.range(of: "╰─", range: start.upperBound..<screen.endIndex) else {
            return []
        }
        let block = String(screen[start.upperBound..<end.lowerBound])
        let pattern = try! NSRegularExpression(pattern: "\u{1B}\\[([0-9;]*)m")
        var found: Set<String> = []
        for match in pattern.matches(in: block, range: NSRange(block.startIndex..., in: block)) {
            let codes = (block as NSString).substring(with: match.range(at: 1)).split(separator: ";").map(String.init)
            found.formUnion(codes.filter { $0 == "2" || (30...37).contains(Int($0) ?? 0) })
        }
        return found
    }

    func testAPythonReplyShowsItsCodeInAtLeastThreeColours() throws {
        let server = try StubServer { _, _ in .reply(HighlightTests.reply) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("show me")
        try terminal.waitFor("#3 ›")
        let found = colours(in: terminal.screen(escapes: true))
        XCTAssertGreaterThanOrEqual(found.count, 3, "colours in the code block: \(found.sorted())")
        XCTAssertTrue(terminal.screen().contains("def add(a, b):"), "the code as it was")
    }

    func testNoColorShowsTheCodeWithoutAny() throws {
        environment["NO_COLOR"] = "1"
        let server = try StubServer { _, _ in .reply(HighlightTests.reply) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m"])
        terminal.send("show me")
        try terminal.waitFor("#3 ›")
        XCTAssertEqual(colours(in: terminal.screen(escapes: true)), [])
        XCTAssertTrue(terminal.screen().contains("print(add(1, \"two\"))"))
    }
}
