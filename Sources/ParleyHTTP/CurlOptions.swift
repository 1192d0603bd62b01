import CCurl

/// How options reach a curl handle. Every option parley sets is checked: one the loaded libcurl
/// refuses (too old, built without it) stops the request before anything is sent, above all the
/// rule that only http and https are spoken and that TLS certificates are verified. The live setter
/// is libcurl's own `curl_easy_setopt`; a test gives one that refuses.
public struct CurlOptions: Sendable {
    public var long: @Sendable (UnsafeMutableRawPointer, CURLoption, Int) -> CURLcode
    public var string: @Sendable (UnsafeMutableRawPointer, CURLoption, String) -> CURLcode
    public var pointer: @Sendable (UnsafeMutableRawPointer, CURLoption, UnsafeMutableRawPointer?) -> CURLcode

    public init(
        long: @escaping @Sendable (UnsafeMutableRawPointer, CURLoption, Int) -> CURLcode,
        string: @escaping @Sendable (UnsafeMutableRawPointer, CURLoption, String) -> CURLcode,
        pointer: @escaping @Sendable (UnsafeMutableRawPointer, CURLoption, UnsafeMutableRawPointer?) -> CURLcode
    ) {
        self.long = long
        self.string = string
        self.pointer = pointer
    }

    public static let libcurl = CurlOptions(
        long: { parley_curl_setopt_long($0, $1, $2) },
        string: { parley_curl_setopt_string($0, $1, $2) },
        pointer: { parley_curl_setopt_pointer($0, $1, $2) })

    /// libcurl's setter, but `refused` answered as a libcurl without it would (for tests).
    public static func refusing(_ refused: CURLoption) -> CurlOptions {
        let live = libcurl
        return CurlOptions(
            long: { $1 == refused ? CURLE_UNKNOWN_OPTION : live.long($0, $1, $2) },
            string: { $1 == refused ? CURLE_UNKNOWN_OPTION : live.string($0, $1, $2) },
            pointer: { $1 == refused ? CURLE_UNKNOWN_OPTION : live.pointer($0, $1, $2) })
    }
}

/// The first option a handle refused, with curl's reason: gathered while a handle is set up, so
/// that the setup reads as a list and one check follows it.
struct OptionChecks {
    private(set) var refusal: String?

    /// Notes `code` for the option `name`; only the first refusal is kept.
    mutating func check(_ code: CURLcode, _ name: String) {
        guard code != CURLE_OK, refusal == nil else { return }
        refusal = "libcurl refused the option \(name) (\(String(cString: parley_curl_easy_strerror(code)))), so nothing was sent"
    }
}
