import Foundation
import ParleyWire

/// What a file, a page's body or a command's output is, told by its bytes, never by its name.
public enum ContentSniffer {
    public enum Found: Equatable {
        case image(ImageFormat)
        /// An image in a format parley does not send: which ("a BMP", "a TIFF").
        case otherImage(String)
        case pdf
        /// UTF-8 text (a byte-order mark dropped).
        case text(String)
        /// Not text: what it seems to be ("an ELF executable", "a ZIP archive", "binary data").
        case binary(String)
        /// Text in another encoding than UTF-8: which it seems to be, and its `iconv` name.
        case otherEncoding(name: String, iconv: String)
    }

    public static func classify(_ bytes: [UInt8]) -> Found {
        if let format = ImageFormat.sniff(bytes) { return .image(format) }
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return .otherEncoding(name: "UTF-16", iconv: "UTF-16") }
        if bytes.starts(with: Array("BM".utf8)) { return .otherImage("a BMP") }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .otherImage("a TIFF") }
        if let what = binaryKind(bytes) { return .binary(what) }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        if let text = String(validating: body, as: UTF8.self) { return .text(text) }
        // Bytes 0x80–0x9F are control codes in Latin-1 but letters and signs in Windows-1252.
        if body.contains(where: { (0x80...0x9F).contains($0) }) { return .otherEncoding(name: "Windows-1252", iconv: "WINDOWS-1252") }
        return .otherEncoding(name: "Latin-1 (ISO-8859-1)", iconv: "LATIN1")
    }

    /// `bytes` as text, read once; or why they are not: a NUL byte, or bytes that are not UTF-8
    /// (piped input and a command's output, whose only question is whether they are text).
    public static func text(_ bytes: [UInt8]) -> Result<String, NotText> {
        if let nul = bytes.firstIndex(of: 0) { return .failure(NotText(problem: "a NUL byte at byte \(nul + 1)")) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(NotText(problem: "it is not UTF-8")) }
        return .success(text)
    }

    public struct NotText: Error {
        public var problem: String
    }

    /// What binary bytes are, by their signature; nil when they may be text (no NUL byte).
    static func binaryKind(_ bytes: [UInt8]) -> String? {
        let signatures: [([UInt8], String)] = [
            ([0x7F, 0x45, 0x4C, 0x46], "an ELF executable or library"), ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive (Office files are too)"),
            ([0x1F, 0x8B], "gzip-compressed data"), (Array("BZh".utf8), "bzip2-compressed data"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed data"), ([0x28, 0xB5, 0x2F, 0xFD], "zstd-compressed data"),
            (Array("SQLite format 3".utf8), "an SQLite database"), ([0x00, 0x61, 0x73, 0x6D], "a WebAssembly module"),
            (Array("ID3".utf8), "an MP3 audio file"),
            (Array("OggS".utf8), "an Ogg media file"), (Array("RIFF".utf8), "a RIFF media file (WAV, AVI)"),
        ]
        if let found = signatures.first(where: { bytes.starts(with: $0.0) }) { return found.1 }
        if bytes.count >= 8, bytes[4..<8].elementsEqual("ftyp".utf8) { return "an MP4 or QuickTime media file" }
        return bytes.contains(0) ? "binary data" : nil
    }
}

/// About how many tokens a text costs: four bytes of UTF-8 a token, as OpenAI's rule of thumb has it
/// for English and code. An estimate, said as one ("~540 tokens").
public enum TokenEstimate {
    /// Over this many tokens, the total of what is pending is shown.
    public static let largeTotal = 8000

    public static func tokens(utf8Count: Int) -> Int { (utf8Count + 3) / 4 }

    public static func describe(_ tokens: Int) -> String {
        if tokens < 1000 { return "~\(tokens) tokens" }
        if tokens < 10_000 { return String(format: "~%.1fk tokens", Double(tokens) / 1000) }
        return "~\(tokens / 1000)k tokens"
    }
}

/// The language tag a code file's fence takes, from its extension.
public enum CodeLanguage {
    static let byExtension: [String: String] = [
        "py": "python", "js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "jsx", "ts": "typescript",
        "tsx": "tsx", "json": "json", "sh": "bash", "bash": "bash", "zsh": "zsh", "fish": "fish", "swift": "swift", "c": "c",
        "h": "c", "cc": "cpp", "cpp": "cpp", "cxx": "cpp", "hpp": "cpp", "go": "go", "rs": "rust", "sql": "sql", "yaml": "yaml",
        "yml": "yaml", "html": "html", "htm": "html", "xml": "xml", "md": "markdown", "markdown": "markdown", "csv": "csv",
        "rb": "ruby", "java": "java", "kt": "kotlin", "toml": "toml", "diff": "diff", "patch": "diff", "css": "css",
        "php": "php", "pl": "perl", "lua": "lua", "r": "r", "scala": "scala", "cs": "csharp", "m": "objc", "mm": "objc",
        "ini": "ini", "dockerfile": "dockerfile", "makefile": "makefile",
    ]

    /// `notes.md` → `markdown`, `main.rs` → `rust`, `Makefile` → `makefile`; nil for plain text.
    public static func tag(forPath path: String) -> String? {
        let name = (path as NSString).lastPathComponent.lowercased()
        let ext = (name as NSString).pathExtension
        return byExtension[ext.isEmpty ? name : ext]
    }
}

extension Attachment {
    /// A text attachment as the model reads it: headed by its source and fenced (with its language
    /// tag), the fence longer than any run of backticks inside. Nil for an image.
    public var fencedText: String? {
        guard case let .text(source, language) = kind, var body = text else { return nil }
        while body.hasSuffix("\n") || body.hasSuffix("\r") { body.removeLast() }
        let fence = String(repeating: "`", count: max(3, Self.longestBacktickRun(body) + 1))
        let heading = source == .file ? name : "\(name) (\(source.label))"
        return "\(heading):\n\(fence)\(language ?? "")\n\(body)\n\(fence)"
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}

/// How much an attachment may hold.
public enum AttachLimits {
    /// Text from a file, a page, a command or stdin, unless `--attach-limit` raises it.
    public static let defaultText = 1024 * 1024
    /// A PDF file (its text is held to the text limit), or the text limit when that is higher.
    public static let pdfFile = 20 * 1024 * 1024
}
