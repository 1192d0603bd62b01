import Foundation
import XCTest

@testable import ParleyPictures

final class SixelTests: XCTestCase {
    func testATinyPictureByHand() {
        // red, transparent, red: colour 210 is (5 reds, 0 greens, 0 blues) = 100%, 0%, 0%.
        let picture = Picture(width: 3, height: 1, rgba: [255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255])
        XCTAssertEqual(Sixel.encode(picture), "\u{1B}P0;1;0q\"1;1;3;1#210;2;100;0;0#210@?@\u{1B}\\")
    }

    func testRunsAreCompressedAndBandsSeparated() {
        // 8 × 7 all white: one full band of 8 columns (bits 0-5: "~"), then one row (bit 0: "@").
        let picture = Picture(width: 8, height: 7, rgba: [UInt8](repeating: 255, count: 8 * 7 * 4))
        XCTAssertEqual(Sixel.encode(picture), "\u{1B}P0;1;0q\"1;1;8;7#251;2;100;100;100#251!8~-#251!8@\u{1B}\\")
    }

    func testDitheringKeepsTheAverageTone() {
        let grey = Picture(width: 8, height: 8, rgba: [UInt8](repeating: 0, count: 256).enumerated().map { $0.offset % 4 == 3 ? 255 : 128 })
        let indexed = Sixel.quantize(grey)
        let greens = indexed.indices.map { Double(Sixel.palette[Int($0)].green) }
        let average = greens.reduce(0, +) / Double(greens.count)
        XCTAssertEqual(average, 50.2, accuracy: 2, "128 of 255 is about 50%")
        XCTAssertGreaterThan(Set(indexed.indices).count, 1, "dithered between neighbouring levels")
    }

    /// The fixture picture, scaled and quantized, drawn by a sixel reader (below), gives back every pixel.
    func testARealPictureRoundTrips() throws {
        let picture = try XCTUnwrap(PictureDecoder.decode(try PictureDecoderTests.fixture("chart.png")))
            .scaled(toFitWidth: 101, height: 61)
        let indexed = Sixel.quantize(picture)
        let encoded = Sixel.encode(indexed)
        XCTAssertEqual(try SixelReader.read(encoded), indexed)
        XCTAssertLessThan(encoded.utf8.count, picture.rgba.count, "smaller than the raw pixels")
        XCTAssertFalse(encoded.dropFirst().dropLast(2).contains("\u{1B}"), "one DCS, nothing else that a terminal would act on")
    }

    func testTransparentPixelsAreLeftUnpainted() throws {
        let picture = Picture(width: 2, height: 2, rgba: [0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 100, 0, 0, 0, 0])
        let indexed = try SixelReader.read(Sixel.encode(picture))
        XCTAssertEqual(indexed.indices, [IndexedPicture.transparent, 251, IndexedPicture.transparent, IndexedPicture.transparent])
    }
}

/// Reads the subset of sixel that `Sixel.encode` writes back into indexed pixels.
enum SixelReader {
    struct Malformed: Error { let reason: String }

    static func read(_ text: String) throws -> IndexedPicture {
        var bytes = Array(text.utf8)
        guard bytes.starts(with: Array("\u{1B}P0;1;0q\"1;1;".utf8)), bytes.suffix(2) == [0x1B, 0x5C] else {
            throw Malformed(reason: "no DCS header or ST")
        }
        bytes = Array(bytes[Array("\u{1B}P0;1;0q\"1;1;".utf8).count..<(bytes.count - 2)])
        var index = 0
        func number() -> Int {
            var value = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
            }
            return value
        }
        let width = number()
        index += 1
        let height = number()
        var pixels = [UInt8](repeating: IndexedPicture.transparent, count: width * height)
        var colour = 0
        var x = 0
        var top = 0
        var defined = Set<Int>()
        func paint(_ sixel: UInt8, times: Int) throws {
            for _ in 0..<times {
                for bit in 0..<6 where sixel & (1 << bit) != 0 {
                    guard x < width, top + bit < height else { throw Malformed(reason: "paints outside the raster") }
                    guard defined.contains(colour) else { throw Malformed(reason: "colour \(colour) used before it is defined") }
                    pixels[(top + bit) * width + x] = UInt8(colour)
                }
                x += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "#"):
                colour = number()
                if index < bytes.count, bytes[index] == UInt8(ascii: ";") {
                    index += 1
                    guard number() == 2 else { throw Malformed(reason: "not RGB") }
                    let rgb = (1...3).map { _ in
                        index += 1
                        return number()
                    }
                    let expected = Sixel.palette[colour]
                    guard rgb == [expected.red, expected.green, expected.blue] else { throw Malformed(reason: "wrong colour") }
                    defined.insert(colour)
                }
            case UInt8(ascii: "$"): x = 0
            case UInt8(ascii: "-"):
                x = 0
                top += 6
            case UInt8(ascii: "!"):
                let count = number()
                let sixel = bytes[index] - 63
                index += 1
                try paint(sixel, times: count)
            case 63...126: try paint(byte - 63, times: 1)
            default: throw Malformed(reason: "unexpected byte \(byte)")
            }
        }
        return IndexedPicture(width: width, height: height, indices: pixels)
    }
}
