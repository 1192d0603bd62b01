/// An image as 8-bit RGBA pixels, row by row.
public struct Picture: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes: red, green, blue, alpha.
    public let rgba: [UInt8]

    public init(width: Int, height: Int, rgba: [UInt8]) {
        precondition(width > 0 && height > 0 && rgba.count == width * height * 4, "RGBA of the wrong size")
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The size that fits in `maxWidth` × `maxHeight` keeping the aspect ratio; never larger than now.
    public func fittingSize(maxWidth: Int, maxHeight: Int) -> (width: Int, height: Int) {
        let scale = min(1.0, Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// This picture made smaller to fit in `maxWidth` × `maxHeight` (never larger): each new pixel is
    /// the average of the pixels it covers, weighted by their alpha so transparent pixels lend no colour.
    public func scaled(toFitWidth maxWidth: Int, height maxHeight: Int) -> Picture {
        let (newWidth, newHeight) = fittingSize(maxWidth: maxWidth, maxHeight: maxHeight)
        if newWidth == width && newHeight == height { return self }
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 4)
        rgba.withUnsafeBufferPointer { source in
            for y in 0..<newHeight {
                let top = y * height / newHeight
                let bottom = max(top + 1, (y + 1) * height / newHeight)
                for x in 0..<newWidth {
                    let left = x * width / newWidth
                    let right = max(left + 1, (x + 1) * width / newWidth)
                    var red = 0
                    var green = 0
                    var blue = 0
                    var alpha = 0
                    for sy in top..<bottom {
                        var index = (sy * width + left) * 4
                        for _ in left..<right {
                            let a = Int(source[index + 3])
                            red += Int(source[index]) * a
                            green += Int(source[index + 1]) * a
                            blue += Int(source[index + 2]) * a
                            alpha += a
                            index += 4
                        }
                    }
                    let target = (y * newWidth + x) * 4
                    let count = (bottom - top) * (right - left)
                    if alpha > 0 {
                        out[target] = UInt8((red + alpha / 2) / alpha)
                        out[target + 1] = UInt8((green + alpha / 2) / alpha)
                        out[target + 2] = UInt8((blue + alpha / 2) / alpha)
                        out[target + 3] = UInt8((alpha + count / 2) / count)
                    }
                }
            }
        }
        return Picture(width: newWidth, height: newHeight, rgba: out)
    }
}
