import ParleyHTTP
import XCTest

/// A password in a base URL is shown as `***`, kept out of the store, and split out for snippets.
final class URLPasswordTests: XCTestCase {
    func testAPasswordIsShownAsStars() {
        XCTAssertEqual(URLPassword.redacted("https://ana:s3cret@proxy.example/v1"), "https://ana:***@proxy.example/v1")
        XCTAssertEqual(
            URLPassword.redacted("Cannot connect to http://ana:p%40ss@127.0.0.1:9/v1/models: refused."),
            "Cannot connect to http://ana:***@127.0.0.1:9/v1/models: refused.", "inside a sentence, percent-encoded too")
        XCTAssertEqual(URLPassword.redacted("https://proxy.example/v1"), "https://proxy.example/v1", "no password, nothing changed")
        XCTAssertEqual(URLPassword.redacted("http://ana@host/v1"), "http://ana@host/v1", "a user alone is not a secret")
        let error = HTTPError.cannotConnect(url: "http://ana:s3cret@127.0.0.1:9/v1/chat/completions", reason: "connection refused")
        XCTAssertFalse(error.description.contains("s3cret"), error.description)
    }

    func testTheStoreKnowsAURLWithoutItsCredentials() {
        XCTAssertEqual(URLPassword.withoutCredentials("https://ana:s3cret@proxy.example/v1"), "https://proxy.example/v1")
        XCTAssertEqual(URLPassword.withoutCredentials("https://proxy.example/v1"), "https://proxy.example/v1")
    }

    func testAURLSplitsAroundItsPassword() {
        let parts = URLPassword.split("https://ana:s3cret@proxy.example/v1")
        XCTAssertEqual(parts?.before, "https://ana:")
        XCTAssertEqual(parts?.after, "@proxy.example/v1")
        XCTAssertNil(URLPassword.split("https://proxy.example/v1"))
    }
}
