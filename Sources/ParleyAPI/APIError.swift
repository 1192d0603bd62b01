import ParleyHTTP

/// Every way a request to the chat API can fail, each with a sentence the user can act on.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The base URL is not an http(s) URL with a host.
    case invalidBaseURL(String, reason: String)
    /// The request never reached a server (DNS, refused connection, TLS, ...).
    case transport(HTTPError)
    /// The server answered with an error status.
    case http(HTTPFailure)
    /// The stream ended (closed, or the connection dropped) before `data: [DONE]`.
    case streamCut(reason: String?)
    /// The server sent an error event in the middle of the stream.
    case errorEvent(code: String?, message: String)
    /// An event that is not a chat chunk (not JSON, or no `choices`).
    case invalidEvent(String)

    /// The sentence; a password in a URL in it shown as `***`.
    public var description: String { URLPassword.redacted(sentence) }

    private var sentence: String {
        switch self {
        case let .invalidBaseURL(url, reason):
            return
                "The base URL \"\(url)\" cannot be used: \(reason). Give one like http://127.0.0.1:8077/v1 (--base-url or PARLEY_BASE_URL)."
        case let .transport(error):
            return error.description
        case let .http(failure):
            return failure.description
        case let .streamCut(reason):
            let cause = reason.map { " (\($0))" } ?? ""
            return "The reply was cut off before it ended\(cause); the text so far is kept."
        case let .errorEvent(code, message):
            let label = code.map { " [\($0)]" } ?? ""
            return "The server reported an error mid-reply\(label): \(message)"
        case let .invalidEvent(excerpt):
            return "The server sent something that is not a chat reply: \(excerpt)"
        }
    }

    /// Why a retryable failure makes parley wait, as a phrase after the model's name
    /// ("SmolLM2 is warming up — retrying in 12 s").
    public var waitReason: String {
        guard case let .http(failure) = self else { return "cannot be reached" }
        switch (failure.status, failure.code) {
        case (503, "model_warming_up"): return "is warming up"
        case (503, "no_capacity"): return "has no free capacity"
        case (429, "backlog_full"): return "has a full queue"
        case (429, _): return "is rate-limited"
        case (504, _): return "timed out"
        default: return "had a server error (\(failure.status))"
        }
    }

    /// Whether waiting and sending again may succeed (see DESIGN.md, Protocol).
    public var isRetryable: Bool {
        switch self {
        case let .http(failure): return failure.isRetryable
        default: return false
        }
    }
}

/// An HTTP error status with what the server said about it.
public struct HTTPFailure: Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String?
    public var message: String?
    /// Seconds from `Retry-After`, when sent.
    public var retryAfter: Double?
    /// Where the API key came from (an environment variable or flag), for 401's sentence.
    public var keySource: String?
    public var url: String

    public init(
        status: Int, code: String? = nil, message: String? = nil, retryAfter: Double? = nil,
        keySource: String? = nil, url: String
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.keySource = keySource
        self.url = url
    }

    /// The server said it is busy or starting, or when to come back: worth waiting for, up to `--wait`.
    public var isBusy: Bool {
        if retryAfter != nil { return true }
        switch (status, code) {
        case let (429, code?) where code.contains("rate_limit") || code == "backlog_full": return true
        case (503, "model_warming_up"), (503, "no_capacity"): return true
        default: return false
        }
    }

    /// A server error with no such sign that may pass: tried again a few times, not waited for long.
    public var isTransient: Bool {
        switch (status, code) {
        case (429, "quota_exceeded"), (503, "not_configured"): return false
        case (429, _), (500, _), (502, _), (503, _), (504, _): return !isBusy
        default: return false
        }
    }

    public var isRetryable: Bool { isBusy || isTransient }

    /// The model asked for is not there: 404, or a 400 or 422 whose message says so in the words of
    /// OpenAI, vLLM, Ollama, llama.cpp or a proxy (LiteLLM's "Invalid model name").
    public var isModelNotFound: Bool {
        if status == 404 || code == "model_not_found" { return true }
        guard status == 400 || status == 422, let text = message?.lowercased(), text.contains("model") else { return false }
        return text.contains("does not exist") || text.contains("not found") || text.contains("invalid model")
            || text.contains("unknown model") || text.contains("no such model") || text.contains("not a valid model")
    }

    /// The conversation does not fit the model's context window: OpenAI's `context_length_exceeded`,
    /// vLLM's "maximum context length is N tokens", llama.cpp's "exceeds the available context size"
    /// or "exceed context window".
    public var isContextTooLong: Bool {
        if code == "context_length_exceeded" { return true }
        guard status == 400 || status == 413 || status == 422 || status == 500, let text = message?.lowercased() else { return false }
        return text.contains("maximum context length") || text.contains("context window") || text.contains("context size")
            || text.contains("context length")
    }

    /// The window's length in tokens, when the server's message says it.
    public var contextWindow: Int? {
        guard isContextTooLong, let text = message else { return nil }
        for pattern in [#"maximum context length is (\d+)"#, #"context (?:size|window|length)[^0-9.]{0,24}(\d+)"#] {
            if let match = text.range(of: pattern, options: [.regularExpression, .caseInsensitive]),
                let digits = text[match].split(whereSeparator: { !$0.isNumber }).last, let window = Int(digits)
            {
                return window
            }
        }
        return nil
    }

    /// A code parley reads a meaning from (busy, warming, quota, not configured).
    var hasKnownCode: Bool {
        ["model_warming_up", "no_capacity", "backlog_full", "quota_exceeded", "not_configured"].contains(code ?? "")
            || code?.contains("rate_limit") == true
    }

    /// Where parley looks for a key, said when none was sent and the server may have wanted one.
    static let whereKeysComeFrom =
        "No API key was sent: PARLEY_API_KEY goes to any endpoint, OPENAI_API_KEY and CASOLA_API_KEY only to their own services."

    public var description: String { URLPassword.redacted(sentence) }

    private var sentence: String {
        // The sentence gives its own full stop.
        let said = message.map { ": " + ($0.hasSuffix(".") ? String($0.dropLast()) : $0) } ?? ""
        let label = code.map { " \($0)" } ?? ""
        // No key sent, and a refusal or a server error with no meaning of its own: the key may be why.
        let noKey = keySource == nil && (status == 403 || (status >= 500 && !hasKnownCode)) ? " " + Self.whereKeysComeFrom : ""
        switch status {
        case 401:
            guard let keySource else {
                return "The server wants an API key (401\(label))\(said). \(Self.whereKeysComeFrom)"
            }
            return "The API key from \(keySource) was refused (401\(label))\(said). Set \(keySource) to a valid key."
        case 403:
            return "The server refused access (403\(label))\(said). Check that your key may use this model.\(noKey)"
        case 404:
            return "Not found at \(url) (404\(label))\(said). Check the model name (/model) and the base URL."
        case _ where isContextTooLong:
            let window = contextWindow.map { " of \($0) tokens" } ?? ""
            return "The conversation is too long for the model's context window\(window) (\(status)\(label))\(said)."
        case 400 where isModelNotFound, 422 where isModelNotFound:
            return "The server has no such model (\(status)\(label))\(said). Check the model name (/model)."
        case 429 where code == "quota_exceeded":
            return "Your quota is used up (429 quota_exceeded)\(said). See your provider's usage page for the limit."
        case 429:
            return "Too many requests (429\(label))\(said)."
        case 503 where code == "not_configured":
            return "The server has no such model configured (503 not_configured)\(said). Choose another with /model."
        default:
            return "The server answered \(status)\(label)\(said).\(noKey)"
        }
    }
}
