import ParleyAPI
import ParleyRender
import ParleyWire
import TestSupport
import XCTest

/// A property test: random bytes through the SSE decoder, the chat stream parser and the reply writer,
/// on the four paths a reply takes (styles on or off; broken to a terminal's width or not). Each round
/// ends as the parser says (a finished reply, a cut stream, or a parser error, counted), and each path's
/// output must hold no escape but parley's own, no control character, no C1 control, no bidirectional
/// override, and stay bounded. Most rounds put the random bytes inside valid events, so that they reach
/// the renderer: the plain path must then write exactly the sanitized text that was sent.
final class HostileBytesTests: XCTestCase {
    /// Pieces that matter to the decoder, the renderer and the terminal, mixed with any byte at all.
    static let interesting: [[UInt8]] =
        [
            "data: ", "data:", "{\"choices\":[{\"delta\":{\"content\":\"", "\\u001b]", "\"}}]}", "\n", "\r", "\r\n", ":", "[DONE]",
            "\u{1B}]52;c;ZXZpbA==\u{07}", "\u{1B}[2J", "\u{1B}]0;title\u{1B}\\", "\u{1B}P", "\u{9B}31m", "\u{9D}", "<think>",
            "</think>", "```", "`", "**", "- ", "# ", "> ", "| a | b |\n|---|---|\n", " ", "\t", "\u{202E}", "\u{2066}", "世界", "e\u{301}",
        ].map { Array($0.utf8) } + [0x1B, 0x9B, 0x9D, 0x07, 0x00, 0x7F, 0xC2, 0xE2, 0x80, 0xAE, 0xFF].map { [$0] }

    enum Shape: CaseIterable {
        /// The random text in valid events (content, reasoning), then `[DONE]`: it must all arrive.
        case framed
        /// As framed, then an event that is not JSON: a parser error, after the text before it.
        case framedThenInvalid
        /// The random bytes as the whole body: any outcome, counted.
        case raw
    }

    enum Outcome: Hashable { case finished, cut, parserError }

    func testRandomStreamsRenderWithoutEscapes() {
        var generator = SeededGenerator()
        var outcomes: [Shape: [Outcome: Int]] = [:]
        var roundsWithOutput = 0
        let rounds = 3000
        for round in 0..<rounds {
            let shape = Shape.allCases[round % 3]
            let stream = Self.stream(shape, using: &generator)
            let (events, outcome) = Self.parse(stream.bytes, using: &generator)
            outcomes[shape, default: [:]][outcome, default: 0] += 1
            let context = "round \(round), \(shape) (\(generator.rerun)): \(Data(stream.bytes).base64EncodedString())"
            let delivered = events.map { event -> String in
                switch event {
                case let .content(text), let .reasoning(text): return text
                default: return ""
                }
            }.joined()
            switch shape {
            case .framed:
                XCTAssertEqual(outcome, .finished, context)
                XCTAssertEqual(delivered.debugDescription, stream.sent.debugDescription, "every character sent arrives: \(context)")
            case .framedThenInvalid:
                XCTAssertEqual(outcome, .parserError, context)
                // What came before the invalid event arrives; a possible tag's start may be held back.
                XCTAssertTrue(
                    stream.sent.hasPrefix(delivered), "\(delivered.debugDescription) of \(stream.sent.debugDescription): \(context)")
                let held = String(stream.sent.dropFirst(delivered.count))
                XCTAssertTrue(
                    held.isEmpty || "<think>".hasPrefix(held) || "</think>".hasPrefix(held), "held \(held.debugDescription): \(context)")
            case .raw:
                break
            }
            let content = events.compactMap { event -> String? in if case let .content(text) = event { text } else { nil } }.joined()
            let plain = Self.write(events, status: outcome, style: false, wraps: false, using: &generator)
            // Plain and unwrapped: the sanitized text, no more and no less (a newline ends it).
            var expected = TerminalSanitizer.clean(content)
            if outcome != .finished { expected += (expected.isEmpty || expected.hasSuffix("\n") ? "" : " ") + "[failed]" }
            if !expected.isEmpty, !expected.hasSuffix("\n") { expected += "\n" }
            XCTAssertEqual(plain.debugDescription, expected.debugDescription, context)
            XCTAssertFalse(plain.contains("\u{1B}") || plain.contains("\r"), context)
            if !content.isEmpty { roundsWithOutput += 1 }
            for (style, wraps) in [(false, false), (true, false), (false, true), (true, true)] {
                let output = style || wraps ? Self.write(events, status: outcome, style: style, wraps: wraps, using: &generator) : plain
                Self.checkScreen(output, input: stream.bytes.count, context: "styles \(style), wraps \(wraps), \(context)")
            }
            if (testRun?.failureCount ?? 0) > 0 { return }  // the first failing round tells it all
        }
        let counts = Shape.allCases.map { shape in "\(shape): \(outcomes[shape, default: [:]].map { "\($0.value) \($0.key)" }.sorted())" }
        print(
            "HostileBytesTests (\(generator.rerun)): \(counts.joined(separator: "; ")); \(roundsWithOutput) of \(rounds) rounds rendered text"
        )
        // Each shape ended as it must: no framed round failed, every invalid event was a parser error;
        // the raw bytes were refused by the parser too (counted, not merely survived).
        XCTAssertEqual(outcomes[.framed]?[.finished], rounds / 3)
        XCTAssertEqual(outcomes[.framedThenInvalid]?[.parserError], rounds / 3)
        XCTAssertGreaterThan(outcomes[.raw]?[.parserError] ?? 0, rounds / 3 / 10, "\(outcomes)")
        XCTAssertGreaterThan(roundsWithOutput, rounds / 2, "most rounds reach the renderer")
    }

