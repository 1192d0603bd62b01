import Foundation
import XCTest

@testable import ParleyPictures

/// The default limit, 40 megapixels: a valid picture just over it is refused by its header, before
/// its pixels take any memory (a few hundred kilobytes would otherwise be 160 MB of RGBA).
final class PictureLimitTests: XCTestCase {
    static let formats: [(name: String, make: @Sendable (Int, Int) -> Data)] = [
        ("PNG", CraftedPictures.png), ("GIF", CraftedPictures.gif), ("WebP", CraftedPictures.webp), ("JPEG", CraftedPictures.jpeg),
    ]

    /// The crafted pictures are pictures: at a small size each decodes to its size, of one shade.
    func testTheCraftedPicturesDecode() throws {
        for (name, make) in Self.formats {
            let picture = try XCTUnwrap(PictureDecoder.decode(make(67, 45)), name)
            XCTAssertEqual([picture.width, picture.height], [67, 45], name)
            XCTAssertEqual(picture.rgba.count, 67 * 45 * 4, name)
            XCTAssertEqual(Set(stride(from: 0, to: picture.rgba.count, by: 4).map { picture.rgba[$0] }).count, 1, "\(name): one shade")
        }
    }

    func testAPictureOverFortyMegapixelsIsRefusedBeforeItsPixelsAreMade() throws {
        // The peak is measured afresh for each (Linux: 5 to clear_refs sets it back to what is in use).
        let measures = FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs")
        // 8000 × 5001 is 40,008,000 pixels: 160 MB of RGBA.
        for (name, make) in Self.formats {
            let data = make(8000, 5001)
            XCTAssertLessThan(data.count, 300_000, "\(name) is small on disk")
            if measures { try Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs")) }
            let before = try Self.peakMemory()
            // (Its size alone said on failure: not 160 MB of pixels.)
            let size = PictureDecoder.decode(data).map { "\($0.width) × \($0.height)" }
            XCTAssertNil(size, "\(name) of 8000 × 5001 is over the default limit")
            let grown = try Self.peakMemory() - before
            if measures { XCTAssertLessThan(grown, 32 << 20, "\(name): \(grown >> 20) MB more memory at the peak, refusing it") }
        }
        if !measures { throw XCTSkip("refused, but /proc/self/clear_refs cannot be written: the memory it took was not measured") }
    }

    /// The process's peak resident memory (VmHWM), in bytes.
    static func peakMemory() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try XCTUnwrap(Int(line.split(separator: " ")[1])) * 1024
    }
}
