/// Why a request failed, as a typed value: what kind of failure, the sentence that says it, and
/// whether waiting and sending again may help. The session decides from these what happens next
/// (wait, offer `/retry`, suggest models); nothing is read from the sentence.
public struct TurnFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No connection could be made (refused): a server not started yet, or not there.
        case cannotConnect
        /// Another failure before any answer: a name that does not resolve, TLS, a timeout.
        case unreachable
        /// The server answered with an error status.
        case http(status: Int, code: String?)
        /// The reply stopped before its end.
        case cut
        /// The server said something that is not a chat reply, or an error mid-reply.
        case badReply
        /// The request was stopped (Esc, Ctrl-C).
        case cancelled
    }

    public var kind: Kind
    public var sentence: String
    /// Whether the server asked to be tried again (busy, warming up, rate-limited).
    public var isRetryable: Bool
    public var retryAfter: Double?
    /// For a wait: why, as a phrase after the model's name ("is warming up").
    public var waitReason: String
    /// The most seconds to wait in all for this kind of failure, when less than the policy's.
    public var waitLimit: Double?
    /// The most tries in all (the first included) for this kind of failure: a server error with no
    /// sign of being busy is tried a few times, not waited for as long as `--wait` allows.
    public var attemptLimit: Int?
    /// The model asked for is not there: the server's nearest names help.
    public var modelNotFound: Bool
    /// The conversation does not fit the model's context window; its length in tokens when known.
    public var contextTooLong = false
    public var contextWindow: Int?

    public init(
        _ kind: Kind, sentence: String, isRetryable: Bool = false, retryAfter: Double? = nil,
        waitReason: String = "is busy", waitLimit: Double? = nil, attemptLimit: Int? = nil, modelNotFound: Bool = false
    ) {
        self.kind = kind
        self.sentence = sentence
        self.isRetryable = isRetryable
        self.retryAfter = retryAfter
        self.waitReason = waitReason
        self.waitLimit = waitLimit
        self.attemptLimit = attemptLimit
        self.modelNotFound = modelNotFound
    }

    /// How many tries a server error with no sign of being busy gets in all.
    public static let transientAttempts = 3

    public static let cancelled = TurnFailure(.cancelled, sentence: "cancelled")

    /// Whether the model asked for may not exist, so the server's nearest names would help.
    public var suggestsModels: Bool {
        if case .http(404, _) = kind { return true }
        return modelNotFound
    }

    /// Whether sending the same request again may succeed: not when the server refused the request
    /// itself (a 4xx but 429: a bad model, key or body), where something must change first.
    public var retryHelps: Bool {
        if contextTooLong { return false }
        if case let .http(status, _) = kind { return status == 429 || status >= 500 }
        return true
    }
}
