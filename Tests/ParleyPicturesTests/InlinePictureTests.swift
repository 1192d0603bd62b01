import Foundation
import XCTest

@testable import ParleyPictures

final class InlinePictureTests: XCTestCase {
    func testKittyGetsTheThumbnailsPixelsInChunks() throws {
        let data = try PictureDecoderTests.fixture("cat.jpg")
        let sequence = try XCTUnwrap(InlinePicture.sequence(for: data, using: .kitty, cell: CellSize(width: 10, height: 20)))
        // 3 rows of 20 px: 320 × 200 becomes 96 × 60.
        XCTAssertTrue(sequence.hasPrefix("\u{1B}_Ga=T,f=32,s=96,v=60,r=3,q=2,m=1;"), String(sequence.prefix(40)))
        let chunks = sequence.components(separatedBy: "\u{1B}\\").dropLast()
        let payload = chunks.map { $0.split(separator: ";", maxSplits: 1)[1] }.joined()
        XCTAssertTrue(chunks.dropLast().allSatisfy { $0.contains("m=1;") })
        XCTAssertTrue(chunks.last?.hasPrefix("\u{1B}_Gm=0;") == true)
        XCTAssertEqual(Data(base64Encoded: payload)?.count, 96 * 60 * 4, "raw RGBA of the thumbnail")
        XCTAssertTrue(chunks.allSatisfy { $0.split(separator: ";", maxSplits: 1)[1].count <= 4096 })
    }

    func testSixelIsSizedByTheCell() throws {
        let data = try PictureDecoderTests.fixture("photo.webp")
        let sequence = try XCTUnwrap(InlinePicture.sequence(for: data, using: .sixel, cell: CellSize(width: 8, height: 16)))
        XCTAssertTrue(sequence.hasPrefix("\u{1B}P0;1;0q\"1;1;77;48"), String(sequence.prefix(30)))
        XCTAssertEqual(try SixelReader.read(sequence).height, 48)
    }

    func testITerm2GetsTheFileAsItIs() {
        XCTAssertEqual(
            InlinePicture.sequence(for: Data([1, 2, 3]), using: .iterm2),
            "\u{1B}]1337;File=inline=1;height=3;size=3:AQID\u{07}")
    }

    func testUndecodableFilesGetNoPixels() {
        XCTAssertNil(InlinePicture.sequence(for: Data("not a picture".utf8), using: .kitty))
        XCTAssertNil(InlinePicture.sequence(for: Data("not a picture".utf8), using: .sixel))
    }
}
