import CImageCodecs
import Foundation
import ParleyWire

/// JPEG, PNG, GIF (its first frame) and WebP bytes to pixels, by the system's libraries (libturbojpeg,
/// libpng, giflib, libwebp). The format is told by the bytes' signature, not by a name.
public enum PictureDecoder {
    /// Larger images are not decoded (a small file can claim a huge picture): 40 megapixels.
    public static let maxPixels = 40_000_000

    /// The pixels of `data`, or nil when it is not one of the four formats or cannot be read. With
    /// `atLeast`, a JPEG may come smaller than its full size (libjpeg-turbo's n/8 scales), never smaller than that.
    public static func decode(_ data: Data, maxPixels: Int = maxPixels, atLeast: (width: Int, height: Int)? = nil) -> Picture? {
        typealias Decode = (UnsafePointer<UInt8>?, Int, Int64, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?)
            -> UnsafeMutablePointer<UInt8>?
        let decode: Decode
        switch ImageFormat.sniff(data) {
        case .png?:
            decode = parley_decode_png
        case .jpeg?:
            let minimum = atLeast ?? (Int(Int32.max), Int(Int32.max))
            decode = { parley_decode_jpeg($0, $1, $2, Int32(clamping: minimum.width), Int32(clamping: minimum.height), $3, $4) }
        case .gif?:
            decode = parley_decode_gif
        case .webp?:
            decode = parley_decode_webp
        case nil:
            return nil
        }
        var width: Int32 = 0
        var height: Int32 = 0
        let pixels = data.withUnsafeBytes { raw in
            decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, Int64(maxPixels), &width, &height)
        }
        guard let pixels else { return nil }
        defer { free(pixels) }
        let count = Int(width) * Int(height) * 4
        return Picture(width: Int(width), height: Int(height), rgba: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
