import Foundation
import TestSupport
import XCTest

@testable import ParleyRender

/// Output and transcripts go through `writeAll`: everything written, a signal or not.
final class WriteAllTests: XCTestCase {
    final class Writer: @unchecked Sendable {
        var thread: pthread_t?
        var id: Int32 = -1
        var succeeded = false
        let lock = NSLock()
        var ended = false
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
    }

    func testAWriteInterruptedByASignalGoesOn() throws {
        // A handler without SA_RESTART: a write blocked on a full pipe then fails with EINTR.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGUSR1, &action, &previous)
        defer { sigaction(SIGUSR1, &previous, nil) }
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let bytes = [UInt8](repeating: 7, count: 1 << 20)
        let writeEnd = fds[1]
        let writer = Writer()
        let thread = Thread {
            writer.thread = pthread_self()
            writer.id = ThreadState.currentID()
            writer.started.signal()
            writer.succeeded = bytes.withUnsafeBytes { writeAll(writeEnd, $0) }
            close(writeEnd)
            writer.lock.withLock { writer.ended = true }
            writer.finished.signal()
        }
        thread.start()
        writer.started.wait()
        // Nobody reads yet: the pipe fills and the writer blocks. Each signal is sent once it is blocked
        // (asleep in its write), and interrupts that write.
        for _ in 0..<20 {
            try waitUntil("the writer to block on the full pipe") {
                writer.lock.withLock { writer.ended } || ThreadState.isAsleep(writer.id)
            }
            if writer.lock.withLock({ writer.ended }) { break }  // it gave up: said below
            pthread_kill(writer.thread!, SIGUSR1)
        }
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            received += count
        }
        writer.finished.wait()
        XCTAssertTrue(writer.succeeded)
        XCTAssertEqual(received, bytes.count)
    }

    func testAFailedWriteSaysSo() {
        let bytes: [UInt8] = [1, 2, 3]
        XCTAssertFalse(bytes.withUnsafeBytes { writeAll(-1, $0) })
        XCTAssertEqual(errno, EBADF)
    }
}
