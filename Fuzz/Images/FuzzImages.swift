import Foundation
import FuzzDriver
import ParleyPictures
import ParleySession
import ParleyWire

/// A file's bytes through what tells an image by its content (`ImageFormat.sniff`, `ContentSniffer`,
/// `ImageInspector`'s header readers) and through the picture decoder (the system's libpng,
/// libturbojpeg, giflib and libwebp, behind parley's C wrapper):
/// - nothing crashes, reads out of bounds or allocates without bound;
/// - the sniffer and the content classifier agree; an image the inspector takes has the format sniffed
///   and a size of at least one pixel;
/// - a decoded picture has the pixels its size says, within the limit asked, and the size the inspector
///   read from the header.
@main
enum FuzzImages {
    /// Small, so that each input decodes quickly; the limit itself is what is tested.
    static let maxPixels = 1 << 20

    static func main() {
        runFuzzer(check)
    }

    static func check(_ input: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(input)
        let data = Data(bytes)
        let format = ImageFormat.sniff(bytes)
        let found = ContentSniffer.classify(bytes)
        if let format {
            require(found == .image(format), "sniffed \(format) but classified \(found)")
        } else if case let .image(other) = found {
            require(false, "classified as \(other) but not sniffed")
        }

        var inspected: (width: Int, height: Int)?
        if let attachment = try? ImageInspector.inspect(data, name: "fuzz") {
            guard case let .image(kind, width, height) = attachment.kind else { return require(false, "an image read as text") }
            require(kind == format, "inspected as \(kind), sniffed as \(format.map(\.rawValue) ?? "nothing")")
            require(width > 0 && height > 0, "inspected as \(width) × \(height)")
            inspected = (width, height)
        }

        guard let picture = PictureDecoder.decode(data, maxPixels: maxPixels) else { return }
        require(format != nil, "decoded what is not sniffed as an image")
        require(picture.width > 0 && picture.height > 0, "decoded as \(picture.width) × \(picture.height)")
        require(picture.width * picture.height <= maxPixels, "decoded \(picture.width) × \(picture.height), over the limit")
        require(picture.rgba.count == picture.width * picture.height * 4, "\(picture.rgba.count) bytes of pixels")
        if let inspected {
            require(
                inspected == (picture.width, picture.height),
                "inspected as \(inspected.width) × \(inspected.height), decoded as \(picture.width) × \(picture.height)")
        }
    }
}
