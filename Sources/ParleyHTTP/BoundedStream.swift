import Foundation

/// What a transfer delivers, through a queue of at most `capacity` unread elements: when the reader
/// falls behind, the transfer's thread waits instead of piling up the body in memory. One reader.
/// Ending the iteration early (or cancelling the reading task) tells the producer to stop.
public final class BoundedStream<Element: Sendable>: AsyncSequence, @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer: [Element?] = []  // taken slots are nil: a taken piece is not kept alive
    private var head = 0
    private var finished = false
    private var failure: Error?
    private var readerGone = false
    private var waiting: CheckedContinuation<Element?, Error>?
    private let capacity: Int
    /// Called once when the reader has gone (stopped early or was cancelled).
    var onReaderGone: (@Sendable () -> Void)?
    /// Elements the reader is done with, for the producer to reuse (a byte buffer's memory, say).
    private var givenBack: [Element] = []

    public init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// The reader is done with `element`: the producer may reuse it (two are kept, enough for one
    /// being filled while the other is read).
    public func giveBack(_ element: Element) {
        condition.lock()
        if givenBack.count < 2 { givenBack.append(element) }
        condition.unlock()
    }

    /// An element the reader gave back, if any.
    func takeGivenBack() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return givenBack.popLast()
    }

    /// Hands over one element, waiting while the queue is full; false once the reader has gone.
    func send(_ element: Element) -> Bool {
        condition.lock()
        while buffer.count - head >= capacity, !readerGone { condition.wait() }
        if readerGone {
            condition.unlock()
            return false
        }
        if let waiting {
            self.waiting = nil
            condition.unlock()
            waiting.resume(returning: element)
            return true
        }
        buffer.append(element)
        condition.unlock()
        return true
    }

    /// No more elements; the reader sees the end (or `error`) after those already queued.
    func finish(throwing error: Error? = nil) {
        condition.lock()
        guard !finished else {
            condition.unlock()
            return
        }
        finished = true
        failure = error
        let waiting = self.waiting
        self.waiting = nil
        // The producer is done: nothing is left to cancel. Letting go of the callback also lets go of
        // the producer it holds (a transfer holds this stream): each request's buffers were kept for
        // the life of the process before.
        onReaderGone = nil
        condition.unlock()
        if let waiting {
            if let error { waiting.resume(throwing: error) } else { waiting.resume(returning: nil) }
        }
    }

    fileprivate func next() async throws -> Element? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, Error>) in
                condition.lock()
                if head < buffer.count {
                    let element = buffer[head]!
                    buffer[head] = nil
                    head += 1
                    if head > 64, head * 2 > buffer.count {
                        buffer.removeFirst(head)
                        head = 0
                    }
                    condition.signal()
                    condition.unlock()
                    continuation.resume(returning: element)
                } else if finished || readerGone {
                    let error = readerGone ? CancellationError() : failure
                    failure = nil
                    condition.unlock()
                    if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
                } else {
                    waiting = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            self.readerLeft()
        }
    }

    fileprivate func readerLeft() {
        condition.lock()
        let wasGone = readerGone
        readerGone = true
        let waiting = self.waiting
        self.waiting = nil
        let callback = wasGone ? nil : onReaderGone
        onReaderGone = nil
        condition.broadcast()
        condition.unlock()
        waiting?.resume(throwing: CancellationError())
        callback?()
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let stream: BoundedStream
        private let reading: Reading

        fileprivate init(stream: BoundedStream) {
            self.stream = stream
            reading = Reading(stream: stream)
        }

        public mutating func next() async throws -> Element? {
            try await stream.next()
        }
    }

    /// Tells the producer when the iterator is dropped before the end.
    private final class Reading: @unchecked Sendable {
        let stream: BoundedStream
        init(stream: BoundedStream) { self.stream = stream }
        deinit {
            stream.condition.lock()
            let done = stream.finished && stream.head >= stream.buffer.count
            stream.condition.unlock()
            if !done { stream.readerLeft() }
        }
    }
}
