import Foundation
import ParleyWire
import XCTest

@testable import ParleySession

/// Text attachments: what a file is, told by its bytes; how text goes to the model.
final class TextAttachmentTests: XCTestCase {
    static let documents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/documents")

    func classify(_ name: String) throws -> ContentSniffer.Found {
        ContentSniffer.classify(try [UInt8](Data(contentsOf: Self.documents.appendingPathComponent(name))))
    }

    func testTheSharedDocumentsAreToldByTheirContent() throws {
        for name in ["notes.md", "sample.py", "scores.csv", "page.html"] {
            guard case .text = try classify(name) else { return XCTFail("\(name) is text") }
        }
        XCTAssertEqual(try classify("report.pdf"), .pdf)
        XCTAssertEqual(try classify("latin1.txt"), .otherEncoding(name: "Latin-1 (ISO-8859-1)", iconv: "LATIN1"))
        XCTAssertEqual(try classify("blob.bin"), .binary("binary data"))
    }

    func testSignaturesNameWhatABinaryIsAndNamesDoNotCount() {
        XCTAssertEqual(ContentSniffer.classify([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]), .binary("an ELF executable or library"))
        XCTAssertEqual(ContentSniffer.classify([0x1F, 0x8B, 8, 0]), .binary("gzip-compressed data"))
        XCTAssertEqual(ContentSniffer.classify(Array("BM6\0\0".utf8)), .otherImage("a BMP"))
        XCTAssertEqual(ContentSniffer.classify([0xFF, 0xFE, 0x41, 0x00]), .otherEncoding(name: "UTF-16", iconv: "UTF-16"))
        XCTAssertEqual(
            ContentSniffer.classify(Array("price: ".utf8) + [0x80, 0x20, 0x35]), .otherEncoding(name: "Windows-1252", iconv: "WINDOWS-1252")
        )
        XCTAssertEqual(ContentSniffer.classify([0xEF, 0xBB, 0xBF] + Array("héllo".utf8)), .text("héllo"), "a byte-order mark is dropped")
        XCTAssertEqual(ContentSniffer.classify(Array("%PDF-1.4 but named notes.txt".utf8)), .pdf)
    }

    func testTextGoesFencedBeforeTheMessageWithItsLanguage() {
        let code = Attachment(name: "src/main.py", text: "print('hi')\n", source: .file, language: CodeLanguage.tag(forPath: "src/main.py"))
        let page = Attachment(name: "https://example.org", text: "# Title\n\nBody", source: .page)
        let message = Message(role: .user, text: "What does it print?", attachments: [code, page])
        XCTAssertEqual(
            message.wire.content,
            .text(
                "src/main.py:\n```python\nprint('hi')\n```\n\nhttps://example.org (web page):\n```\n# Title\n\nBody\n```\n\nWhat does it print?"
            ))
    }

    func testAFenceIsLongerThanAnyRunOfBackticksInside() {
        let markdown = Attachment(name: "notes.md", text: "before\n````swift\nlet x = 1\n````\nafter", source: .file, language: "markdown")
        XCTAssertEqual(markdown.fencedText, "notes.md:\n`````markdown\nbefore\n````swift\nlet x = 1\n````\nafter\n`````")
    }

    func testWithImagesTheTextsLeadTheFirstPartAndTheImagesFollow() throws {
        let image = Attachment(name: "pixel.png", format: .png, width: 1, height: 1, data: Data([0x89, 0x50]))
        let notes = Attachment(name: "notes.txt", text: "milk", source: .file)
        let wire = Message(role: .user, text: "Shop?", attachments: [image, notes]).wire
        XCTAssertEqual(wire.content, .parts([.text("notes.txt:\n```\nmilk\n```\n\nShop?"), .imageURL(image.dataURL)]))
    }

    func testImagesAreLimitedToFiveAMessageButTextsAreNot() {
        var session = Session()
        let image = Attachment(name: "p.png", format: .png, width: 1, height: 1, data: Data())
        let text = Attachment(name: "t.txt", text: "t", source: .file)
        let refused = session.attach(Array(repeating: image, count: 4) + [text, image, image] + Array(repeating: text, count: 6))
        XCTAssertEqual(refused.count, 1)
        XCTAssertEqual(session.pendingAttachments.filter(\.isImage).count, 5)
        XCTAssertEqual(session.pendingAttachments.filter { !$0.isImage }.count, 7)
    }

    func testTokenEstimatesAndSummaries() {
        XCTAssertEqual(TokenEstimate.tokens(utf8Count: 0), 0)
        XCTAssertEqual(TokenEstimate.tokens(utf8Count: 5), 2)
        XCTAssertEqual(TokenEstimate.describe(540), "~540 tokens")
        XCTAssertEqual(TokenEstimate.describe(1234), "~1.2k tokens")
        XCTAssertEqual(TokenEstimate.describe(45_600), "~45k tokens")
        let notes = Attachment(name: "notes.md", text: String(repeating: "word ", count: 400), source: .file)
        XCTAssertEqual(notes.summary, "notes.md · text · 2.0 KB · ~500 tokens")
        XCTAssertEqual(notes.sourceLine, "[text: notes.md]")
        XCTAssertEqual(Attachment(name: "!ls", text: "a", source: .output).sourceLine, "[command output: !ls]")
    }

    func testCodeLanguagesComeFromTheExtension() {
        for (path, tag) in [("a.swift", "swift"), ("x/y.RS", "rust"), ("Makefile", "makefile"), ("q.sql", "sql"), ("c.yml", "yaml")] {
            XCTAssertEqual(CodeLanguage.tag(forPath: path), tag, path)
        }
        XCTAssertNil(CodeLanguage.tag(forPath: "notes.txt"))
        XCTAssertNil(CodeLanguage.tag(forPath: "server.log"))
    }
}
