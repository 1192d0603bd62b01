/// How long to wait before sending again after a retryable failure: `Retry-After` when given, else
/// exponential backoff from 2 s with jitter, at most 30 s between tries and `totalWait` in all.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: Double = 2
    public var maxDelay: Double = 30
    /// Seconds of waiting allowed for one message; 0 never waits.
    public var totalWait: Double

    public init(totalWait: Double = 300) {
        self.totalWait = totalWait
    }

    /// The delay before try `attempt + 1`, or nil when the budget (`waited` so far) is spent.
    /// `jitter` in 0..<1 spreads tries of many clients: the delay is scaled by 0.75...1.25.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, waited: Double, jitter: Double) -> Double? {
        let backoff = min(maxDelay, firstDelay * Double(1 << min(max(attempt - 1, 0), 16)))
        let delay = retryAfter ?? min(maxDelay, backoff * (0.75 + 0.5 * jitter))
        guard waited + delay <= totalWait else { return nil }
        return delay
    }
}
