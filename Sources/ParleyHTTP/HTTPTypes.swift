import Foundation

/// One HTTP request: what to send and how long to wait.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Seconds allowed to establish the connection.
    public var connectTimeout: Double
    /// Seconds the transfer may stay silent (no header or body byte) before it ends with `HTTPError.stalled`.
    public var idleTimeout: Double
    /// Follows up to five redirects (http and https only), as a page fetch needs; chat requests do not.
    public var followsRedirects = false

    /// `--idle-timeout`'s default, and the connection's.
    public static let defaultIdleTimeout: Double = 60
    public static let defaultConnectTimeout: Double = 10

    public init(
        method: Method, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        connectTimeout: Double = defaultConnectTimeout, idleTimeout: Double = defaultIdleTimeout
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
    }
}

/// The status line and headers of the final response.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]

    public init(status: Int, headers: [HTTPHeader]) {
        self.status = status
        self.headers = headers
    }

    /// The first header with this name, compared case-insensitively.
    public func value(for name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// `Retry-After` in seconds, from either of its forms (delta-seconds or an HTTP date).
    public func retryAfter(now: Date = Date()) -> Double? {
        guard let raw = value(for: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(raw), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: raw) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether the header holds a line break or a NUL, which would end it early and start another
    /// (a key pasted with its newline): such a request is not sent.
    public var breaksTheLine: Bool {
        [name, value].contains { $0.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 } }
    }
}

/// What a transfer delivers, in order: one `head`, then the body in pieces as they arrive.
public enum HTTPEvent: Sendable, Equatable {
    case head(HTTPResponseHead)
    case body([UInt8])
}

/// Why a transfer failed. Each case reads as a sentence through `description`.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(url: String, reason: String)
    case cannotResolveHost(url: String, host: String)
    case cannotConnect(url: String, reason: String)
    case tls(url: String, reason: String)
    case stalled(url: String, seconds: Double)
    case transfer(url: String, reason: String)

    /// The sentence, a password in its URL shown as `***` (libcurl's own messages may name it too).
    public var description: String { URLPassword.redacted(sentence) }

    private var sentence: String {
        switch self {
        case let .invalidURL(url, reason):
            return "\(url) is not a usable URL: \(reason)."
        case let .cannotResolveHost(url, host):
            return "Cannot reach \(url): the host name \(host) does not resolve. Check the base URL and your network."
        case let .cannotConnect(url, reason):
            return "Cannot connect to \(url): \(reason). Is the server running?"
        case let .tls(url, reason):
            return "The secure connection to \(url) failed: \(reason)."
        case let .stalled(url, seconds):
            return "\(url) sent nothing for \(formatSeconds(seconds)) s; gave up (--idle-timeout)."
        case let .transfer(url, reason):
            return "The transfer from \(url) failed: \(reason)."
        }
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
}

/// Carries HTTP requests. The chat client depends on this, never on libcurl.
public protocol HTTPTransport: Sendable {
    /// Starts the transfer. Ending the consumer's iteration (or cancelling its task) cancels the transfer.
    func send(_ request: HTTPRequest) -> BoundedStream<HTTPEvent>
}

/// A password in a URL (`https://user:password@host/v1`, how servers behind basic auth are
/// reached) is a secret like the API key: shown as `***` wherever parley writes a URL.
public enum URLPassword {
    /// `text` with the password of every URL in it as `***`.
    public static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^/\s:@]*):[^@\s/]*@"#, with: "$1:***@", options: .regularExpression)
    }

    /// `url` around its password: what comes before it (`https://user:`) and after (`@host/v1`); nil
    /// when it has none.
    public static func split(_ url: String) -> (before: String, after: String)? {
        guard let match = url.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^@\s/]*@"#, options: .regularExpression) else { return nil }
        let userEnd = url[match].lastIndex(of: ":")!
        return (String(url[..<url.index(after: userEnd)]), String(url[url.index(before: match.upperBound)...]))
    }

    /// `url` without its user and password: what a URL is known by where it is kept (the store).
    public static func withoutCredentials(_ url: String) -> String {
        url.replacingOccurrences(of: #"://[^/\s@]*@"#, with: "://", options: .regularExpression)
    }
}
