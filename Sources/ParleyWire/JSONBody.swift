/// The chat request as JSON bytes, written straight into one buffer: what `JSONEncoder` with sorted
/// keys and unescaped slashes gives, without its tree of values and its copies (a 10 MB message is
/// held once more, not three times).
extension ChatRequest {
    public func jsonBody() -> [UInt8] {
        // Room for the text and an eighth more for escapes, so that the buffer need not grow (a grown
        // one is held twice while it is copied).
        let size = messages.reduce(256) { $0 + $1.content.estimatedBytes + 32 }
        var out = JSONBytes(capacity: size + size / 8)
        out.raw("{")
        if let maxTokens { out.raw("\"max_tokens\":" + String(maxTokens) + ",") }
        out.raw("\"messages\":[")
        for (index, message) in messages.enumerated() {
            out.raw(index == 0 ? "{\"content\":" : ",{\"content\":")
            switch message.content {
            case let .text(text):
                out.string(text)
            case let .parts(parts):
                out.raw("[")
                for (index, part) in parts.enumerated() {
                    if index > 0 { out.raw(",") }
                    switch part {
                    case let .text(text):
                        out.raw("{\"text\":")
                        out.string(text)
                        out.raw(",\"type\":\"text\"}")
                    case let .imageURL(url):
                        out.raw("{\"image_url\":{\"url\":")
                        out.string(url)
                        out.raw("},\"type\":\"image_url\"}")
                    }
                }
                out.raw("]")
            }
            out.raw(",\"role\":")
            out.string(message.role.rawValue)
            out.raw("}")
        }
        out.raw("],\"model\":")
        out.string(model)
        out.raw(stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : ",\"stream\":false")
        if let temperature { out.raw(",\"temperature\":" + JSONBytes.number(temperature)) }
        if let topP { out.raw(",\"top_p\":" + JSONBytes.number(topP)) }
        out.raw("}")
        return out.bytes
    }
}

extension MessageContent {
    var estimatedBytes: Int {
        switch self {
        case let .text(text): return text.utf8.count
        case let .parts(parts):
            return parts.reduce(0) { total, part in
                switch part {
                case let .text(text): return total + text.utf8.count + 32
                case let .imageURL(url): return total + url.utf8.count + 48
                }
            }
        }
    }
}

/// JSON written byte by byte: strings escaped as JSON requires (quote, backslash, control bytes),
/// everything else as it is.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// As `JSONEncoder` writes a number: a whole one without a fraction.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
