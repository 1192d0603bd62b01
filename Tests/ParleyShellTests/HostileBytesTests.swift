import ParleyAPI
import ParleyRender
import ParleyWire
import TestSupport
import XCTest

/// A property test: random bytes through the SSE decoder, the chat stream parser and the renderer
/// never crash and never put an escape sequence on the screen but parley's own styles.
final class HostileBytesTests: XCTestCase {
    /// Bytes that matter to the decoder and the terminal, mixed with any byte at all.
    static let interesting: [UInt8] =
        Array("data: {\"choices\":[{\"delta\":{\"content\":\"\\u001b]\"}}]}\n\r:[DONE]".utf8)
        + [0x1B, 0x9B, 0x9D, 0x07, 0x00, 0xC2, 0xE2, 0x80, 0xAE, 0xFF]

    func testRandomStreamsRenderWithoutEscapes() {
        var generator = SeededGenerator()
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...300, using: &generator) {
                bytes.append(
                    Bool.random(using: &generator)
                        ? Self.interesting.randomElement(using: &generator)!
                        : UInt8.random(in: 0...255, using: &generator))
            }
            // Well-formed events carrying hostile content, too.
            if round % 2 == 0 {
                let content = String(decoding: bytes, as: UTF8.self)
                let json = String(
                    decoding: (try? JSONSerialization.data(withJSONObject: ["choices": [["delta": ["content": content]]]])) ?? Data(),
                    as: UTF8.self)
                bytes = Array("data: \(json)\n\n".utf8)
            }
            for style in [Style(enabled: true), Style(enabled: false)] {
                let sink = StringSink()
                let writer = ReplyWriter(sink: sink, style: style)
                var parser = ChatStreamParser()
                writer.begin()
                var offset = 0
                while offset < bytes.count {
                    let size = Int.random(in: 1...17, using: &generator)
                    let piece = bytes[offset..<min(bytes.count, offset + size)]
                    offset += size
                    do {
                        try parser.feed(piece) { event in
                            switch event {
                            case let .content(text): writer.content(text)
                            case let .reasoning(text): writer.reasoning(text)
                            default: break
                            }
                        }
                    } catch {
                        break
                    }
                }
                writer.end(status: nil)
                let ownStylesRemoved = sink.text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
                    .replacingOccurrences(of: "\r\u{1B}[K", with: "")
                XCTAssertFalse(ownStylesRemoved.contains("\u{1B}"), "round \(round) (\(generator.rerun)): \(sink.text.debugDescription)")
                XCTAssertFalse(
                    ownStylesRemoved.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" },
                    "round \(round) (\(generator.rerun)): \(sink.text.debugDescription)")
                XCTAssertFalse(ownStylesRemoved.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
                if style.enabled == false { XCTAssertFalse(sink.text.contains("\u{1B}")) }
            }
        }
    }
}
