import Foundation

/// The fast path for the one shape nearly every streamed event has:
/// `{"choices":[{"delta":{"content":"…"},"finish_reason":null}], …}`. It reads the bytes once and
/// builds nothing but the strings it returns. Anything else (an error, usage figures, a shape it
/// does not know) gives nil, and the caller decodes the event in full.
enum ChunkScanner {
    struct Fields: Equatable {
        var content: String?
        var reasoning: String?
        var finishReason: String?
    }

    static func scan(_ text: String) -> Fields? {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Fields? {
        var scanner = Scanner(bytes: bytes)
        return scanner.chunk()
    }

    /// Scans `bytes` in full; an event that had content alone becomes the template for the next
    /// (which the parser tries first).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, template: inout Template?) -> Fields? {
        var scanner = Scanner(bytes: bytes)
        guard let fields = scanner.chunk() else { return nil }
        if let range = scanner.contentRange, fields.reasoning?.isEmpty ?? true, fields.finishReason == nil {
            template = Template(prefix: Array(bytes[..<(range.lowerBound + 1)]), suffix: Array(bytes[(range.upperBound - 1)...]))
        }
        return fields
    }

    /// Walks a JSON string's body in `bytes` from `start`, stepping over each escape whole: where it
    /// stops (the closing quote's index, else at or past the end) and whether it met an escape; nil at
    /// a control byte.
    @inline(__always)
    static func stringBody(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, escaped: Bool)? {
        var index = start
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return (index, escaped) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if byte < 0x20 { return nil }
            index += 1
        }
        return (index, escaped)
    }

    /// The bytes around the content of an event the scanner read in full, and found to carry content
    /// and nothing else. Servers send nearly every event of a reply with the same bytes around a
    /// different content: an event whose bytes start with `prefix` and end with `suffix` parses as
    /// that event did, but for its content, which is then all there is to read.
    struct Template {
        /// Up to and including the content string's opening quote.
        let prefix: [UInt8]
        /// From the content string's closing quote to the end.
        let suffix: [UInt8]

        /// Content bytes from `contentBytes(of:)` as text, escapes undone; nil for an escape that
        /// does not read.
        static func text(_ content: UnsafeBufferPointer<UInt8>, escaped: Bool) -> String? {
            escaped ? Scanner(bytes: content).unescape(content) : String(decoding: content, as: UTF8.self)
        }

        /// The bytes of the content string of `bytes` as they lie (escapes not yet undone), and whether
        /// it has escapes; nil when the bytes do not fit the template.
        func contentBytes(of bytes: UnsafeBufferPointer<UInt8>) -> (UnsafeBufferPointer<UInt8>, escaped: Bool)? {
            guard bytes.count >= prefix.count + suffix.count, let base = bytes.baseAddress,
                memcmp(base, prefix, prefix.count) == 0,
                memcmp(base + (bytes.count - suffix.count), suffix, suffix.count) == 0
            else { return nil }
            let middle = UnsafeBufferPointer(rebasing: bytes[prefix.count..<(bytes.count - suffix.count)])
            // The middle must be one whole string body: no bare quote, no control byte, no escape that
            // would reach into the suffix.
            guard let (end, escaped) = stringBody(middle, from: 0), end == middle.count else { return nil }
            return (middle, escaped)
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        /// Where the first choice's content string lies, quotes included.
        var contentRange: Range<Int>?

        mutating func chunk() -> Fields? {
            var fields = Fields()
            var sawChoices = false
            guard expect(UInt8(ascii: "{")) else { return nil }
            if peek(UInt8(ascii: "}")) { return nil }
            repeat {
                guard let field = key() else { return nil }
                guard expect(UInt8(ascii: ":")) else { return nil }
                switch field {
                case .choices:
                    guard !sawChoices, expect(UInt8(ascii: "[")) else { return nil }
                    sawChoices = true
                    if peek(UInt8(ascii: "]")) { break }
                    guard choice(into: &fields) else { return nil }
                    while peek(UInt8(ascii: ",")) {
                        guard skipValue() else { return nil }
                    }
                    guard expect(UInt8(ascii: "]")) else { return nil }
                case .error:
                    return nil
                case .usage:
                    guard literal("null") else { return nil }  // figures: decode in full
                default:
                    guard skipValue() else { return nil }
                }
            } while peek(UInt8(ascii: ","))
            guard expect(UInt8(ascii: "}")), sawChoices else { return nil }
            whitespace()
            return at == bytes.count ? fields : nil
        }

        /// The first choice. A key it reads given twice (or both names of reasoning) fails: JSONDecoder,
        /// which reads such an event in full, keeps the first, and prefers `reasoning_content`.
        mutating func choice(into fields: inout Fields) -> Bool {
            var seen: UInt8 = 0  // a bit for each key read
            guard expect(UInt8(ascii: "{")) else { return false }
            if peek(UInt8(ascii: "}")) { return true }
            repeat {
                guard let field = key(), expect(UInt8(ascii: ":")) else { return false }
                guard field.once(in: &seen) else { return false }
                switch field {
                case .delta:
                    guard expect(UInt8(ascii: "{")) else { return false }
                    if peek(UInt8(ascii: "}")) { break }
                    repeat {
                        guard let name = key(), expect(UInt8(ascii: ":")) else { return false }
                        guard name.once(in: &seen) else { return false }
                        switch name {
                        case .content:
                            whitespace()
                            let start = at
                            guard let value = optionalString() else { return false }
                            fields.content = value
                            contentRange = value == nil ? nil : start..<at
                        case .reasoning:
                            guard let value = optionalString() else { return false }
                            if let value { fields.reasoning = value }
                        default:
                            guard skipValue() else { return false }
                        }
                    } while peek(UInt8(ascii: ","))
                    guard expect(UInt8(ascii: "}")) else { return false }
                case .finishReason:
                    guard let value = optionalString() else { return false }
                    fields.finishReason = value
                default:
                    guard skipValue() else { return false }
                }
            } while peek(UInt8(ascii: ","))
            return expect(UInt8(ascii: "}"))
        }

        // MARK: - Tokens

        enum Key: UInt8 {
            case choices, error, usage, delta, content, reasoning, finishReason, other

            /// Whether this key is read for the first time (an unknown one, any time), marked in `seen`.
            func once(in seen: inout UInt8) -> Bool {
                guard self != .other else { return true }
                let bit: UInt8 = 1 << rawValue
                defer { seen |= bit }
                return seen & bit == 0
            }
        }

        /// An object key, told from its bytes without making a string. Keys with escapes are
        /// not expected: they fail, and the event is decoded in full.
        mutating func key() -> Key? {
            guard peek(UInt8(ascii: "\"")) else { return nil }
            let start = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
                if bytes[at] == UInt8(ascii: "\\") || bytes[at] < 0x20 { return nil }
                at += 1
            }
            guard at < bytes.count else { return nil }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<at])
            at += 1
            func named(_ word: StaticString) -> Bool {
                raw.count == word.utf8CodeUnitCount && memcmp(raw.baseAddress!, word.utf8Start, raw.count) == 0
            }
            switch raw.count {
            case 7 where named("choices"): return .choices
            case 5 where named("error"): return .error
            case 5 where named("usage"): return .usage
            case 5 where named("delta"): return .delta
            case 7 where named("content"): return .content
            case 9 where named("reasoning"), 17 where named("reasoning_content"): return .reasoning
            case 13 where named("finish_reason"): return .finishReason
            default: return .other
            }
        }

        mutating func whitespace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        /// Consumes `byte` (after whitespace) when it is next.
        mutating func peek(_ byte: UInt8) -> Bool {
            whitespace()
            if at < bytes.count, bytes[at] == byte {
                at += 1
                return true
            }
            return false
        }

        mutating func expect(_ byte: UInt8) -> Bool { peek(byte) }

        mutating func literal(_ word: StaticString) -> Bool {
            whitespace()
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            for index in 0..<count where bytes[at + index] != word.utf8Start[index] { return false }
            at += count
            return true
        }

        /// A string, or nil for `null`; fails (outer nil) on anything else.
        mutating func optionalString() -> String?? {
            if literal("null") { return .some(nil) }
            guard let value = string() else { return nil }
            return .some(value)
        }

        mutating func string() -> String? {
            guard let (raw, escaped) = stringBytes() else { return nil }
            return escaped ? unescape(raw) : String(decoding: raw, as: UTF8.self)
        }

        /// The bytes between a string's quotes, and whether they hold escapes.
        mutating func stringBytes() -> (UnsafeBufferPointer<UInt8>, Bool)? {
            guard peek(UInt8(ascii: "\"")) else { return nil }
            guard let (end, escaped) = stringBody(bytes, from: at), end < bytes.count else { return nil }
            let raw = UnsafeBufferPointer(rebasing: bytes[at..<end])
            at = end + 1
            return (raw, escaped)
        }

        /// Passes over a string without making it (its escapes checked as `unescape` would).
        mutating func skipString() -> Bool {
            guard let (raw, escaped) = stringBytes() else { return false }
            return !escaped || unescape(raw) != nil
        }

        func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
            var out = [UInt8]()
            out.reserveCapacity(raw.count)
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < raw.count else { return nil }
                let kind = raw[index + 1]
                index += 2
                switch kind {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(kind)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(raw, index) else { return nil }
                    index += 4
                    if (0xD800...0xDBFF).contains(scalar), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                        raw[index + 1] == UInt8(ascii: "u"), let low = hex4(raw, index + 2), (0xDC00...0xDFFF).contains(low)
                    {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: String(character).utf8)
                default:
                    return nil
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for byte in raw[at..<(at + 4)] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// Skips any JSON value.
        mutating func skipValue() -> Bool {
            whitespace()
            guard at < bytes.count else { return false }
            switch bytes[at] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"):
                at += 1
                if peek(UInt8(ascii: "}")) { return true }
                repeat {
                    guard skipString(), expect(UInt8(ascii: ":")), skipValue() else { return false }
                } while peek(UInt8(ascii: ","))
                return expect(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                at += 1
                if peek(UInt8(ascii: "]")) { return true }
                repeat {
                    guard skipValue() else { return false }
                } while peek(UInt8(ascii: ","))
                return expect(UInt8(ascii: "]"))
            default:
                if literal("true") || literal("false") || literal("null") { return true }
                return number()
            }
        }

        /// A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() -> Bool {
            func digits() -> Int {
                let start = at
                while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 }
                return at - start
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count else { return false }
            if bytes[at] == UInt8(ascii: "0") { at += 1 } else if digits() == 0 { return false }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard digits() > 0 else { return false }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() > 0 else { return false }
            }
            return true
        }
    }
}
