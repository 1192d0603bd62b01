import Foundation
import ParleyWire

/// Something that goes with a message: an image (its exact bytes, checked by content), or text read
/// from a file, a PDF, a web page or a command's output.
public struct Attachment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case image(ImageFormat, width: Int, height: Int)
        /// UTF-8 text; `language` tags its fence (code files).
        case text(TextSource, language: String?)
    }

    /// Where it came from, as the user named it: a file's name or path, a URL, `!command`.
    public var name: String
    public var kind: Kind
    /// An image's bytes, or the text's UTF-8.
    public var data: Data

    public init(name: String, kind: Kind, data: Data) {
        self.name = name
        self.kind = kind
        self.data = data
    }

    public init(name: String, format: ImageFormat, width: Int, height: Int, data: Data) {
        self.init(name: name, kind: .image(format, width: width, height: height), data: data)
    }

    public init(name: String, text: String, source: TextSource, language: String? = nil) {
        self.init(name: name, kind: .text(source, language: language), data: Data(text.utf8))
    }

    public var isImage: Bool {
        if case .image = kind { return true }
        return false
    }

    /// The text of a text attachment (nil for an image).
    public var text: String? {
        guard case .text = kind else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `data:<mime>;base64,<the exact file bytes>` (images).
    public var dataURL: String {
        guard case let .image(format, _, _) = kind else { return "" }
        return "data:\(format.mimeType);base64," + data.base64EncodedString()
    }

    /// "cat.jpg · JPEG · 640×480 · 4.7 KB", "notes.md · text · 2.1 KB · ~540 tokens"
    public var summary: String {
        switch kind {
        case let .image(format, width, height):
            return "\(name) · \(format.rawValue) · \(width)×\(height) · \(Self.size(data.count))"
        case let .text(source, _):
            return "\(name) · \(source.label) · \(Self.size(data.count)) · \(TokenEstimate.describe(tokens))"
        }
    }

    /// How a transcript, `/history` and `/save` show it: `[image: cat.jpg]`, `[text: notes.md]`,
    /// `[web page: https://…]`, `[command output: !ls]`.
    public var sourceLine: String {
        switch kind {
        case .image: return "[image: \(name)]"
        case let .text(source, _): return "[\(source.label): \(name)]"
        }
    }

    /// About how many tokens it costs (text only; an image's cost is the server's to say).
    public var tokens: Int { isImage ? 0 : TokenEstimate.tokens(utf8Count: data.count) }

    public static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
    }

    /// At most this many bytes an image, and this many images a message (as the web page allows).
    public static let maxBytes = 10 * 1024 * 1024
    public static let maxPerMessage = 5
}

/// Where an attachment's text came from.
public enum TextSource: String, Sendable, CaseIterable {
    case file, pdf, page, output

    /// How a pending line and `/history` name it.
    public var label: String {
        switch self {
        case .file: return "text"
        case .pdf: return "PDF text"
        case .page: return "web page"
        case .output: return "command output"
        }
    }
}

/// Why a file cannot be attached.
public struct AttachmentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