    /// The bytes of a stream of `shape`, and the text its valid events carry (reasoning, then content
    /// with its think tags taken out, as the parser delivers them).
    static func stream(_ shape: Shape, using generator: inout SeededGenerator) -> (bytes: [UInt8], sent: String) {
        let noise = noise(upTo: 120, using: &generator)
        let lineEnd = Bool.random(using: &generator) ? "\n" : "\r\n"
        guard shape != .raw else {
            // Noise alone, events of noise, and events carrying it, in any order.
            var body: [UInt8] = []
            for _ in 0...Int.random(in: 0...4, using: &generator) {
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: body += Self.noise(upTo: 40, using: &generator)
                case 1: body += Array("data: ".utf8) + Self.noise(upTo: 40, using: &generator) + Array((lineEnd + lineEnd).utf8)
                default:
                    let text = String(decoding: Self.noise(upTo: 40, using: &generator), as: UTF8.self)
                    body += Array((event(field: "content", text, using: &generator) + lineEnd + lineEnd).utf8)
                }
            }
            return (body, "")
        }
        let text = String(decoding: noise, as: UTF8.self)
        // Sometimes a leading part goes as reasoning (its own field), the rest as content.
        let split = Int.random(in: 0...3, using: &generator) == 0 ? Int.random(in: 0...text.count, using: &generator) : 0
        let reasoning = String(text.prefix(split))
        let content = String(text.dropFirst(split))
        var body = ""
        for (field, part) in [("reasoning_content", reasoning), ("content", content)] {
            var rest = Substring(part)
            while !rest.isEmpty {
                let piece = rest.prefix(Int.random(in: 1...40, using: &generator))
                rest = rest.dropFirst(piece.count)
                body += event(field: field, String(piece), using: &generator) + lineEnd + lineEnd
            }
        }
        if shape == .framed {
            body += "data: [DONE]" + lineEnd + lineEnd
        } else {
            // Not JSON at all (it starts with x), whatever follows: an invalid event.
            let junk = noise.filter { $0 != 0x0A && $0 != 0x0D }
            body += "data: x" + String(decoding: junk, as: UTF8.self) + lineEnd + lineEnd
        }
        return (Array(body.utf8), reasoning + withoutThinkTags(content))
    }

    /// Up to `count` pieces, each an interesting one or any byte.
    static func noise(upTo count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...count, using: &generator) {
            bytes +=
                Bool.random(using: &generator)
                ? interesting.randomElement(using: &generator)! : [UInt8.random(in: 0...255, using: &generator)]
        }
        return bytes
    }

    /// One event's line: the usual minimal chunk, or the fuller shape servers send (other keys first).
    static func event(field: String, _ text: String, using generator: inout SeededGenerator) -> String {
        if Bool.random(using: &generator) { return String(StubServer.chunk(text, field: field).dropLast(2)) }
        let json = try! JSONSerialization.data(withJSONObject: ["choices": [["delta": [field: text]]]])
        return (Bool.random(using: &generator) ? "data: " : "data:") + String(decoding: json, as: UTF8.self)
    }

    /// `text` as the think-tag splitter reads it, by Unicode scalars: `<think>` opens a thought,
    /// `</think>` closes it.
    static func withoutThinkTags(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var rest = Array(text.unicodeScalars)[...]
        var inside = false
        while !rest.isEmpty {
            let tag = Array((inside ? "</think>" : "<think>").unicodeScalars)
            if rest.starts(with: tag) {
                rest = rest.dropFirst(tag.count)
                inside.toggle()
            } else {
                out.append(rest.removeFirst())
            }
        }
        return String(out)
    }

    /// The events `bytes` give, fed in random pieces as a socket delivers them, and how the stream ended.
    static func parse(_ bytes: [UInt8], using generator: inout SeededGenerator) -> ([ChatEvent], Outcome) {
        var parser = ChatStreamParser()
        var events: [ChatEvent] = []
        var offset = 0
        while offset < bytes.count {
            let size = Int.random(in: 1...17, using: &generator)
            do {
                try parser.feed(bytes[offset..<min(bytes.count, offset + size)]) { events.append($0) }
            } catch {
                return (events, .parserError)  // as the shell does: the stream ends at the error
            }
            offset += size
        }
        do {
            events += try parser.finish()
            return (events, .finished)
        } catch {
            return (events, .cut)
        }
    }

    /// What the reply writer puts out for `events`, in a terminal of changing width when `wraps`.
    static func write(_ events: [ChatEvent], status: Outcome, style: Bool, wraps: Bool, using generator: inout SeededGenerator) -> String {
        let sink = StringSink()
        let width = Box(Int.random(in: 1...100, using: &generator))
        let writer = ReplyWriter(sink: sink, style: Style(enabled: style), width: { width.value }, wraps: wraps)
        writer.begin()
        for event in events {
            if Int.random(in: 0..<8, using: &generator) == 0 { width.value = Int.random(in: 1...100, using: &generator) }
            switch event {
            case let .content(text): writer.content(text)
            case let .reasoning(text): writer.reasoning(text)
            default: break
            }
        }
        writer.end(status: status == .finished ? nil : "[failed]")
        return sink.text
    }

    final class Box: @unchecked Sendable {
        var value: Int
        init(_ value: Int) { self.value = value }
    }

    /// parley's own sequences: SGR styles, erase to the end of the line, cursor forward (a word taken
    /// back to be written on the next row), and the carriage return before them.
    static let ownSequences = try! NSRegularExpression(pattern: "\r(?=\u{1B}\\[)|\u{1B}\\[[0-9;]*[mKC]")

    /// The checks every path's output must pass.
    static func checkScreen(_ output: String, input: Int, context: String, file: StaticString = #filePath, line: UInt = #line) {
        let range = NSRange(output.startIndex..., in: output)
        let visible = ownSequences.stringByReplacingMatches(in: output, range: range, withTemplate: "")
        for scalar in visible.unicodeScalars {
            let value = scalar.value
            let control = value < 0x20 && value != 0x0A && value != 0x09
            let bidi = (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
            if control || value == 0x7F || (0x80...0x9F).contains(value) || bidi {
                XCTFail("U+\(String(value, radix: 16)) on the screen: \(output.debugDescription), \(context)", file: file, line: line)
                return
            }
        }
        // Bounded by what came in: styles, rows broken as narrow as 8 columns, and a thought's line
        // written again at each piece add to the text (seen: under 2.5 bytes a byte), never without end.
        let bound = 8 * input + 512
        XCTAssertLessThanOrEqual(output.utf8.count, bound, context, file: file, line: line)
    }
}
