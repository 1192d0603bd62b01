import Foundation

/// Complete, valid pictures of any size that take a few bytes to a few hundred kilobytes however many
/// pixels they claim: one colour, in each format's cheapest encoding. They decode (at a small size, to
/// show they are right), so a decoder without its size limit would decode the huge ones too.
enum CraftedPictures {
    /// 8-bit grey, every pixel black: the rows' zero bytes deflated as runs of 258.
    static func png(width: Int, height: Int) -> Data {
        var header = Data()
        header.append(bigEndian32(width) + bigEndian32(height))
        header.append(contentsOf: [8, 0, 0, 0, 0])  // depth 8, grey, deflate, no filter method, not interlaced
        let raw = height * (1 + width)  // each row: filter byte 0, then its pixels, all zero
        var zlib = Data([0x78, 0x01])
        zlib.append(deflatedZeros(raw))
        zlib.append(bigEndian32((raw % 65521) << 16 | 1))  // Adler-32 of zeros
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(chunk("IHDR", header))
        png.append(chunk("IDAT", zlib))
        png.append(chunk("IEND", Data()))
        return png
    }

    /// A screen of `width` × `height` and one black pixel at its corner (a 1 × 1 frame).
    static func gif(width: Int, height: Int) -> Data {
        var gif = Data("GIF89a".utf8)
        gif.append(littleEndian16(width) + littleEndian16(height))
        gif.append(contentsOf: [0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF])  // a two-colour table: black, white
        gif.append(contentsOf: [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0])  // the frame: at 0,0, 1 × 1
        gif.append(contentsOf: [0x02, 0x02, 0x44, 0x01, 0x00])  // LZW, 2 bits: clear, colour 0, end
        gif.append(0x3B)
        return gif
    }

    /// Lossless WebP (VP8L) whose five prefix codes each hold one symbol: every pixel costs no bits.
    static func webp(width: Int, height: Int) -> Data {
        var bits = BitWriter()
        bits.write(width - 1, count: 14)
        bits.write(height - 1, count: 14)
        bits.write(0, count: 4)  // no alpha, version 0
        bits.write(0, count: 3)  // no transform, no colour cache, no meta prefix codes
        for _ in 0..<5 { bits.write(0b0001, count: 4) }  // simple code, one symbol, of 1 bit: symbol 0
        let payload = Data([0x2F]) + bits.finish()
        let padded = payload.count % 2 == 1 ? payload + Data([0]) : payload
        return Data("RIFF".utf8) + littleEndian32(4 + 8 + padded.count) + Data("WEBPVP8L".utf8) + littleEndian32(payload.count) + padded
    }

    /// Baseline grey JPEG, every 8 × 8 block "DC unchanged, end of block": two bits a block.
    static func jpeg(width: Int, height: Int) -> Data {
        var jpeg = Data([0xFF, 0xD8])
        jpeg.append(segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64)))  // one quantisation table
        jpeg.append(segment(0xC0, [8] + bigEndian16(height) + bigEndian16(width) + [1, 1, 0x11, 0]))  // one component
        let oneCodeOfOneBit: [UInt8] = [1] + [UInt8](repeating: 0, count: 15) + [0x00]
        jpeg.append(segment(0xC4, [0x00] + oneCodeOfOneBit))  // DC: "0" is category 0
        jpeg.append(segment(0xC4, [0x10] + oneCodeOfOneBit))  // AC: "0" is end of block
        jpeg.append(segment(0xDA, [1, 1, 0x00, 0, 63, 0]))
        let blocks = ((width + 7) / 8) * ((height + 7) / 8)
        var scan = Data(count: (2 * blocks + 7) / 8)
        if (2 * blocks) % 8 != 0 { scan[scan.count - 1] = 0xFF >> ((2 * blocks) % 8) }  // padded with ones
        jpeg.append(scan)
        jpeg.append(contentsOf: [0xFF, 0xD9])
        return jpeg
    }

    // MARK: - Pieces

    /// `count` zero bytes as one fixed-Huffman deflate block: a literal zero, then copies of 258 bytes
    /// from 1 back, then literal zeros for what is left.
    static func deflatedZeros(_ count: Int) -> Data {
        var bits = BitWriter()
        bits.write(1, count: 1)  // the last block
        bits.write(1, count: 2)  // fixed Huffman codes
        let literalZero = (code: 0x30, length: 8)
        var left = count
        if left > 0 {
            bits.writeCode(literalZero.code, length: literalZero.length)
            left -= 1
        }
        while left >= 258 {
            bits.writeCode(0xC5, length: 8)  // length 258 (symbol 285)
            bits.writeCode(0, length: 5)  // distance 1
            left -= 258
        }
        for _ in 0..<left { bits.writeCode(literalZero.code, length: literalZero.length) }
        bits.writeCode(0, length: 7)  // end of block
        return bits.finish()
    }

    static func chunk(_ type: String, _ data: Data) -> Data {
        let body = Data(type.utf8) + data
        return bigEndian32(data.count) + body + bigEndian32(Int(crc32(body)))
    }

    static func segment(_ marker: UInt8, _ body: [UInt8]) -> Data {
        Data([0xFF, marker] + bigEndian16(body.count + 2) + body)
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    static func bigEndian32(_ value: Int) -> Data { Data(bigEndian16(value >> 16) + bigEndian16(value)) }
    static func littleEndian16(_ value: Int) -> Data { Data([UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)]) }
    static func littleEndian32(_ value: Int) -> Data { littleEndian16(value) + littleEndian16(value >> 16) }

    /// Bits packed from the lowest of each byte up (deflate's and VP8L's order).
    struct BitWriter {
        private var bytes: [UInt8] = []
        private var used = 8

        /// `value`'s lowest `count` bits, lowest first.
        mutating func write(_ value: Int, count: Int) {
            for index in 0..<count { put(value >> index & 1) }
        }

        /// A Huffman code: its highest bit first.
        mutating func writeCode(_ code: Int, length: Int) {
            for index in stride(from: length - 1, through: 0, by: -1) { put(code >> index & 1) }
        }

        private mutating func put(_ bit: Int) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= UInt8(bit) << used
            used += 1
        }

        func finish() -> Data { Data(bytes) }
    }
}
