import ParleyWire
import XCTest

@testable import ParleyAPI

final class EndpointTests: XCTestCase {
    func resolve(_ flag: String? = nil, _ environment: [String: String]) throws -> Endpoint {
        try Endpoint.resolve(flagBaseURL: flag, environment: environment)
    }

    /// The endpoint, its source, and the variable its key came from (nil: no key sent).
    func summary(_ endpoint: Endpoint) -> [String?] {
        [endpoint.baseURL, endpoint.baseURLSource, endpoint.keySource, endpoint.apiKey]
    }

    func testFirstFoundWins() throws {
        let all = [
            "PARLEY_BASE_URL": "http://parley/v1", "PARLEY_API_KEY": "p", "OPENAI_BASE_URL": "http://openai/v1",
            "OPENAI_API_KEY": "o", "CASOLA_API_KEY": "c",
        ]
        XCTAssertEqual(summary(try resolve("http://flag/v1/", all)), ["http://flag/v1", "--base-url", "PARLEY_API_KEY", "p"])
        XCTAssertEqual(try resolve(nil, all).baseURL, "http://parley/v1")
        var rest = all
        rest["PARLEY_BASE_URL"] = nil
        rest["PARLEY_API_KEY"] = nil
        XCTAssertEqual(summary(try resolve(nil, rest)), ["http://openai/v1", "OPENAI_BASE_URL", "OPENAI_API_KEY", "o"])
        rest["OPENAI_BASE_URL"] = nil
        XCTAssertEqual(summary(try resolve(nil, rest)), [Endpoint.openAIURL, "OPENAI_API_KEY", "OPENAI_API_KEY", "o"])
        rest["OPENAI_API_KEY"] = nil
        XCTAssertEqual(summary(try resolve(nil, rest)), [Endpoint.casolaURL, "CASOLA_API_KEY", "CASOLA_API_KEY", "c"])
        XCTAssertEqual(summary(try resolve(nil, [:])), [Endpoint.localModelURL, "the bundled local model", nil, nil])
    }

    func testAKeyOrURLWithItsNewlineIsTheSame() throws {
        let endpoint = try resolve(nil, ["OPENAI_BASE_URL": "http://local/v1\n", "OPENAI_API_KEY": " sk-1\r\n"])
        XCTAssertEqual(endpoint.apiKey, "sk-1")
        XCTAssertEqual(endpoint.baseURL, "http://local/v1")
    }

    func testTheLocalModelIsNotSentAnotherServicesKey() throws {
        // A Casola key must not leak to a base URL that came from OPENAI_BASE_URL.
        let endpoint = try resolve(nil, ["OPENAI_BASE_URL": "http://local/v1", "CASOLA_API_KEY": "secret"])
        XCTAssertNil(endpoint.apiKey)
        XCTAssertNil(try resolve(nil, ["OPENAI_API_KEY": "o", "PARLEY_BASE_URL": Endpoint.localModelURL]).apiKey)
    }

