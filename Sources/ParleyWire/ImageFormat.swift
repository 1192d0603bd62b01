/// The image formats parley sends and shows, told by their bytes, never by a name.
public enum ImageFormat: String, Sendable, Equatable, Codable, CaseIterable {
    case jpeg = "JPEG"
    case png = "PNG"
    case gif = "GIF"
    case webp = "WebP"

    public var mimeType: String {
        switch self {
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        case .gif: return "image/gif"
        case .webp: return "image/webp"
        }
    }

    /// The bytes a file needs at its start to be told apart.
    public static let signatureLength = 12

    /// The format whose signature `head` (the file's first bytes) starts with; nil for any other file.
    /// The one place the signatures are written: attaching, showing and dropping files all ask here.
    public static func sniff<Bytes: Collection<UInt8>>(_ head: Bytes) -> ImageFormat? {
        let bytes = Array(head.prefix(signatureLength))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return .gif }
        if bytes.count == 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        return nil
    }
}

/// Numbers in byte arrays, little- and big-endian: image headers and WAV chunks.
public enum ByteReader {
    public static func le16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    public static func le24(_ b: [UInt8], _ at: Int) -> Int { le16(b, at) | Int(b[at + 2]) << 16 }
    public static func le32(_ b: [UInt8], _ at: Int) -> Int { le16(b, at) | le16(b, at + 2) << 16 }
    public static func be16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) << 8 | Int(b[at + 1]) }
    public static func be32(_ b: [UInt8], _ at: Int) -> Int { be16(b, at) << 16 | be16(b, at + 2) }

    /// `value` as four little-endian bytes.
    public static func le32(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 24) & 0xFF)]
    }
}
