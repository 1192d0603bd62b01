import Foundation
import ParleyWire
import XCTest

@testable import ParleySession

final class AttachmentTests: XCTestCase {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EndToEndTests/Images")

    func inspect(_ name: String) throws -> Attachment {
        try ImageInspector.inspect(Data(contentsOf: Self.images.appendingPathComponent(name)), name: name)
    }

    func testGoodImagesByContent() throws {
        for (name, format, width, height) in [
            ("cat.jpg", ImageFormat.jpeg, 320, 200), ("chart.png", .png, 320, 200),
            ("anim.gif", .gif, 320, 200), ("photo.webp", .webp, 320, 200), ("pixel.png", .png, 1, 1),
        ] {
            let attachment = try inspect(name)
            XCTAssertEqual(attachment.kind, .image(format, width: width, height: height), name)
        }
        XCTAssertEqual(try inspect("cat.jpg").summary, "cat.jpg · JPEG · 320×200 · 4.7 KB")
    }

    func testBadFilesAreRefusedWithTheReason() {
        for (name, reason) in [
            ("diagram.bmp", "it is a BMP"), ("scan.tiff", "it is a TIFF"), ("not-really.png", "it is text"),
            ("truncated.png", "cut off"),
        ] {
            XCTAssertThrowsError(try inspect(name), name) { XCTAssertTrue("\($0)".contains(reason), "\(name): \($0)") }
        }
    }

    func testOverTenMegabytesIsRefusedWithTheSize() throws {
        var png = try Data(contentsOf: Self.images.appendingPathComponent("chart.png"))
        png.append(Data(count: 11 * 1024 * 1024))
        XCTAssertThrowsError(try ImageInspector.inspect(png, name: "huge.png")) {
            XCTAssertTrue("\($0)".contains("huge.png is 11.0 MB"), "\($0)")
        }
    }

    func testSixImagesGiveFive() throws {
        var session = Session(settings: ChatSettings(model: "m"))
        let image = try inspect("pixel.png")
        let refused = session.attach(Array(repeating: image, count: 6))
        XCTAssertEqual(refused.count, 1)
        XCTAssertEqual(session.pendingAttachments.count, 5)
        XCTAssertTrue(session.detach(2))
        XCTAssertFalse(session.detach(9))
        XCTAssertEqual(session.pendingAttachments.count, 4)
    }

    func testTheMessageIsSentAsTextThenImagesAndResentByRegen() throws {
        var session = Session(settings: ChatSettings(model: "m"))
        let cat = try inspect("cat.jpg")
        let chart = try inspect("chart.png")
        _ = session.attach([cat, chart])
        let effects = session.handle(.submit("What is in these?"), now: 0)
        XCTAssertTrue(session.pendingAttachments.isEmpty, "used by this message")
        guard case let .startRequest(request)? = effects.last else { return XCTFail("\(effects)") }
        let expected = MessageContent.parts([
            .text("What is in these?"), .imageURL("data:image/jpeg;base64," + cat.data.base64EncodedString()),
            .imageURL("data:image/png;base64," + chart.data.base64EncodedString()),
        ])
        XCTAssertEqual(request.messages.last?.content, expected)
        _ = session.handle(.content("A cat and a chart."), now: 1)
        _ = session.handle(.finished(nil), now: 2)
        guard case let .startRequest(again)? = session.handle(.regenerate, now: 3).last else { return XCTFail() }
        XCTAssertEqual(again.messages.last?.content, expected)
    }
}
