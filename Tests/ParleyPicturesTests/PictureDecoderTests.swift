import Foundation
import XCTest

@testable import ParleyPictures

/// The shared fixtures are one 320 × 200 picture in every format; diagram.bmp holds its pixels
/// uncompressed, so each decoder is checked against them.
final class PictureDecoderTests: XCTestCase {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../EndToEndTests/Images").standardized

    static func fixture(_ name: String) throws -> Data { try Data(contentsOf: images.appendingPathComponent(name)) }

    /// The BMP's pixels (24-bit, bottom-up, BGR) as RGBA.
    static func reference() throws -> Picture {
        let bmp = [UInt8](try fixture("diagram.bmp"))
        let width = 320
        let height = 200
        let offset = 54
        var rgba: [UInt8] = []
        for y in 0..<height {
            let row = offset + (height - 1 - y) * width * 3
            for x in 0..<width {
                rgba += [bmp[row + x * 3 + 2], bmp[row + x * 3 + 1], bmp[row + x * 3], 255]
            }
        }
        return Picture(width: width, height: height, rgba: rgba)
    }

    static func meanDifference(_ a: Picture, _ b: Picture) -> Double {
        let total = zip(a.rgba, b.rgba).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.rgba.count)
    }

    func testPNGDecodesToTheExactPixels() throws {
        let picture = try XCTUnwrap(PictureDecoder.decode(try Self.fixture("chart.png")))
        XCTAssertEqual(picture, try Self.reference())
    }

    func testLossyAndPalettedFormatsDecodeToNearlyThePixels() throws {
        let reference = try Self.reference()
        for name in ["cat.jpg", "photo.webp", "anim.gif"] {
            let picture = try XCTUnwrap(PictureDecoder.decode(try Self.fixture(name)), name)
            XCTAssertEqual(picture.width, 320, name)
            XCTAssertEqual(picture.height, 200, name)
            let difference = Self.meanDifference(picture, reference)
            XCTAssertLessThan(difference, 8, "\(name) differs from the picture by \(difference) a channel on average")
        }
    }

    func testTransparencyIsKept() throws {
        let picture = try XCTUnwrap(PictureDecoder.decode(try Self.fixture("pixel.png")))
        XCTAssertEqual(picture, Picture(width: 1, height: 1, rgba: [0, 0, 0, 0]))
    }

    func testWhatIsNotAPictureIsNotDecoded() throws {
        for name in ["diagram.bmp", "scan.tiff", "not-really.png", "truncated.png"] {
            XCTAssertNil(PictureDecoder.decode(try Self.fixture(name)), name)
        }
        XCTAssertNil(PictureDecoder.decode(Data()))
        XCTAssertNil(PictureDecoder.decode(Data([0xFF, 0xD8, 0xFF])), "a JPEG signature and nothing after it")
    }

    /// Every prefix of each good file, from no byte to all but the last: its picture whole (a JPEG
    /// missing its last bytes still is one) or nil, never a crash or a picture of another size.
    func testEveryPrefixOfAGoodFileDecodesOrIsRefused() throws {
        for name in ["cat.jpg", "chart.png", "photo.webp", "anim.gif"] {
            let data = try Self.fixture(name)
            var decoded = 0
            for length in 0..<data.count {
                guard let picture = PictureDecoder.decode(data.prefix(length)) else { continue }
                decoded += 1
                XCTAssertEqual([picture.width, picture.height, picture.rgba.count], [320, 200, 320 * 200 * 4], "\(name), \(length) bytes")
            }
            XCTAssertNotNil(PictureDecoder.decode(data), "\(name) whole")
            print("\(name): \(decoded) of its \(data.count) prefixes decoded, the others refused")
        }
    }

    func testAPictureLargerThanTheLimitIsNotDecoded() throws {
        for name in ["chart.png", "cat.jpg", "photo.webp", "anim.gif"] {
            XCTAssertNil(PictureDecoder.decode(try Self.fixture(name), maxPixels: 320 * 200 - 1), name)
            XCTAssertNotNil(PictureDecoder.decode(try Self.fixture(name), maxPixels: 320 * 200), name)
        }
    }

    func testAJPEGIsDecodedSmallerWhenThatIsEnough() throws {
        let jpeg = try Self.fixture("cat.jpg")
        let smaller = try XCTUnwrap(PictureDecoder.decode(jpeg, atLeast: (100, 60)))
        XCTAssertEqual(
            [smaller.width, smaller.height], [120, 75], "3/8 is the smallest of libjpeg's n/8 scales with both sides large enough")
        let eighth = try XCTUnwrap(PictureDecoder.decode(jpeg, atLeast: (40, 25)))
        XCTAssertEqual([eighth.width, eighth.height], [40, 25])
        let reference = try Self.reference().scaled(toFitWidth: 40, height: 25)
        XCTAssertLessThan(Self.meanDifference(eighth, reference), 12, "the same picture, smaller")
        XCTAssertEqual(PictureDecoder.decode(jpeg, atLeast: (321, 1))?.width, 320, "never smaller than asked")
        XCTAssertEqual(PictureDecoder.decode(try Self.fixture("chart.png"), atLeast: (10, 10))?.width, 320, "other formats come whole")
        XCTAssertNotNil(PictureDecoder.decode(jpeg, maxPixels: 40 * 25, atLeast: (40, 25)), "the limit applies to what is decoded")
    }

    func testScalingAveragesTheCoveredPixels() {
        // 4 × 2: left half red and blue pixels, right half transparent and green.
        let picture = Picture(
            width: 4, height: 2,
            rgba: [
                255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 255, 0, 255,
                255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 255, 0, 255,
            ])
        let half = picture.scaled(toFitWidth: 2, height: 100)
        XCTAssertEqual(half.width, 2)
        XCTAssertEqual(half.height, 1)
        XCTAssertEqual(Array(half.rgba[0..<4]), [128, 0, 128, 255], "red and blue average to purple")
        XCTAssertEqual(Array(half.rgba[4..<8]), [0, 255, 0, 128], "transparent pixels lend no colour, only their alpha")
        XCTAssertEqual(picture.scaled(toFitWidth: 100, height: 100), picture, "never made larger")
    }
}
