#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a terminal said of its graphics when asked.
public struct TerminalGraphics: Equatable, Sendable {
    /// It answered the device-attributes query (every real terminal does; its answer ends the probe).
    public var answered = false
    /// It answered kitty's graphics query with OK.
    public var kitty = false
    /// Its device attributes include 4: sixel graphics.
    public var sixel = false
    /// A character cell in pixels, when it said (CSI 16 t).
    public var cellWidth: Int?
    public var cellHeight: Int?

    public init(answered: Bool = false, kitty: Bool = false, sixel: Bool = false, cellWidth: Int? = nil, cellHeight: Int? = nil) {
        self.answered = answered
        self.kitty = kitty
        self.sixel = sixel
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
    }
}

/// Asks the terminal what pictures it can show: kitty's graphics query (a 1×1 image it is asked to
/// check, not show), the cell size in pixels, and the primary device attributes. Terminals answer in
/// order, and every terminal answers the last, so its answer (or a timeout) ends the wait. Terminals
/// that do not know a query ignore it; nothing is drawn.
public enum GraphicsProbe {
    public static let query = "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\" + "\u{1B}[16t" + "\u{1B}[c"

    /// Sends the query on `output` and reads the answers from `input` (a terminal), `timeout` ms at most.
    /// Bytes that are not answers (keys typed meanwhile) come back as `typed`, for the line editor.
    public static func ask(input: Int32 = 0, output: Int32 = 1, timeout: Int = 500) -> (graphics: TerminalGraphics, typed: [UInt8]) {
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else { return (TerminalGraphics(), []) }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSANOW, &raw)
        defer { tcsetattr(input, TCSANOW, &saved) }

        let bytes = Array(query.utf8)
        guard bytes.withUnsafeBufferPointer({ write(output, $0.baseAddress, $0.count) }) == bytes.count else {
            return (TerminalGraphics(), [])
        }
        var reply: [UInt8] = []
        func milliseconds() -> Int {
            var clock = timespec()
            clock_gettime(CLOCK_MONOTONIC, &clock)
            return Int(clock.tv_sec) * 1000 + Int(clock.tv_nsec) / 1_000_000
        }
        let deadline = milliseconds() + timeout
        var buffer = [UInt8](repeating: 0, count: 256)
        while !hasDeviceAttributes(reply) {
            let left = deadline - milliseconds()
            guard left > 0 else { break }
            var poller = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left)) > 0 else { continue }
            let count = read(input, &buffer, buffer.count)
            guard count > 0 else { break }
            reply += buffer[0..<count]
        }
        return (parse(reply), typed(in: reply))
    }

    /// What of the bytes read while asking is not the terminal's answers: keys typed meanwhile, in
    /// order (an arrow's sequence too).
    public static func typed(in bytes: [UInt8]) -> [UInt8] {
        var kept: [UInt8] = []
        var index = 0
        for reply in replies(bytes) where reply.isAnswer {
            kept += bytes[index..<reply.range.lowerBound]
            index = reply.range.upperBound
        }
        return kept + bytes[index...]
    }

    /// Whether `bytes` hold the answer to the device-attributes query: ESC [ ? ... c.
    public static func hasDeviceAttributes(_ bytes: [UInt8]) -> Bool {
        replies(bytes).contains { $0.kind == .csi && $0.body.first == UInt8(ascii: "?") && $0.final == UInt8(ascii: "c") }
    }

    /// The facts in a terminal's answers.
    public static func parse(_ bytes: [UInt8]) -> TerminalGraphics {
        var graphics = TerminalGraphics()
        for reply in replies(bytes) {
            let body = String(decoding: reply.body, as: UTF8.self)
            switch reply.kind {
            case .apc:
                // ESC _ G i=31;OK ESC \   (an error would say i=31;ENOTSUPPORTED:...)
                if body.hasPrefix("G"), body.split(separator: ";").first?.split(separator: ",").contains("Gi=31") == true,
                    body.hasSuffix(";OK")
                {
                    graphics.kitty = true
                }
            case .csi where reply.final == UInt8(ascii: "c") && body.hasPrefix("?"):
                graphics.answered = true
                graphics.sixel = body.dropFirst().split(separator: ";").contains("4")
            case .csi where reply.final == UInt8(ascii: "t"):
                let numbers = body.split(separator: ";").map { Int($0) }
                if numbers.count == 3, numbers[0] == 6, let height = numbers[1], let width = numbers[2], height > 0, width > 0 {
                    graphics.cellHeight = height
                    graphics.cellWidth = width
                }
            default:
                break
            }
        }
        return graphics
    }

    enum ReplyKind { case csi, apc }
    struct Reply {
        let kind: ReplyKind
        let body: ArraySlice<UInt8>
        let final: UInt8
        /// Where it lies in the bytes read, from its ESC to its last byte.
        let range: Range<Int>

        /// Whether it answers one of the queries (kitty's, the cell size, the device attributes).
        var isAnswer: Bool {
            switch kind {
            case .apc: body.first == UInt8(ascii: "G")
            case .csi: final == UInt8(ascii: "c") && body.first == UInt8(ascii: "?") || final == UInt8(ascii: "t")
            }
        }
    }

    /// The control sequences in `bytes`: CSI (ESC [ parameters final) and APC (ESC _ ... ESC \).
    static func replies(_ bytes: [UInt8]) -> [Reply] {
        var found: [Reply] = []
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == 0x1B else {
                index += 1
                continue
            }
            let start = index + 2
            switch bytes[index + 1] {
            case UInt8(ascii: "["):
                var end = start
                while end < bytes.count, (0x20...0x3F).contains(bytes[end]) { end += 1 }
                guard end < bytes.count else { return found }
                found.append(Reply(kind: .csi, body: bytes[start..<end], final: bytes[end], range: index..<end + 1))
                index = end + 1
            case UInt8(ascii: "_"):
                var end = start
                while end + 1 < bytes.count, !(bytes[end] == 0x1B && bytes[end + 1] == UInt8(ascii: "\\")) { end += 1 }
                guard end + 1 < bytes.count else { return found }
                found.append(Reply(kind: .apc, body: bytes[start..<end], final: 0, range: index..<end + 2))
                index = end + 2
            default:
                index += 1
            }
        }
        return found
    }
}
