import Foundation
import XCTest

@testable import ParleyContext

final class HTMLTextTests: XCTestCase {
    static let documents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/documents")

    func readable(_ html: String, charset: String? = nil) throws -> String {
        try XCTUnwrap(HTMLText.readable(Array(html.utf8), charset: charset)).text
    }

    func testTheSharedPageKeepsTitleHeadingsParagraphsAndListsButNoScriptStyleOrNavigation() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.documents.appendingPathComponent("page.html")))
        let page = try XCTUnwrap(HTMLText.readable(bytes))
        XCTAssertEqual(page.title, "Lake survey")
        XCTAssertEqual(
            page.text,
            """
            # Lake survey

            # Lake survey 2026

            The survey counted 317 pelicans and 42 herons.

            - North shore: 200
            - South shore: 117
            """)
        for left in ["do-not-include", "color:red", "Home | About"] { XCTAssertFalse(page.text.contains(left), left) }
    }

    func testLinksKeepTheirAddressAndRelativeOnesTheirTextOnly() throws {
        let text = try readable(
            #"<p>See <a href="https://example.org/a">the spec</a>, <a href="/local">here</a> and <a href="https://x.org">https://x.org</a>.</p>"#
        )
        XCTAssertEqual(text, "See the spec (https://example.org/a), here and https://x.org.")
    }

    func testTablesBecomeRowsWithARuleUnderHeaderCells() throws {
        let text = try readable(
            "<table><tr><th>name</th><th>count</th></tr><tr><td>pelican</td><td>317</td></tr><tr><td>a|b</td><td><b>42</b></td></tr></table>"
        )
        XCTAssertEqual(text, "| name | count |\n| --- | --- |\n| pelican | 317 |\n| a\\|b | 42 |")
    }

    func testPreformattedTextKeepsItsSpacesAndLines() throws {
        let text = try readable("<p>Run:</p><pre>def f():\n    return  1\n</pre>")
        XCTAssertEqual(text, "Run:\n\n```\ndef f():\n    return  1\n```")
    }

    func testWhiteSpaceCollapsesAsABrowserShowsItAndBreaksStay() throws {
        XCTAssertEqual(try readable("<p>  one\n   two <b>three</b><i>four</i><br>five </p>"), "one two threefour\nfive")
    }

    func testNumberedAndNestedLists() throws {
        let text = try readable("<ol><li>first<ul><li>inner</li></ul></li><li>second</li></ol>")
        XCTAssertEqual(text, "1. first\n  - inner\n2. second")
    }

    func testBrokenHTMLIsReadAnyway() throws {
        XCTAssertEqual(try readable("<p>unclosed <b>bold<p>next &amp; last"), "unclosed bold\n\nnext & last")
    }

    func testTheServersCharsetIsUsedForALatin1Page() throws {
        let latin1: [UInt8] = Array("<p>caf".utf8) + [0xE9] + Array("</p>".utf8)
        XCTAssertEqual(try XCTUnwrap(HTMLText.readable(latin1, charset: "iso-8859-1")).text, "café")
    }
}
