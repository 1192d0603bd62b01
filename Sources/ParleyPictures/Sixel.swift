/// A picture in the colours of a palette, each pixel an index into it (or transparent).
public struct IndexedPicture: Equatable, Sendable {
    public static let transparent: UInt8 = 255
    public let width: Int
    public let height: Int
    public let indices: [UInt8]

    public init(width: Int, height: Int, indices: [UInt8]) {
        precondition(indices.count == width * height, "indices of the wrong size")
        self.width = width
        self.height = height
        self.indices = indices
    }
}

/// Pictures as DEC sixel graphics (VT340, xterm, foot, WezTerm, mlterm, Windows Terminal...): a fixed
/// palette of 6 reds × 7 greens × 6 blues with ordered dithering, 1:1 pixels, transparent where the
/// picture is, and runs compressed.
public enum Sixel {
    static let levels = (red: 6, green: 7, blue: 6)

    /// The palette, as red, green and blue in percent (sixel's colour units).
    public static let palette: [(red: Int, green: Int, blue: Int)] = {
        var colours: [(Int, Int, Int)] = []
        for red in 0..<levels.red {
            for green in 0..<levels.green {
                for blue in 0..<levels.blue {
                    colours.append((percent(red, of: levels.red), percent(green, of: levels.green), percent(blue, of: levels.blue)))
                }
            }
        }
        return colours
    }()

    private static func percent(_ level: Int, of count: Int) -> Int { (level * 100 + (count - 1) / 2) / (count - 1) }

    /// 4×4 Bayer thresholds, in sixteenths.
    private static let bayer: [Int] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]

    /// Each pixel's nearest palette colour, dithered; pixels under half opacity are transparent.
    public static func quantize(_ picture: Picture) -> IndexedPicture {
        var indices = [UInt8](repeating: IndexedPicture.transparent, count: picture.width * picture.height)
        picture.rgba.withUnsafeBufferPointer { rgba in
            for y in 0..<picture.height {
                for x in 0..<picture.width {
                    let pixel = (y * picture.width + x) * 4
                    guard rgba[pixel + 3] >= 128 else { continue }
                    // level = floor(value × (levels − 1) / 255 + threshold), threshold in (0, 1)
                    let threshold = bayer[(y & 3) * 4 + (x & 3)] * 2 + 1  // in 32nds
                    func level(_ value: UInt8, _ count: Int) -> Int {
                        min(count - 1, (Int(value) * (count - 1) * 32 + threshold * 255) / (255 * 32))
                    }
                    let red = level(rgba[pixel], levels.red)
                    let green = level(rgba[pixel + 1], levels.green)
                    let blue = level(rgba[pixel + 2], levels.blue)
                    indices[y * picture.width + x] = UInt8((red * levels.green + green) * levels.blue + blue)
                }
            }
        }
        return IndexedPicture(width: picture.width, height: picture.height, indices: indices)
    }

    /// The sixel sequence that draws `picture`: DCS, raster attributes, the colours it uses, then one
    /// band of six pixel rows after another, ending with ST.
    public static func encode(_ picture: Picture) -> String { encode(quantize(picture)) }

    public static func encode(_ picture: IndexedPicture) -> String {
        var out = "\u{1B}P0;1;0q\"1;1;\(picture.width);\(picture.height)"
        var used = [Bool](repeating: false, count: 256)
        for index in picture.indices where index != IndexedPicture.transparent { used[Int(index)] = true }
        for (index, colour) in palette.enumerated() where used[index] {
            out += "#\(index);2;\(colour.red);\(colour.green);\(colour.blue)"
        }
        var masks = [[UInt8]](repeating: [], count: 256)
        for top in stride(from: 0, to: picture.height, by: 6) {
            var inBand: [Int] = []
            for row in 0..<min(6, picture.height - top) {
                let start = (top + row) * picture.width
                for x in 0..<picture.width {
                    let index = Int(picture.indices[start + x])
                    guard index != Int(IndexedPicture.transparent) else { continue }
                    if masks[index].isEmpty {
                        masks[index] = [UInt8](repeating: 0, count: picture.width)
                        inBand.append(index)
                    }
                    masks[index][x] |= 1 << row
                }
            }
            for (position, index) in inBand.sorted().enumerated() {
                if position > 0 { out += "$" }
                out += "#\(index)"
                appendRuns(masks[index], to: &out)
                masks[index] = []
            }
            if top + 6 < picture.height { out += "-" }
        }
        return out + "\u{1B}\\"
    }

    /// Sixel characters for the columns' bit masks, runs of four or more as `!count`, blank columns at
    /// the end left out.
    private static func appendRuns(_ columns: [UInt8], to out: inout String) {
        var end = columns.count
        while end > 0 && columns[end - 1] == 0 { end -= 1 }
        var x = 0
        while x < end {
            var run = 1
            while x + run < end && columns[x + run] == columns[x] { run += 1 }
            let character = Character(Unicode.Scalar(63 + columns[x]))
            if run >= 4 {
                out += "!\(run)"
                out.append(character)
            } else {
                out += String(repeating: character, count: run)
            }
            x += run
        }
    }
}
