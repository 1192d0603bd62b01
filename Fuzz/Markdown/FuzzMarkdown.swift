import FuzzDriver
import ParleyRender

/// A reply through `ReplyWriter` as a terminal gets it (sanitizer, Markdown renderer, line wrapper), in
/// pieces, styled or plain, at a width that may change between pieces:
/// - nothing but parley's own sequences reaches the terminal: SGR styles (styled only), and the
///   wrapper's carriage return, cursor-forward and erase-line; no other escape, no C0 control but
///   newline and tab, no DEL, no C1 control, no bidirectional override;
/// - the output is at most linear in the input (a row of a table or a rule is as wide as the terminal).
///
/// The input's last byte sets the width and whether styles are on; the pieces are cut where the input's
/// hash says.
@main
enum FuzzMarkdown {
    static func main() {
        runFuzzer(check)
    }

    static func check(_ input: UnsafeBufferPointer<UInt8>) {
        guard let settings = input.last else { return }
        let text = Array(input.dropLast())
        let styled = settings & 0x80 != 0
        let thinks = settings & 0x40 != 0
        var random = InputRandom(input)
        let widest = 8 + Int(settings & 0x3F) * 3
        var widths = (0..<8).map { $0 == 0 ? widest : random.next(in: 8...widest) }
        let changesWidth = random.next() % 4 == 0

        let sink = StringSink()
        let writer = ReplyWriter(
            sink: sink, style: Style(enabled: styled),
            width: {
                // The terminal resized now and then, when this input says so.
                if changesWidth, widths.count > 1 { widths.removeFirst() }
                return widths[0]
            }, wraps: true)
        writer.begin()
        for range in random.pieces(of: text.count, longest: 24) {
            let piece = String(decoding: text[range], as: UTF8.self)
            if thinks, random.next() % 5 == 0 { writer.reasoning(piece) } else { writer.content(piece) }
        }
        writer.end(status: random.next() % 2 == 0 ? nil : "[cancelled]")

        let out = sink.text
        if let fault = firstFault(in: out, styled: styled) {
            require(false, "\(fault) in the output for \(String(decoding: text, as: UTF8.self).debugDescription): \(out.debugDescription)")
        }
        let bound = 256 + text.count * (48 + 2 * widest)
        require(out.utf8.count <= bound, "\(out.utf8.count) bytes out for \(text.count) in (bound \(bound)) at width \(widest)")
    }

    /// What the terminal must not be sent, described; nil when the output is clean. Parley's own
    /// sequences are passed over: `ESC [ digits-and-semicolons m` (when styled), `ESC [ digits C`,
    /// `ESC [ K`, and a carriage return.
    static func firstFault(in out: String, styled: Bool) -> String? {
        let scalars = Array(out.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let value = scalars[index].value
            if value == 0x1B {
                guard index + 1 < scalars.count, scalars[index + 1] == "[" else { return "a bare ESC at \(index)" }
                var end = index + 2
                while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == ";" { end += 1 }
                guard end < scalars.count else { return "an unfinished CSI at \(index)" }
                let parameters = String(String.UnicodeScalarView(scalars[(index + 2)..<end]))
                switch scalars[end] {
                case "m" where styled: break
                case "C" where !parameters.isEmpty && !parameters.contains(";"): break
                case "K" where parameters.isEmpty: break
                default: return "the sequence ESC [\(parameters)\(scalars[end]) at \(index)"
                }
                index = end + 1
                continue
            }
            switch value {
            case 0x0A, 0x09, 0x0D: break
            case 0x00..<0x20, 0x7F, 0x80..<0xA0: return "the control U+\(String(value, radix: 16)) at \(index)"
            case 0x202A...0x202E, 0x2066...0x2069: return "the bidirectional control U+\(String(value, radix: 16)) at \(index)"
            default: break
            }
            index += 1
        }
        return nil
    }
}
