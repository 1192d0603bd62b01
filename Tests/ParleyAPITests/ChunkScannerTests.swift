import Foundation
import ParleyWire
import TestSupport
import XCTest

@testable import ParleyAPI

/// The fast path must agree with the full decoder whenever it answers.
final class ChunkScannerTests: XCTestCase {
    func full(_ text: String) -> ChunkScanner.Fields? {
        guard let chunk = try? JSONDecoder().decode(ChatStreamChunk.self, from: Data(text.utf8)), let choices = chunk.choices else {
            return nil
        }
        let first = choices.first
        return ChunkScanner.Fields(content: first?.delta?.content, reasoning: first?.delta?.reasoning, finishReason: first?.finishReason)
    }

    func testTheCommonShapes() {
        let samples = [
            #"{"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#,
            #"{"choices":[{"delta":{"role":"assistant"},"logprobs":null,"finish_reason":null}]}"#,
            #"{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":null}"#,
            #"{ "choices" : [ { "delta" : { "content" : "a\"b\\c\/d\n\t\u00e9\ud83c\udf89" } } ] , "x" : [1, 2.5e3, true, {"y": []}] }"#,
            #"{"choices":[{"delta":{"reasoning_content":"think","content":null}}]}"#,
            #"{"choices":[{"delta":{"reasoning":"hmm"}}]}"#,
            #"{"choices":[]}"#,
            #"{"choices":[{"delta":{"content":"one"}},{"delta":{"content":"two"}}]}"#,
        ]
        for sample in samples {
            let fast = ChunkScanner.scan(sample)
            XCTAssertNotNil(fast, sample)
            XCTAssertEqual(fast, full(sample), sample)
        }
        XCTAssertEqual(ChunkScanner.scan(samples[3])?.content, "a\"b\\c/d\n\té🎉")
    }

    func testWhatItLeavesToTheDecoder() {
        for sample in [
            #"{"error":{"message":"x"}}"#, #"{"choices":[],"usage":{"prompt_tokens":1}}"#, #"{"id":"x"}"#, "not json",
            #"{"choices":[{"delta":{"content":5}}]}"#, #"{"choices":[{"delta":{"content":"x"}}]} trailing"#, "",
            #"{"choices":[{"delta":{"content":"bad \q escape"}}]}"#, #"{"choices":[{"delta":{"content":"unterminated}}]}"#,
        ] {
            XCTAssertNil(ChunkScanner.scan(sample), sample)
        }
    }

    func testRandomlyDamagedChunksNeverDisagree() {
        let base = #"{"choices":[{"index":0,"delta":{"content":"x\u00e9\"y"},"finish_reason":null}],"usage":null}"#
        var generator = SeededGenerator()
        var fastRuns = 0
        for _ in 0..<20000 {
            var bytes = Array(base.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes.remove(at: index)
                case 1: bytes.insert(Array(#"{}[]",:\ 0n"#.utf8).randomElement(using: &generator)!, at: index)
                default: bytes[index] = Array(#"{}[]",:\ 0n"#.utf8).randomElement(using: &generator)!
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let fast = ChunkScanner.scan(text) {
                fastRuns += 1
                XCTAssertEqual(fast, full(text), "\(text) (\(generator.rerun))")
            }
        }
        // The fast path must have been taken often enough for its agreement to mean something.
        XCTAssertGreaterThan(fastRuns, 1000, generator.rerun)
    }

    /// An event read by the template of an earlier one must read as the full decoder reads it, however
    /// the bytes differ: in the content (quotes, escapes, a backslash at the end) or around it.
    func testTheTemplateNeverDisagrees() {
        let base = #"{"id":"c","choices":[{"index":0,"delta":{"content":"ab"},"finish_reason":null}],"usage":null}"#
        var template: ChunkScanner.Template?
        XCTAssertEqual(Array(base.utf8).withUnsafeBufferPointer { ChunkScanner.scan($0, template: &template) }?.content, "ab")
        XCTAssertNotNil(template, "content alone: a template")
        var generator = SeededGenerator()
        var readByTemplate = 0
        for _ in 0..<20000 {
            var bytes = Array(base.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                // Mostly in the content ("ab" at 52), sometimes anywhere.
                let near = Int.random(in: 0...3, using: &generator) > 0
                let index = near ? Int.random(in: 52...54, using: &generator) : Int.random(in: 0..<bytes.count, using: &generator)
                let byte = Array(#"{}[]",:\ 0nu"#.utf8 + [0x0A, 0xC3, 0xA9]).randomElement(using: &generator)!
                switch Int.random(in: 0...2, using: &generator) {
                case 0: bytes.remove(at: min(index, bytes.count - 1))
                case 1: bytes.insert(byte, at: min(index, bytes.count))
                default: bytes[min(index, bytes.count - 1)] = byte
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let byTemplate = bytes.withUnsafeBufferPointer({ template!.content(of: $0) }) {
                readByTemplate += 1
                XCTAssertEqual(ChunkScanner.Fields(content: byTemplate), full(text), "\(text) (\(generator.rerun))")
            }
            var copy = template
            if let fast = bytes.withUnsafeBufferPointer({ ChunkScanner.scan($0, template: &copy) }) {
                XCTAssertEqual(fast, full(text), "\(text) (\(generator.rerun))")
            }
        }
        XCTAssertGreaterThan(readByTemplate, 1000, "the template was tried (\(generator.rerun))")
    }

    func testOnlyContentAloneMakesATemplate() {
        for sample in [
            #"{"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}]}"#,
            #"{"choices":[{"delta":{"reasoning_content":"r","content":"a"}}]}"#,
            #"{"choices":[{"delta":{"content":null}}]}"#,
        ] {
            var template: ChunkScanner.Template?
            _ = Array(sample.utf8).withUnsafeBufferPointer { ChunkScanner.scan($0, template: &template) }
            XCTAssertNil(template, sample)
        }
    }
}

extension ChunkScanner.Template {
    /// The content of `bytes` as the parser reads it by the template, or nil when they do not fit.
    func content(of bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let (middle, escaped) = contentBytes(of: bytes) else { return nil }
        return Self.text(middle, escaped: escaped)
    }
}
