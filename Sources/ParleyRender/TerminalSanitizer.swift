/// Makes text from the server harmless to a terminal. Escape sequences (CSI, OSC — clipboard, title —,
/// DCS, SOS, PM, APC and two-byte escapes) are removed whole, even when split across pieces; other C0
/// controls (but newline and tab), DEL and C1 controls are shown as visible text (`^G`, `<U+009B>`), as
/// are the bidirectional overrides and isolates that could reorder what is shown.
///
/// Stateful: feed the pieces of one reply in order; `finish` ends a sequence left open.
public struct TerminalSanitizer: Sendable {
    private enum Mode: Sendable {
        case text
        case escape  // after ESC
        case csi  // ESC [ ... final byte 0x40-0x7E
        case string  // OSC, DCS, SOS, PM, APC: until BEL or ST
        case stringEscape  // ESC inside a string: ST is ESC \
    }

    private var mode = Mode.text

    public init() {}

    public mutating func sanitize(_ text: String) -> String {
        if mode == .text, Self.isPlain(text) { return text }  // the common case: nothing to change, nothing copied
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch mode {
            case .text:
                switch value {
                case 0x1B: mode = .escape
                case 0x9B: mode = .csi  // C1 CSI
                case 0x90, 0x98, 0x9D, 0x9E, 0x9F: mode = .string  // C1 DCS, SOS, OSC, PM, APC
                case 0x0A, 0x09: out.append(scalar)
                case 0x00..<0x20: out.append(contentsOf: "^\(Character(Unicode.Scalar(value + 0x40)!))".unicodeScalars)
                case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
                case 0x80..<0xA0, 0x202A...0x202E, 0x2066...0x2069:
                    out.append(contentsOf: Self.visible(value).unicodeScalars)
                default: out.append(scalar)
                }
            case .escape:
                switch value {
                case 0x5B: mode = .csi  // [
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F: mode = .string  // ] P X ^ _
                case 0x20...0x2F: mode = .escape  // intermediate bytes: ESC ( B etc.
                default: mode = .text  // the final byte of a two-byte escape
                }
            case .csi:
                if (0x40...0x7E).contains(value) {
                    mode = .text
                } else if !(0x20...0x3F).contains(value) {
                    // Not a CSI byte: the sequence is broken; drop it and treat this scalar as text.
                    mode = .text
                    out.append(contentsOf: sanitize(String(scalar)).unicodeScalars)
                }
            case .string:
                if value == 0x07 || value == 0x9C { mode = .text } else if value == 0x1B { mode = .stringEscape }
            case .stringEscape:
                mode = value == 0x5C ? .text : .string
            }
        }
        return String(out)
    }

    /// No control character (but newline and tab), no DEL, no C1 control, no bidirectional override.
    static func isPlain(_ text: String) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20, byte != 0x0A, byte != 0x09 { return false }
            if byte == 0x7F { return false }
            if previous == 0xC2, (0x80...0x9F).contains(byte) { return false }  // C1
            if beforePrevious == 0xE2, previous == 0x80, (0xAA...0xAE).contains(byte) { return false }  // U+202A–202E
            if beforePrevious == 0xE2, previous == 0x81, (0xA6...0xA9).contains(byte) { return false }  // U+2066–2069
            beforePrevious = previous
            previous = byte
        }
        return true
    }

    /// The reply ended: forget any sequence left open.
    public mutating func finish() {
        mode = .text
    }

    /// One-shot form for whole strings.
    public static func clean(_ text: String) -> String {
        var sanitizer = TerminalSanitizer()
        return sanitizer.sanitize(text)
    }

    static func visible(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
