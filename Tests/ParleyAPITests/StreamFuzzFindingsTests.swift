import Foundation
import ParleyWire
import XCTest

@testable import ParleyAPI

/// What the fuzz target FuzzStream (`make fuzz`, Fuzz/Stream) found in the stream parser.
final class StreamFuzzFindingsTests: XCTestCase {
    /// FuzzStream: an event whose delta gave `content` twice was read by the chunk scanner as its last
    /// value, by JSONDecoder (the parser's full reading, and the reference) as its first: the reply's
    /// text depended on which path read the event. The same for both names of reasoning (JSONDecoder
    /// prefers `reasoning_content`), a repeated `finish_reason` and a repeated `choices`.
    func testAKeyGivenTwiceReadsAsJSONDecoderReadsIt() throws {
        let events = [
            #"{"choices":[{"delta":{"role":"assistant","content":"sistant","content":"It"},"finish_reason":null}]}"#,
            #"{"choices":[{"delta":{"reasoning_content":"first","reasoning":"second"}}]}"#,
            #"{"choices":[{"delta":{"content":"!"},"finish_reason":"stop","finish_reason":"length"}]}"#,
            #"{"choices":[{"delta":{"content":"?"}}],"choices":[{"delta":{"content":"no"}}]}"#,
        ]
        for event in events {
            let decoded = try JSONDecoder().decode(ChatStreamChunk.self, from: Data(event.utf8)).choices?.first
            let reference = ChunkScanner.Fields(
                content: decoded?.delta?.content, reasoning: decoded?.delta?.reasoning, finishReason: decoded?.finishReason)
            if let scanned = ChunkScanner.scan(event) { XCTAssertEqual(scanned, reference, event) }
        }

        let body = events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
        var parser = ChatStreamParser()
        let parsed = try parser.feed(Array(body.utf8)) + parser.finish()
        XCTAssertEqual(
            parsed, [.content("sistant"), .reasoning("first"), .content("!"), .content("?"), .finished(finishReason: "stop", usage: nil)])
    }
}
