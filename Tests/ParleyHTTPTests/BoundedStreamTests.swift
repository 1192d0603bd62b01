import Foundation
import XCTest
@testable import ParleyHTTP

final class BoundedStreamTests: XCTestCase {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func add() { lock.lock(); value += 1; lock.unlock() }
        var current: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    func testTheProducerWaitsWhileTheQueueIsFull() async throws {
        let stream = BoundedStream<Int>(capacity: 2)
        let sent = Counter()
        Thread {
            for number in 1...5 where stream.send(number) { sent.add() }
            stream.finish()
        }.start()
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(sent.current, 2, "no more than the capacity is taken while nobody reads")
        var received: [Int] = []
        for try await number in stream { received.append(number) }
        XCTAssertEqual(received, [1, 2, 3, 4, 5])
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
        let gone = Counter()
        stream.onReaderGone = { gone.add() }
        let refused = Counter()
        Thread {
            for number in 1...100 where !stream.send(number) {
                refused.add()
                break
            }
        }.start()
        for try await number in stream where number == 3 { break }
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(gone.current, 1)
        XCTAssertEqual(refused.current, 1, "the producer was told to stop")
    }
}
