import Foundation
import ParleyWire
import TestSupport
import XCTest

/// The request body is written by hand, so it is held to what `JSONEncoder` writes for the same
/// request, byte for byte: every control byte, quote, backslash, slash, emoji and number.
final class JSONBodyTests: XCTestCase {
    static func encoderBody(_ request: ChatRequest) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(request))
    }

    func testEveryByteAndFieldAsJSONEncoderWritesThem() throws {
        var everyScalar = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined()
        everyScalar += "é€😀\u{2028}\u{FEFF}/\\\""
        let request = ChatRequest(
            model: "org/model \"x\"",
            messages: [
                ChatMessage(role: .system, text: everyScalar), ChatMessage(role: .user, text: ""),
                ChatMessage(role: .user, content: .parts([.text("look\n"), .imageURL("data:image/png;base64,iVBO+/=")])),
            ],
            temperature: 0.7, topP: 1, maxTokens: 256)
        XCTAssertEqual(String(decoding: request.jsonBody(), as: UTF8.self), String(decoding: try Self.encoderBody(request), as: UTF8.self))
        let plain = ChatRequest(model: "m", messages: [ChatMessage(role: .assistant, text: "a")], temperature: 1.25, stream: false)
        XCTAssertEqual(plain.jsonBody(), try Self.encoderBody(plain))
    }

    func testRandomRequestsAsJSONEncoderWritesThem() throws {
        var generator = SeededGenerator()
        let pieces = ["a", "\n", "\"", "\\", "/", "\u{0}", "\u{1F}", "\u{7F}", "é", "😀", "\t", " ", "{", "}"]
        for _ in 0..<300 {
            let messages = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                return ChatMessage(role: [.system, .user, .assistant].randomElement(using: &generator)!, text: text)
            }
            let temperature = Bool.random(using: &generator) ? Double(Int.random(in: 0...200, using: &generator)) / 100 : nil
            let request = ChatRequest(
                model: "m", messages: messages, temperature: temperature,
                maxTokens: Bool.random(using: &generator) ? Int.random(in: 1...100_000, using: &generator) : nil,
                stream: Bool.random(using: &generator))
            XCTAssertEqual(request.jsonBody(), try Self.encoderBody(request), generator.rerun)
        }
    }
}
