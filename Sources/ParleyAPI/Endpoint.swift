import Foundation
import ParleyHTTP

/// Where requests go and how they are authorised.
public struct Endpoint: Sendable, Equatable {
    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8077/v1`.
    public var baseURL: String
    public var apiKey: String?
    /// Where the key came from (`PARLEY_API_KEY`, `--api-key`...), named in error sentences; never the key.
    public var keySource: String?
    /// Where the base URL came from, for `/settings`.
    public var baseURLSource: String
    /// Why this key (or none) goes to this endpoint, for `--show-endpoint` and `/settings`.
    public var keyReason = ""

    public static let localModelURL = "http://127.0.0.1:8077/v1"
    public static let casolaURL = "https://api.casola.ai/openai/v1"
    public static let openAIURL = "https://api.openai.com/v1"
    /// The `baseURLSource` of the bundled local model, the endpoint of last resort.
    public static let localModelSource = "the bundled local model"

    public init(baseURL: String, apiKey: String? = nil, keySource: String? = nil, baseURLSource: String = "flag") {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.keySource = keySource
        self.baseURLSource = baseURLSource
    }

    /// `key: VARIABLE (why)` or `key: none (why not)`: for `--show-endpoint`; never the key.
    public var keyLine: String {
        "key: \(keySource ?? "none") (\(keyReason))"
    }

    /// The base URL as parley shows it: a password in it as `***`.
    public var shownURL: String { URLPassword.redacted(baseURL) }

    /// The base URL without a user and password: what the remembered model is keyed by.
    public var storedURL: String { URLPassword.withoutCredentials(baseURL) }

    /// Whether this is the bundled local model, chosen because nothing else was configured.
    public var isBundledModel: Bool {
        baseURL == Self.localModelURL && baseURLSource == Self.localModelSource
    }

    /// Said when nothing was configured and the bundled model does not answer: the ways forward.
    public static let notConfigured =
        "No endpoint is configured, and the bundled local model at \(localModelURL) is not running. Start it "
        + "(scripts/local-model start, or make run), or point parley at a server: PARLEY_BASE_URL (and PARLEY_API_KEY), "
        + "or OPENAI_API_KEY for OpenAI, or CASOLA_API_KEY for Casola."

    /// `{base}/path`.
    public func url(_ path: String) -> String {
        baseURL + "/" + path
    }

    /// Checks that `raw` is an http(s) URL with a host; returns it without a trailing slash.
    public static func validateBaseURL(_ raw: String) throws(APIError) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed) else {
            throw .invalidBaseURL(raw, reason: "it is not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidBaseURL(raw, reason: "it must start with http:// or https://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidBaseURL(raw, reason: "it has no host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw .invalidBaseURL(raw, reason: "it must not have a query or fragment")
        }
        var result = trimmed
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// A config file's profile as an endpoint: after the environment, or first of all when named
    /// explicitly (`--profile`, `PARLEY_PROFILE`).
    public struct Profile: Sendable, Equatable {
        public var name: String
        public var baseURL: String?
        public var apiKeyVariable: String?
        public var explicit: Bool

        public init(name: String, baseURL: String?, apiKeyVariable: String?, explicit: Bool) {
            self.name = name
            self.baseURL = baseURL
            self.apiKeyVariable = apiKeyVariable
            self.explicit = explicit
        }
    }

    /// The endpoint, first found wins (DESIGN.md): the flag; `PARLEY_BASE_URL`; `OPENAI_BASE_URL`
    /// (or OpenAI itself when only `OPENAI_API_KEY` is set); Casola when `CASOLA_API_KEY` is set;
    /// the config file's profile; last, the bundled local model. The key is chosen by `KeyRule`:
    /// a service's key goes to that service's host alone.
    public static func resolve(flagBaseURL: String?, environment: [String: String], profile: Profile? = nil) throws(APIError) -> Endpoint {
        let value = { (name: String) in KeyRule.value(name, in: environment) }
        let (base, source): (String, String)
        var profileInUse: Profile?
        if let flag = flagBaseURL {
            (base, source) = (flag, "--base-url")
        } else if let profile, profile.explicit, let url = profile.baseURL {
            (base, source) = (url, "profile \(profile.name)")
            profileInUse = profile
        } else if let env = value("PARLEY_BASE_URL") {
            (base, source) = (env, "PARLEY_BASE_URL")
        } else if let env = value("OPENAI_BASE_URL") {
            (base, source) = (env, "OPENAI_BASE_URL")
        } else if value("OPENAI_API_KEY") != nil {
            (base, source) = (openAIURL, "OPENAI_API_KEY")
        } else if value("CASOLA_API_KEY") != nil {
            (base, source) = (casolaURL, "CASOLA_API_KEY")
        } else if let profile, let url = profile.baseURL {
            (base, source) = (url, "profile \(profile.name)")
            profileInUse = profile
        } else {
            (base, source) = (localModelURL, localModelSource)
        }
        let url = try validateBaseURL(base)
        let choice = KeyRule.choose(baseURL: url, environment: environment, profile: profileInUse)
        var endpoint = Endpoint(baseURL: url, apiKey: choice.key, keySource: choice.variable, baseURLSource: source)
        endpoint.keyReason = choice.reason
        return endpoint
    }
}
