import Foundation

/// Which key goes to an endpoint, and why. A key belongs to a service: `PARLEY_API_KEY` (and a
/// profile's `api_key_env`, with that profile's endpoint) is the user's key for whichever endpoint
/// parley uses; `OPENAI_API_KEY` goes only to OpenAI's host or to `OPENAI_BASE_URL` (the OpenAI
/// SDKs' convention); `CASOLA_API_KEY` only to Casola's host. Any other endpoint gets no key.
public enum KeyRule {
    public struct Choice: Sendable, Equatable {
        public var key: String?
        /// The variable the key came from; nil when none is sent.
        public var variable: String?
        /// A sentence fragment: why this variable, or why none.
        public var reason: String
    }

    public static let openAIHost = "api.openai.com"
    public static let casolaHost = "api.casola.ai"

    /// A variable's value without surrounding white space (a key pasted with its newline is the same
    /// key); nil when unset or empty.
    public static func value(_ name: String, in environment: [String: String]) -> String? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// `baseURL` is already checked (no trailing slash). `profile` is the profile whose endpoint this is.
    public static func choose(baseURL: String, environment: [String: String], profile: Endpoint.Profile?) -> Choice {
        func found(_ name: String, _ reason: String) -> Choice? {
            value(name, in: environment).map { Choice(key: $0, variable: name, reason: reason) }
        }
        let host = URLComponents(string: baseURL)?.host?.lowercased() ?? ""
        let openAIBase = value("OPENAI_BASE_URL", in: environment).flatMap { try? Endpoint.validateBaseURL($0) }
        if let choice = found("PARLEY_API_KEY", "it goes to any endpoint") { return choice }
        if let profile, let variable = profile.apiKeyVariable,
            let choice = found(variable, "the api_key_env of profile \(profile.name)")
        {
            return choice
        }
        if host == openAIHost, let choice = found("OPENAI_API_KEY", "the endpoint is OpenAI's host, \(openAIHost)") { return choice }
        if let openAIBase, openAIBase == baseURL,
            let choice = found("OPENAI_API_KEY", "the endpoint is OPENAI_BASE_URL")
        {
            return choice
        }
        if host == casolaHost, let choice = found("CASOLA_API_KEY", "the endpoint is Casola's host, \(casolaHost)") { return choice }
        // None: say which variables are set and why they stay home.
        var withheld: [String] = []
        if let variable = profile?.apiKeyVariable, environment[variable] != nil, value(variable, in: environment) == nil {
            withheld.append("\(variable) is empty")
        }
        if value("OPENAI_API_KEY", in: environment) != nil {
            withheld.append("OPENAI_API_KEY goes only to \(openAIHost) or to OPENAI_BASE_URL")
        }
        if value("CASOLA_API_KEY", in: environment) != nil {
            withheld.append("CASOLA_API_KEY goes only to \(casolaHost)")
        }
        let advice = "PARLEY_API_KEY would go to this endpoint"
        let reason =
            withheld.isEmpty
            ? "no key variable for this endpoint is set; \(advice)"
            : withheld.joined(separator: "; ") + "; \(advice)"
        return Choice(key: nil, variable: nil, reason: reason)
    }
}
