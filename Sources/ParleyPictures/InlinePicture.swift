import Foundation

/// The ways a terminal can be told to show a picture.
public enum PictureProtocol: String, Sendable {
    /// kitty's graphics protocol (kitty, WezTerm, Ghostty, Konsole).
    case kitty
    /// iTerm2's inline images (iTerm2, WezTerm).
    case iterm2
    /// DEC sixel graphics.
    case sixel
}

/// A terminal character cell in pixels.
public struct CellSize: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// What to assume when the terminal does not say: a common 10 × 20.
    public static let assumed = CellSize(width: 10, height: 20)
}

/// A thumbnail of an image file as the escape sequence that shows it in the terminal.
public enum InlinePicture {
    /// Thumbnails are this many lines high...
    public static let rows = 3
    /// ...and at most this many columns wide.
    public static let maxColumns = 40

    /// The sequence that shows `data` (the file's bytes) `rows` lines high, or nil when the picture
    /// cannot be decoded for a protocol that needs pixels.
    public static func sequence(for data: Data, using pictureProtocol: PictureProtocol, cell: CellSize = .assumed) -> String? {
        switch pictureProtocol {
        case .iterm2:
            // iTerm2 decodes the file itself.
            return "\u{1B}]1337;File=inline=1;height=\(rows);size=\(data.count):\(data.base64EncodedString())\u{07}"
        case .kitty:
            guard let picture = thumbnail(data, cell: cell) else { return nil }
            return kitty(picture)
        case .sixel:
            guard let picture = thumbnail(data, cell: cell) else { return nil }
            return Sixel.encode(picture)
        }
    }

    /// The file's pixels made small enough for `rows` lines and `maxColumns` columns.
    static func thumbnail(_ data: Data, cell: CellSize) -> Picture? {
        let width = maxColumns * cell.width
        let height = rows * cell.height
        // Both sides at least twice the thumbnail's height: a JPEG may be decoded smaller (a photo's
        // thumbnail costs a fraction of its pixels), and the thumbnail, however wide, is still made
        // smaller, never larger.
        guard let picture = PictureDecoder.decode(data, atLeast: (2 * height, 2 * height)) else { return nil }
        return picture.scaled(toFitWidth: width, height: height)
    }

    /// kitty's graphics protocol: raw RGBA (f=32) in base64 chunks of 4,096, shown `rows` lines high,
    /// with the terminal's replies turned off (q=2) so none lands in the input.
    static func kitty(_ picture: Picture) -> String {
        let base64 = Data(picture.rgba).base64EncodedString()
        var out = ""
        var rest = Substring(base64)
        var first = true
        repeat {
            let chunk = rest.prefix(4096)
            rest = rest.dropFirst(chunk.count)
            let more = rest.isEmpty ? 0 : 1
            let control = first ? "a=T,f=32,s=\(picture.width),v=\(picture.height),r=\(rows),q=2,m=\(more)" : "m=\(more)"
            out += "\u{1B}_G\(control);\(chunk)\u{1B}\\"
            first = false
        } while !rest.isEmpty
        return out
    }
}
