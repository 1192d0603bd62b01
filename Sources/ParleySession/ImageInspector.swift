import Foundation
import ParleyWire

/// Tells an image's format and size from its bytes (never its name): JPEG, PNG, GIF and WebP by their
/// signatures and a header that must be readable.
public enum ImageInspector {
    public static func inspect(_ data: Data, name: String) throws(AttachmentError) -> Attachment {
        guard data.count <= Attachment.maxBytes else {
            throw AttachmentError("\(name) is \(Attachment.size(data.count)); images may be at most 10 MB.")
        }
        let bytes = [UInt8](data)
        let found: (ImageFormat, Int, Int)?
        switch ImageFormat.sniff(bytes) {
        case .png?:
            found = png(bytes).map { (.png, $0.0, $0.1) }
            if found == nil { throw AttachmentError("\(name) starts like a PNG but its header is cut off or damaged.") }
        case .jpeg?:
            found = jpeg(bytes).map { (.jpeg, $0.0, $0.1) }
            if found == nil { throw AttachmentError("\(name) starts like a JPEG but no frame header could be read; it may be cut off.") }
        case .gif?:
            found = bytes.count >= 13 ? (.gif, ByteReader.le16(bytes, 6), ByteReader.le16(bytes, 8)) : nil
            if found == nil { throw AttachmentError("\(name) starts like a GIF but its header is cut off.") }
        case .webp?:
            found = webp(bytes).map { (.webp, $0.0, $0.1) }
            if found == nil { throw AttachmentError("\(name) starts like a WebP but its header is cut off or unknown.") }
        case nil:
            throw AttachmentError("\(name) is not a JPEG, PNG, GIF or WebP image (\(describe(bytes))).")
        }
        guard let (format, width, height) = found, width > 0, height > 0 else {
            throw AttachmentError("\(name) says it is 0 pixels wide or high.")
        }
        guard isComplete(bytes, format) else {
            throw AttachmentError("\(name) is cut off: the \(format.rawValue) data ends before the image does.")
        }
        return Attachment(name: name, format: format, width: width, height: height, data: data)
    }

    /// Whether the file runs to its format's end: PNG's IEND chunk, JPEG's EOI marker, GIF's trailer,
    /// or the length WebP's RIFF header gives.
    static func isComplete(_ b: [UInt8], _ format: ImageFormat) -> Bool {
        var end = b.count
        while end > 0, b[end - 1] == 0 { end -= 1 }  // padding some writers leave
        switch format {
        case .png:
            return end >= 12 && b[(end - 8)..<(end - 4)].elementsEqual("IEND".utf8)
        case .jpeg:
            return end >= 2 && b[end - 2] == 0xFF && b[end - 1] == 0xD9
        case .gif:
            return end >= 1 && b[end - 1] == 0x3B
        case .webp:
            let size = ByteReader.le32(b, 4)
            return size + 8 <= b.count
        }
    }

    /// What a file that is not a sendable image is (`ContentSniffer` tells).
    static func describe(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "it is empty" }
        switch ContentSniffer.classify(bytes) {
        case let .otherImage(format): return "it is \(format)"
        case .text, .otherEncoding: return "it is text"
        default: return "its content is not an image format parley knows"
        }
    }

    /// The IHDR chunk must come first, whole.
    static func png(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 33, b[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        return (ByteReader.be32(b, 16), ByteReader.be32(b, 20))
    }

    /// Walks the markers to a start-of-frame (SOF0–SOF15 but DHT, JPG, DAC).
    static func jpeg(_ b: [UInt8]) -> (Int, Int)? {
        var offset = 2
        while offset + 4 <= b.count {
            guard b[offset] == 0xFF else { return nil }
            let marker = b[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                offset += 2
                continue
            }
            let length = ByteReader.be16(b, offset + 2)
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard offset + 9 <= b.count else { return nil }
                return (ByteReader.be16(b, offset + 7), ByteReader.be16(b, offset + 5))
            }
            if marker == 0xDA || marker == 0xD9 { return nil }
            offset += 2 + length
        }
        return nil
    }

    static func webp(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 30 else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8 ":
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else { return nil }
            return (ByteReader.le16(b, 26) & 0x3FFF, ByteReader.le16(b, 28) & 0x3FFF)
        case "VP8L":
            guard b[20] == 0x2F else { return nil }
            let bits = ByteReader.le32(b, 21)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return (ByteReader.le24(b, 24) + 1, ByteReader.le24(b, 27) + 1)
        default:
            return nil
        }
    }
}
