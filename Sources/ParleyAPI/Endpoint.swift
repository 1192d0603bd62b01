import Foundation

/// Where requests go and how they are authorised.
public struct Endpoint: Sendable, Equatable {
    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8077/v1`.
    public var baseURL: String
    public var apiKey: String?
    /// Where the key came from (`PARLEY_API_KEY`, `--api-key`...), named in error sentences; never the key.
    public var keySource: String?
    /// Where the base URL came from, for `/settings`.
    public var baseURLSource: String

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

    /// The endpoint, first found wins (DESIGN.md): the flag; `PARLEY_BASE_URL`; `OPENAI_BASE_URL`
    /// (or OpenAI itself when only `OPENAI_API_KEY` is set); Casola when `CASOLA_API_KEY` is set;
    /// last, the bundled local model. The key comes with its tier, `PARLEY_API_KEY` first; the
    /// bundled local model is never sent a key it was not given through `PARLEY_API_KEY`.
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

    public static func resolve(flagBaseURL: String?, environment: [String: String], profile: Profile? = nil) throws(APIError) -> Endpoint {
        func value(_ name: String) -> String? {
            // A key pasted with its newline is the same key.
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        func key(_ names: [String]) -> (String?, String?) {
            for name in names {
                if let key = value(name) { return (key, name) }
            }
            return (nil, nil)
        }
        let all = ["PARLEY_API_KEY", "OPENAI_API_KEY", "CASOLA_API_KEY"]
        let (base, source, keyNames): (String, String, [String])
        let profileKeys = ["PARLEY_API_KEY"] + (profile?.apiKeyVariable.map { [$0] } ?? [])
        if let flag = flagBaseURL {
            (base, source, keyNames) = (flag, "--base-url", all)
        } else if let profile, profile.explicit, let url = profile.baseURL {
            (base, source, keyNames) = (url, "profile \(profile.name)", profileKeys)
        } else if let env = value("PARLEY_BASE_URL") {
            (base, source, keyNames) = (env, "PARLEY_BASE_URL", all)
        } else if let env = value("OPENAI_BASE_URL") {
            (base, source, keyNames) = (env, "OPENAI_BASE_URL", ["PARLEY_API_KEY", "OPENAI_API_KEY"])
        } else if value("OPENAI_API_KEY") != nil {
            (base, source, keyNames) = (openAIURL, "OPENAI_API_KEY", ["PARLEY_API_KEY", "OPENAI_API_KEY"])
        } else if value("CASOLA_API_KEY") != nil {
            (base, source, keyNames) = (casolaURL, "CASOLA_API_KEY", ["PARLEY_API_KEY", "CASOLA_API_KEY"])
        } else if let profile, let url = profile.baseURL {
            (base, source, keyNames) = (url, "profile \(profile.name)", profileKeys)
        } else {
            (base, source, keyNames) = (localModelURL, localModelSource, ["PARLEY_API_KEY"])
        }
        let (apiKey, keySource) = key(keyNames)
        return Endpoint(baseURL: try validateBaseURL(base), apiKey: apiKey, keySource: keySource, baseURLSource: source)
    }
}
