import Foundation
import ParleyWire
import TestSupport
import XCTest

@testable import ParleyAPI

/// The streams in the shapes real servers send (Fixtures/chat: OpenAI, Ollama, llama.cpp's
/// llama-server, vLLM behind a CRLF proxy, an error event mid-stream; and the llama-cpp-python
/// capture) give what the openai Python SDK reads from them. The expected results, each stream's
/// `.sdk.json`, were written by scripts/fixtures/expected-stream.py from the SDK's own stream
/// parser and chunk model, not from any of parley's types; the last test checks they still are.
final class ServerStreamsTests: XCTestCase {
    /// What the SDK read from one stream (see scripts/fixtures/expected-stream.py).
    struct Expected: Decodable {
        struct Event: Decodable {
            var content: String?
            var reasoning: String?
        }
        struct Tokens: Decodable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
            var total_tokens: Int?
        }
        struct Failure: Decodable {
            var code: String?
            var message: String
        }
        var events: [Event]
        var content: String
        var reasoning: String
        var finish_reason: String?
        var usage: Tokens?
        var error: Failure?

        /// The same as parley's chat events: the text events, then `.finished` (or the error thrown).
        var chatEvents: [ChatEvent] {
            get throws {
                try events.map { event in
                    switch (event.content, event.reasoning) {
                    case let (text?, nil): return .content(text)
                    case let (nil, text?): return .reasoning(text)
                    default: throw Unreadable(description: "an event is content or reasoning: \(event)")
                    }
                }
            }
        }
        var finished: ChatEvent {
            .finished(
                finishReason: finish_reason,
                usage: usage.map {
                    Usage(promptTokens: $0.prompt_tokens, completionTokens: $0.completion_tokens, totalTokens: $0.total_tokens)
                })
        }
        var apiError: APIError? { error.map { .errorEvent(code: $0.code, message: $0.message) } }
    }

    struct Unreadable: Error, CustomStringConvertible { var description: String }

    /// Every stream beside its `.sdk.json`: the four servers' shapes, the error event, the capture.
    static func streams() throws -> [(name: String, bytes: [UInt8], expected: Expected)] {
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let chat = fixtures.appendingPathComponent("chat")
        let files =
            try FileManager.default.contentsOfDirectory(atPath: chat.path).filter { $0.hasSuffix(".sse") }.sorted()
            .map { chat.appendingPathComponent($0) } + [fixtures.appendingPathComponent("sse/llama-cpp-python.sse")]
        XCTAssertEqual(
            files.map { $0.deletingPathExtension().lastPathComponent },
            ["error-event", "llama-server", "ollama", "openai", "vllm", "llama-cpp-python"])
        return try files.map { file in
            let json = file.deletingPathExtension().appendingPathExtension("sdk.json")
            let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: json))
            return (file.lastPathComponent, try [UInt8](Data(contentsOf: file)), expected)
        }
    }

    /// `pieces` through the parser: the events it emitted, and what it threw.
    func parse(_ pieces: [ArraySlice<UInt8>]) -> (events: [ChatEvent], error: APIError?) {
        var parser = ChatStreamParser()
        var events: [ChatEvent] = []
        do {
            for piece in pieces { try parser.feed(piece) { events.append($0) } }
            events += try parser.finish()
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    /// `pieces` through the parser in batches, as the client hands them on: neighbouring text joined.
    func parseInBatches(_ pieces: [ArraySlice<UInt8>]) -> (events: [ChatEvent], error: APIError?) {
        var parser = ChatStreamParser()
        var events: [ChatEvent] = []
        do {
            for piece in pieces {
                var batch = ChatEventBatch()
                defer { events += batch.events }
                try parser.feed(piece, into: &batch)
            }
            events += try parser.finish()
            return (ChatStreamParserTests.joined(events), nil)
        } catch {
            return (ChatStreamParserTests.joined(events), error)
        }
    }

    func testEachStreamGivesWhatTheOpenAISDKReadsWholeAndSplitAtEveryByte() throws {
        for stream in try Self.streams() {
            let expected = stream.expected
            let text = try expected.chatEvents
            XCTAssertGreaterThan(text.count, 1, stream.name)
            // The expectation agrees with itself (its whole texts are its events joined).
            XCTAssertEqual(text.compactMap { if case let .content(c) = $0 { c } else { nil } }.joined(), expected.content)
            XCTAssertEqual(text.compactMap { if case let .reasoning(r) = $0 { r } else { nil } }.joined(), expected.reasoning)
            // The events, then `.finished` after `[DONE]`; or, on an error event, the events before it
            // and the error.
            let events = expected.error == nil ? text + [expected.finished] : text
            let batched = ChatStreamParserTests.joined(events)

            let whole = parse([stream.bytes[...]])
            XCTAssertEqual(whole.events, events, stream.name)
            XCTAssertEqual(whole.error, expected.apiError, stream.name)
            // Split in two at every byte, event by event and in batches; the first split that
            // disagrees is reported (one is enough to see what is wrong).
            for split in 0...stream.bytes.count {
                let pieces = [stream.bytes[..<split], stream.bytes[split...]]
                let one = parse(pieces)
                let two = parseInBatches(pieces)
                guard one.events == events, one.error == expected.apiError, two.events == batched, two.error == expected.apiError
                else {
                    XCTAssertEqual(one.events, events, "\(stream.name) split at \(split)")
                    XCTAssertEqual(one.error, expected.apiError, "\(stream.name) split at \(split)")
                    XCTAssertEqual(two.events, batched, "\(stream.name) in batches, split at \(split)")
                    XCTAssertEqual(two.error, expected.apiError, "\(stream.name) in batches, split at \(split)")
                    break
                }
            }
        }
    }

    /// The committed expectations are what the SDK reads now: the script, run again with `--check`,
    /// finds nothing to change. Skipped without PARLEY_PYTHON (`make test` sets it, to the venv that
    /// `make test-tools` gives the openai package).
    func testTheExpectedResultsAreWhatTheSDKReadsNow() throws {
        guard let python = ProcessInfo.processInfo.environment["PARLEY_PYTHON"] else {
            throw XCTSkip("PARLEY_PYTHON is not set (make test sets it)")
        }
        let script = ParleyProcess.packageRoot.appendingPathComponent("scripts/fixtures/expected-stream.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--check"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, said)
        XCTAssertEqual(said, "")
    }
}
