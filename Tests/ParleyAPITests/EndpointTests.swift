import XCTest
@testable import ParleyAPI

final class EndpointTests: XCTestCase {
    func resolve(_ flag: String? = nil, _ environment: [String: String]) throws -> Endpoint {
        try Endpoint.resolve(flagBaseURL: flag, environment: environment)
    }

    func testFirstFoundWins() throws {
        let all = ["PARLEY_BASE_URL": "http://parley/v1", "PARLEY_API_KEY": "p", "OPENAI_BASE_URL": "http://openai/v1",
                   "OPENAI_API_KEY": "o", "CASOLA_API_KEY": "c"]
        XCTAssertEqual(try resolve("http://flag/v1/", all), Endpoint(baseURL: "http://flag/v1", apiKey: "p", keySource: "PARLEY_API_KEY", baseURLSource: "--base-url"))
        XCTAssertEqual(try resolve(nil, all).baseURL, "http://parley/v1")
        var rest = all
        rest["PARLEY_BASE_URL"] = nil
        rest["PARLEY_API_KEY"] = nil
        XCTAssertEqual(try resolve(nil, rest), Endpoint(baseURL: "http://openai/v1", apiKey: "o", keySource: "OPENAI_API_KEY", baseURLSource: "OPENAI_BASE_URL"))
        rest["OPENAI_BASE_URL"] = nil
        XCTAssertEqual(try resolve(nil, rest).baseURL, Endpoint.openAIURL)
        rest["OPENAI_API_KEY"] = nil
        XCTAssertEqual(try resolve(nil, rest), Endpoint(baseURL: Endpoint.casolaURL, apiKey: "c", keySource: "CASOLA_API_KEY", baseURLSource: "CASOLA_API_KEY"))
        XCTAssertEqual(try resolve(nil, [:]), Endpoint(baseURL: Endpoint.localModelURL, apiKey: nil, keySource: nil, baseURLSource: "the bundled local model"))
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
