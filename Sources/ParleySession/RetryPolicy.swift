/// How long to wait before sending again after a retryable failure: `Retry-After` when given, else
/// exponential backoff from 2 s with jitter, at most 30 s between tries and `totalWait` in all.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: Double = 2
    public var maxDelay: Double = 30
    /// Seconds of waiting allowed for one message; 0 never waits.
    public var totalWait: Double
    /// Set when the endpoint is the bundled local model, which `make run` starts as parley opens: a
    /// refused connection then means "still starting" and is waited for this long at most. Any other
    /// endpoint that refuses connections is said at once.
    public var startingModelWait: Double?
    /// With `startingModelWait`: what is said when the bundled model does not answer in the end
    /// (nothing else was configured and it is not running): the ways forward.
    public var notAnswering: String?
    /// How a failure a retry may fix is offered: `/retry` in the shell and in scripts; a one-shot run
    /// is run again.
    public var advice: Advice = .retryCommand

    public enum Advice: Sendable, Equatable {
        case retryCommand
        case runAgain

        var sentence: String {
            switch self {
            case .retryCommand: " /retry sends it again."
            case .runAgain: " Run the command again to try again."
            }
        }

        /// What to do about a conversation too long for the model's window.
        var tooLong: String {
            switch self {
            case .retryCommand: " /trim leaves out the oldest turns (they stay in the conversation), then /retry sends the rest."
            case .runAgain: " Send less: the prompt, with what was piped in, is longer than the model takes."
            }
        }
    }

    /// `--wait`'s default: seconds to wait in all for a busy or warming model.
    public static let defaultTotalWait: Double = 300
    /// How long the bundled model is given to start.
    public static let bundledModelStartWait: Double = 30

    public init(totalWait: Double = defaultTotalWait, startingModelWait: Double? = nil, notAnswering: String? = nil) {
        self.totalWait = totalWait
        self.startingModelWait = startingModelWait
        self.notAnswering = notAnswering
    }

    /// The failure as this policy takes it: a refused connection to a model that is starting is a
    /// reason to wait.
    public func adjusted(_ failure: TurnFailure) -> TurnFailure {
        guard failure.kind == .cannotConnect, let startingModelWait else { return failure }
        var failure = failure
        failure.isRetryable = true
        failure.waitReason = "is not answering yet (scripts/local-model start starts it)"
        failure.waitLimit = startingModelWait
        if let notAnswering { failure.sentence = notAnswering }
        return failure
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

/// A xorshift generator of numbers in 0..<1: the jitter that spreads retries of many clients.
public struct Jitter: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed == 0 ? 0x9E3779B97F4A7C15 : seed
    }

    public mutating func next() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) / Double(1 << 53)
    }
}
