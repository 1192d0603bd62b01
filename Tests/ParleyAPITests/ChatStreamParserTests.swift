import Foundation
import ParleyWire
import XCTest

@testable import ParleyAPI

final class ChatStreamParserTests: XCTestCase {
    func chunk(_ delta: String, finish: String? = nil) -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return
            #"data: {"id":"x","object":"chat.completion.chunk","extra":{"ignored":true},"choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"#
            + "\n\n"
    }

    func parse(_ text: String) throws -> [ChatEvent] {
        var parser = ChatStreamParser()
        var events = try parser.feed(Array(text.utf8))
        events += try parser.finish()
        return events
    }

    func testContentReasoningFinishAndUsage() throws {
        let body =
            chunk(#"{"role":"assistant"}"#) + chunk(#"{"reasoning_content":"hmm"}"#) + chunk(#"{"reasoning":" yes"}"#)
            + chunk(#"{"content":"Hi"}"#) + chunk(#"{"content":"!"}"#, finish: "stop")
            + #"data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"# + "\n\n"
            + "data: [DONE]\n\n"
        XCTAssertEqual(
            try parse(body),
            [
                .reasoning("hmm"), .reasoning(" yes"), .content("Hi"), .content("!"),
                .finished(finishReason: "stop", usage: Usage(promptTokens: 5, completionTokens: 2, totalTokens: 7)),
            ])
    }

    func testNoUsageIsFine() throws {
        XCTAssertEqual(
            try parse(chunk(#"{"content":"a"}"#) + "data: [DONE]\n\n"),
            [.content("a"), .finished(finishReason: nil, usage: nil)])
    }

    func testEndWithoutDoneIsACutStream() {
        XCTAssertThrowsError(try parse(chunk(#"{"content":"partial"}"#))) { error in
            XCTAssertEqual(error as? APIError, .streamCut(reason: nil))
        }
    }

    func testErrorEventMidStream() {
        var parser = ChatStreamParser()
        XCTAssertEqual(try parser.feed(Array(chunk(#"{"content":"So far"}"#).utf8)), [.content("So far")])
        XCTAssertThrowsError(
            try parser.feed(Array((#"data: {"error":{"code":"worker_error","message":"the worker died"}}"# + "\n\n").utf8))
        ) {
            XCTAssertEqual($0 as? APIError, .errorEvent(code: "worker_error", message: "the worker died"))
        }
    }

    func testEventsBeforeAnErrorInTheSamePieceAreKept() {
        var parser = ChatStreamParser()
        var events: [ChatEvent] = []
        let body = chunk(#"{"content":"kept"}"#) + #"data: {"error":{"message":"boom"}}"# + "\n\n"
        XCTAssertThrowsError(try parser.feed(Array(body.utf8)) { events.append($0) })
        XCTAssertEqual(events, [.content("kept")])
    }

    func testInvalidEventLine() {
        XCTAssertThrowsError(try parse("data: this is not json\n\n")) {
            XCTAssertEqual($0 as? APIError, .invalidEvent("this is not json"))
        }
    }

    func testChunkWithoutChoicesIsInvalid() {
        XCTAssertThrowsError(try parse(#"data: {"id":"x"}"# + "\n\n" + "data: [DONE]\n\n")) {
            guard case .invalidEvent = $0 as? APIError else { return XCTFail("\($0)") }
        }
    }

    func testInlineThinkTagsSplitAnywhere() throws {
        let text = "<think>step one</think>The answer."
        for size in 1...6 {
            var pieces: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                pieces.append(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            let body =
                pieces.map { piece in
                    let json = String(decoding: try! JSONEncoder().encode(["content": piece]), as: UTF8.self)
                    return chunk(json)
                }.joined() + "data: [DONE]\n\n"
            let events = try parse(body)
            let reasoning = events.compactMap { if case let .reasoning(r) = $0 { r } else { nil } }.joined()
            let content = events.compactMap { if case let .content(c) = $0 { c } else { nil } }.joined()
            XCTAssertEqual(reasoning, "step one", "pieces of \(size)")
            XCTAssertEqual(content, "The answer.", "pieces of \(size)")
        }
    }

    /// A tag read by its characters, not by what Swift groups them in: after a character that joins the
    /// next to it (U+0601, a prepended mark) it is a tag still, whether they come in one piece or two.
    /// (Found by HostileBytesTests: the same text split otherwise read otherwise.)
    func testATagAfterAJoiningCharacterIsATagInAnyPieces() {
        for pieces in [["\u{601}<think>x</think>y"], ["\u{601}", "<think>x</think>y"]] {
            var splitter = ThinkTagSplitter()
            let events = pieces.flatMap { splitter.split($0) } + splitter.finish()
            let reasoning = events.compactMap { if case let .reasoning(r) = $0 { r } else { nil } }.joined()
            let content = events.compactMap { if case let .content(c) = $0 { c } else { nil } }.joined()
            XCTAssertEqual(reasoning, "x", "\(pieces)")
            XCTAssertEqual(content, "\u{601}y", "\(pieces)")
        }
    }

    func testTextThatOnlyLooksLikeATagStaysText() throws {
        var splitter = ThinkTagSplitter()
        let events = splitter.split("a <b> <thin") + splitter.finish()
        XCTAssertEqual(events.compactMap { if case let .content(c) = $0 { c } else { nil } }.joined(), "a <b> <thin")
    }

    func testRecordedLlamaCppStream() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/sse/llama-cpp-python", withExtension: "sse"))
        let body = try String(contentsOf: url, encoding: .utf8)
        let events = try parse(body)
        let text = events.compactMap { if case let .content(c) = $0 { c } else { nil } }.joined()
        XCTAssertEqual(text, "The capital of France is Paris.")
        XCTAssertEqual(events.last, .finished(finishReason: "stop", usage: nil))
    }

    /// The parser (with its fast paths: events read in place, the chunk scanner, the template) gives
    /// what a reference gives, the WHATWG decoder's events decoded in full by JSONDecoder, for a body
    /// mixing the usual shape with everything that must leave it, split at every byte.
    func testTheFastPathsAgreeWithTheReferenceSplitAnywhere() throws {
        let body = [
            chunk(#"{"role":"assistant","content":""}"#), chunk(#"{"content":"Hel"}"#), chunk(#"{"content":"lo"}"#),
            chunk(#"{"content":"a \"quote\" and \\ and \n"}"#), chunk(#"{"content":"\u00e9\ud83c\udf89"}"#),
            chunk(#"{"reasoning_content":"hmm"}"#), chunk(#"{"content":"x"}"#), chunk(#"{"content":"x\\"}"#),
            "data: " + #"{"choices":[{"delta":{"content":"other shape"}}]}"# + "\r\n\r\n",
            chunk(#"{"content":"back"}"#), chunk(#"{"content":"!"}"#, finish: "stop"),
            "data: " + #"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"# + "\n\n",
            "data: [DONE]\n\n",
        ].joined()
        let reference = try Self.reference(Array(body.utf8))
        XCTAssertEqual(try parse(body), reference)
        try Self.assertAgreesSplitAnywhere(Array(body.utf8), reference: reference)
    }

    /// What a chat stream's events should be, the slow and plain way: the WHATWG decoder's events, each
    /// decoded in full by JSONDecoder.
    static func reference(_ body: [UInt8]) throws -> [ChatEvent] {
        var reference: [ChatEvent] = []
        var finishReason: String?
        var usage: Usage?
        for event in ServerSentEventDecoder().feedAll(body) where event.data != "[DONE]" {
            let decoded = try JSONDecoder().decode(ChatStreamChunk.self, from: Data(event.data.utf8))
            if let value = decoded.usage { usage = value }
            guard let choice = decoded.choices?.first else { continue }
            if let text = choice.delta?.reasoning, !text.isEmpty { reference.append(.reasoning(text)) }
            if let text = choice.delta?.content, !text.isEmpty { reference.append(.content(text)) }
            if let reason = choice.finishReason { finishReason = reason }
        }
        reference.append(.finished(finishReason: finishReason, usage: usage))
        return reference
    }

    /// The parser gives `reference` for `bytes` split in two at every byte, event by event and in batches.
    static func assertAgreesSplitAnywhere(
        _ bytes: [UInt8], reference: [ChatEvent], name: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for split in 0...bytes.count {
            var parser = ChatStreamParser()
            var events = try parser.feed(bytes[..<split])
            events += try parser.feed(bytes[split...])
            events += try parser.finish()
            XCTAssertEqual(events, reference, "\(name) split at \(split)", file: file, line: line)

            // The same through batches (what the client hands on): the same text in the same runs.
            var batchParser = ChatStreamParser()
            var first = ChatEventBatch()
            var second = ChatEventBatch()
            try batchParser.feed(bytes[..<split], into: &first)
            try batchParser.feed(bytes[split...], into: &second)
            let batched = first.events + second.events + (try batchParser.finish())
            XCTAssertEqual(joined(batched), joined(reference), "\(name) batches, split at \(split)", file: file, line: line)
        }
    }

    /// The plain reference reads the streams in the shapes real servers send (OpenAI, Ollama, llama.cpp's
    /// llama-server, vLLM behind a CRLF proxy, the llama-cpp-python capture) as the openai SDK does.
    /// (The fast paths, split at every byte, are held to the SDK's reading in ServerStreamsTests.)
    func testTheReferenceReadsEachServersShapeAsTheSDKDoes() throws {
        let streams = try ServerStreamsTests.streams().filter { $0.expected.error == nil }
        XCTAssertEqual(streams.count, 5)
        for stream in streams {
            XCTAssertEqual(try Self.reference(stream.bytes), try stream.expected.chatEvents + [stream.expected.finished], stream.name)
        }
    }

    /// Neighbouring content (or reasoning) events as one.
    static func joined(_ events: [ChatEvent]) -> [ChatEvent] {
        var batch = ChatEventBatch()
        events.forEach { batch.add($0) }
        return batch.events
    }

    func testABatchJoinsNeighbouringTextOfOneKind() {
        var batch = ChatEventBatch()
        for event: ChatEvent in [.opened, .content("a"), .content("b"), .reasoning("r"), .reasoning("s"), .content("c")] {
            batch.add(event)
        }
        Array("de".utf8).withUnsafeBufferPointer { batch.addContent($0) }
        batch.add(.finished(finishReason: "stop", usage: nil))
        XCTAssertEqual(
            batch.events, [.opened, .content("ab"), .reasoning("rs"), .content("cde"), .finished(finishReason: "stop", usage: nil)])
        XCTAssertTrue(ChatEventBatch().isEmpty)
    }
}

private extension ServerSentEventDecoder {
    func feedAll(_ bytes: [UInt8]) -> [ServerSentEvent] {
        var decoder = self
        return decoder.feed(bytes)
    }
}
