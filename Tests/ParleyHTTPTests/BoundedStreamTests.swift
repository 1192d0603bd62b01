import Foundation
import ParleyShared
import TestSupport
import XCTest

@testable import ParleyHTTP

final class BoundedStreamTests: XCTestCase {

    func testTheProducerWaitsWhileTheQueueIsFull() async throws {
        let stream = BoundedStream<Int>(capacity: 2)
        let sent = Locked(0)
        let producer = Locked<Int32?>(nil)
        let finished = Locked(false)
        Thread {
            producer.value = ThreadState.currentID()
            for number in 1...5 where stream.send(number) { sent.withLock { $0 += 1 } }
            stream.finish()
            finished.value = true
        }.start()
        // Until the producer is asleep with two sent (blocked in the third send), or has finished.
        try await waitUntil("the producer to block or finish") {
            finished.value || (producer.value.map(ThreadState.isAsleep) == true && sent.value == 2)
        }
        XCTAssertFalse(finished.value, "the producer went on while nobody read")
        XCTAssertEqual(sent.value, 2, "no more than the capacity is taken while nobody reads")
        var received: [Int] = []
        for try await number in stream { received.append(number) }
        XCTAssertEqual(received, [1, 2, 3, 4, 5])
    }

    func testWhatTheReaderGivesBackIsOfferedToTheProducerTwoAtMost() {
        let stream = BoundedStream<[UInt8]>(capacity: 8)
        XCTAssertNil(stream.takeGivenBack())
        for size in [10, 20, 30] { stream.giveBack([UInt8](repeating: 0, count: size)) }
        XCTAssertEqual(stream.takeGivenBack()?.count, 20)
        XCTAssertEqual(stream.takeGivenBack()?.count, 10)
        XCTAssertNil(stream.takeGivenBack(), "no more than two are kept")
    }

    /// A streamed body's buffers come back to the transfer: the reader reads each piece whole, and
    /// pieces keep coming right after buffers are given back and reused.
    func testGivenBackBuffersAreReusedByTheTransfer() async throws {
        let server = try StubServer { _, _ in
            [.streamHead()] + (1...400).map { .delta(String(repeating: "x", count: 1000) + "\($0)") } + [.done, .close]
        }
        let transport = CurlTransport(userAgent: "test")
        let body = transport.send(
            HTTPRequest(method: .post, url: server.baseURL + "/chat/completions", headers: [], body: Array("{}".utf8)))
        var received: [UInt8] = []
        for try await event in body {
            if case let .body(piece) = event {
                received += piece
                body.giveBack(event)
            }
        }
        let expected = (1...400).map { StubServer.chunk(String(repeating: "x", count: 1000) + "\($0)") }.joined() + "data: [DONE]\n\n"
        XCTAssertEqual(String(decoding: received, as: UTF8.self), expected, "every byte, in order, through reused buffers")
    }

    func testAnErrorComesAfterWhatWasQueued() async {
        let stream = BoundedStream<Int>(capacity: 4)
        _ = stream.send(1)
        stream.finish(throwing: HTTPError.stalled(url: "u", seconds: 1))
        var received: [Int] = []
        do {
            for try await number in stream { received.append(number) }
            XCTFail("the error must come")
        } catch {
            XCTAssertEqual(error as? HTTPError, .stalled(url: "u", seconds: 1))
        }
        XCTAssertEqual(received, [1])
    }

    func testAReaderThatLeavesStopsTheProducer() async throws {
        let stream = BoundedStream<Int>(capacity: 1)
        let gone = Locked(0)
        stream.onReaderGone = { gone.withLock { $0 += 1 } }
        let refused = Locked(0)
        Thread {
            for number in 1...100 where !stream.send(number) {
                refused.withLock { $0 += 1 }
                break
            }
        }.start()
        for try await number in stream where number == 3 { break }
        try await waitUntil("the producer to be told to stop") { refused.value == 1 }
        XCTAssertEqual(gone.value, 1)
    }

    func testAFinishedStreamLetsGoOfItsProducer() {
        // A transfer holds its stream, and the stream's reader-gone callback holds the transfer: once
        // finished, the stream must let go, or every request's buffers live as long as the process.
        final class Producer: Sendable {}
        weak var weakProducer: Producer?
        let stream = BoundedStream<Int>(capacity: 2)
        do {
            let producer = Producer()
            weakProducer = producer
            stream.onReaderGone = { _ = producer }
        }
        XCTAssertNotNil(weakProducer, "held while the transfer runs")
        stream.finish()
        XCTAssertNil(weakProducer, "let go once it finished")
    }
}