    func testAServicesKeyGoesOnlyToThatService() throws {
        // The case: a Casola key is not OpenAI's to see.
        let toOpenAI = try resolve("https://api.openai.com/v1", ["CASOLA_API_KEY": "c"])
        XCTAssertNil(toOpenAI.apiKey)
        XCTAssertTrue(toOpenAI.keyReason.contains("CASOLA_API_KEY goes only to api.casola.ai"), toOpenAI.keyReason)
        XCTAssertTrue(toOpenAI.keyReason.contains("PARLEY_API_KEY would go"), toOpenAI.keyReason)
        // Nor is either key a stranger's, however the stranger was named.
        let both = ["OPENAI_API_KEY": "o", "CASOLA_API_KEY": "c"]
        for strange: (String?, String?) in [("http://proxy.example/v1", nil), (nil, "https://proxy.example/v1")] {
            var environment = both
            environment["PARLEY_BASE_URL"] = strange.1
            let endpoint = try resolve(strange.0, environment)
            XCTAssertNil(endpoint.apiKey, "\(strange)")
            XCTAssertEqual(
                endpoint.keyLine,
                "key: none (OPENAI_API_KEY goes only to api.openai.com or to OPENAI_BASE_URL; CASOLA_API_KEY goes only to api.casola.ai; PARLEY_API_KEY would go to this endpoint)"
            )
        }
        // Each service's key reaches its own host, however the host was named.
        XCTAssertEqual(summary(try resolve("https://API.openai.com/v1/", both)).suffix(2), ["OPENAI_API_KEY", "o"])
        XCTAssertEqual(summary(try resolve("https://api.casola.ai/openai/v1", both)).suffix(2), ["CASOLA_API_KEY", "c"])
        // OPENAI_BASE_URL is where the OpenAI key is meant to go, named by the flag too.
        let named = try resolve("http://gateway.example/v1", ["OPENAI_BASE_URL": "http://gateway.example/v1/", "OPENAI_API_KEY": "o"])
        XCTAssertEqual(named.keyLine, "key: OPENAI_API_KEY (the endpoint is OPENAI_BASE_URL)")
        // PARLEY_API_KEY is the user's word that this endpoint gets it.
        XCTAssertEqual(
            try resolve("http://proxy.example/v1", ["PARLEY_API_KEY": "p", "CASOLA_API_KEY": "c"]).keyLine,
            "key: PARLEY_API_KEY (it goes to any endpoint)")
    }

    func testAProfilesKeyGoesWithItsOwnEndpointOnly() throws {
        let profile = Endpoint.Profile(name: "work", baseURL: "https://llm.work.example/v1", apiKeyVariable: "WORK_KEY", explicit: false)
        let environment = ["WORK_KEY": "w"]
        let own = try Endpoint.resolve(flagBaseURL: nil, environment: environment, profile: profile)
        XCTAssertEqual(summary(own), ["https://llm.work.example/v1", "profile work", "WORK_KEY", "w"])
        XCTAssertEqual(own.keyReason, "the api_key_env of profile work")
        let elsewhere = try Endpoint.resolve(flagBaseURL: "http://other.example/v1", environment: environment, profile: profile)
        XCTAssertNil(elsewhere.apiKey)
        XCTAssertEqual(elsewhere.keyReason, "no key variable for this endpoint is set; PARLEY_API_KEY would go to this endpoint")
    }

    func testMalformedBaseURLsAreRefused() {
        for bad in ["", "localhost:8077", "ftp://host/v1", "http://", "http:///v1", "http://h/v1?x=1", "not a url"] {
            XCTAssertThrowsError(try Endpoint.validateBaseURL(bad), bad) { error in
                guard case .invalidBaseURL = error as? APIError else { return XCTFail("\(bad): \(error)") }
            }
        }
        XCTAssertEqual(try Endpoint.validateBaseURL("https://api.casola.ai/openai/v1/"), "https://api.casola.ai/openai/v1")
    }

    func testSettingRanges() {
        XCTAssertEqual(try SettingValue.temperature("0"), 0)
        XCTAssertEqual(try SettingValue.temperature("2"), 2)
        XCTAssertThrowsError(try SettingValue.temperature("2.1"))
        XCTAssertThrowsError(try SettingValue.temperature("-0.1"))
        XCTAssertThrowsError(try SettingValue.temperature("hot"))
        XCTAssertThrowsError(try SettingValue.temperature("nan"))
        XCTAssertEqual(try SettingValue.topP("1"), 1)
        XCTAssertThrowsError(try SettingValue.topP("1.5"))
        XCTAssertEqual(try SettingValue.maxTokens("auto"), nil)
        XCTAssertEqual(try SettingValue.maxTokens("256"), 256)
        XCTAssertThrowsError(try SettingValue.maxTokens("0"))
        XCTAssertThrowsError(try SettingValue.maxTokens("1.5"))
    }
}
