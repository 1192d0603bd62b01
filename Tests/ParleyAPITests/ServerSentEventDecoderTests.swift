import Foundation
import ParleyWire
import XCTest

@testable import ParleyAPI

/// Every fixture in Fixtures/sse, fed whole, split in two at every byte offset, and one byte at a time,
/// gives exactly the events in its `.expected.json`.
final class ServerSentEventDecoderTests: XCTestCase {
    struct Expected: Decodable, Equatable {
        var type: String
        var data: String
    }

    func fixtures() throws -> [(name: String, bytes: [UInt8], expected: [ServerSentEvent])] {
        let directory = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/sse", withExtension: nil))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sse") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 15)
        return try names.map { name in
            let base = String(name.dropLast(4))
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
            let expected = try JSONDecoder().decode(
                [Expected].self,
                from: Data(contentsOf: directory.appendingPathComponent(base + ".expected.json")))
            return (base, bytes, expected.map { ServerSentEvent(type: $0.type, data: $0.data) })
        }
    }

    func decode(_ pieces: [ArraySlice<UInt8>]) -> [ServerSentEvent] {
        var decoder = ServerSentEventDecoder()
        var events: [ServerSentEvent] = []
        for piece in pieces { events += decoder.feed(piece) }
        decoder.finish()
        return events.map { ServerSentEvent(type: $0.type, data: $0.data) }
    }

    func testEachFixtureWhole() throws {
        for fixture in try fixtures() {
            XCTAssertEqual(decode([fixture.bytes[...]]), fixture.expected, fixture.name)
        }
    }

    func testEachFixtureSplitAtEveryByteOffset() throws {
        for fixture in try fixtures() {
            for offset in 0...fixture.bytes.count {
                let pieces = [fixture.bytes[..<offset], fixture.bytes[offset...]]
                XCTAssertEqual(decode(pieces), fixture.expected, "\(fixture.name) split at \(offset)")
            }
        }
    }

    func testEachFixtureOneByteAtATime() throws {
        for fixture in try fixtures() {
            let pieces = fixture.bytes.indices.map { fixture.bytes[$0...$0] }
            XCTAssertEqual(decode(pieces), fixture.expected, fixture.name)
        }
    }

    func testCRThenLFInTheNextPieceIsOneLineEnd() {
        var decoder = ServerSentEventDecoder()
        XCTAssertEqual(decoder.feed(Array("data: a\r".utf8)), [])
        XCTAssertEqual(decoder.feed(Array("\n\r\n".utf8)).map(\.data), ["a"])
    }

    func testInvalidUTF8BecomesReplacementCharacters() {
        var decoder = ServerSentEventDecoder()
        let events = decoder.feed([UInt8]("data: a".utf8) + [0xFF, 0xFE] + [UInt8]("b\n\n".utf8))
        XCTAssertEqual(events.map(\.data), ["a\u{FFFD}\u{FFFD}b"])
    }

    func testIDIsKeptAcrossEvents() {
        var decoder = ServerSentEventDecoder()
        let events = decoder.feed(Array("id: 1\ndata: a\n\ndata: b\n\n".utf8))
        XCTAssertEqual(events.map(\.id), ["1", "1"])
    }

    func testPendingEventIsReported() {
        var decoder = ServerSentEventDecoder()
        _ = decoder.feed(Array("data: half".utf8))
        XCTAssertTrue(decoder.hasPendingEvent)
        _ = decoder.feed(Array("\n\n".utf8))
        XCTAssertFalse(decoder.hasPendingEvent)
    }
}
