import Foundation
import ParleyAPI
import ParleyWire
import XCTest

@testable import ParleyAPI

final class CodeSnippetTests: XCTestCase {
    let request = ChatRequest(
        model: "SmolLM2-135M-Instruct",
        messages: [
            ChatMessage(role: .system, text: "You are a helpful assistant."),
            ChatMessage(role: .user, text: "What's the capital of France?"),
        ],
        temperature: 0)

    func testTypeScriptMatchesItsGoldenFile() throws {
        let snippet = CodeSnippet.make(.ts, request: request, baseURL: "http://127.0.0.1:8077/v1", keyVariable: "PARLEY_API_KEY")
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/snippets/chat", withExtension: "ts"))
        XCTAssertEqual(snippet, try String(contentsOf: url, encoding: .utf8))
    }

    func testCurlReadsTheKeyFromItsVariableAndQuotesSafely() {
        let snippet = CodeSnippet.make(.curl, request: request, baseURL: "https://api.example.com/v1", keyVariable: "CASOLA_API_KEY")
        XCTAssertTrue(snippet.contains("-H \"Authorization: Bearer $CASOLA_API_KEY\""))
        XCTAssertTrue(snippet.contains("What'\\''s the capital"), "a single quote survives the shell's quoting")
        XCTAssertTrue(snippet.contains("\"temperature\": 0"))
        XCTAssertFalse(snippet.contains("top_p"), "only settings that were set")
        XCTAssertTrue(snippet.contains("\"stream\": true"), "the streamed variant, in a comment")
        let none = CodeSnippet.make(.curl, request: request, baseURL: "http://127.0.0.1:8077/v1", keyVariable: nil)
        XCTAssertFalse(none.contains("Authorization"))
    }

    func testControlsFromAPageOrServerAreEscapedNotShownAndMeanTheSame() throws {
        let hostile = "csi \u{9B}31m osc \u{9D}52;c;aGk=\u{07} rlo \u{202E} del \u{7F}"
        let request = ChatRequest(model: "m", messages: [ChatMessage(role: .user, text: hostile)])
        for language in [CodeSnippet.Language.curl, .python, .ts] {
            let snippet = CodeSnippet.make(language, request: request, baseURL: "http://h/v1", keyVariable: nil)
            XCTAssertFalse(
                snippet.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0.value == 0x202E || $0.value == 0x07 },
                "\(language): \(snippet.debugDescription)")
            XCTAssertTrue(snippet.contains(#"csi \u009b31m osc \u009d52;c;aGk=\u0007 rlo \u202e del \u007f"#), snippet)
        }
        // The escapes read back as the same text.
        let literal = CodeSnippet.jsonString(hostile)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        XCTAssertEqual(decoded, [hostile])
    }

    func testPythonUsesTheSDKWithBaseURL() {
        let snippet = CodeSnippet.make(.python, request: request, baseURL: "http://h/v1", keyVariable: "OPENAI_API_KEY")
        XCTAssertTrue(snippet.contains("client = OpenAI(base_url=\"http://h/v1\", api_key=os.environ[\"OPENAI_API_KEY\"])"))
        XCTAssertTrue(snippet.contains("    temperature=0,"))
        XCTAssertTrue(snippet.contains("# Streamed: pass stream=True"))
    }

    func testImagesAreCutShortWithANote() {
        let image = "data:image/png;base64," + String(repeating: "A", count: 5000)
        let withImage = ChatRequest(
            model: "m", messages: [ChatMessage(role: .user, content: .parts([.text("what is it?"), .imageURL(image)]))])
        for language in CodeSnippet.Language.allCases {
            let snippet = CodeSnippet.make(language, request: withImage, baseURL: "http://h/v1", keyVariable: nil)
            XCTAssertTrue(snippet.contains("...TRUNCATED"), "\(language)")
            XCTAssertTrue(snippet.contains("NOTE: image data URLs are cut short"), "\(language)")
            XCTAssertLessThan(snippet.count, 2000)
        }
    }

    func testSpeechRequestBody() throws {
        let body =
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(SpeechRequest(model: "tts-1", input: "Hi."))) as? [String: Any]
        XCTAssertEqual(body?["model"] as? String, "tts-1")
        XCTAssertEqual(body?["voice"] as? String, "alloy")
        XCTAssertEqual(body?["response_format"] as? String, "wav")
        XCTAssertEqual(body?["input"] as? String, "Hi.")
    }

    func testAPasswordInTheBaseURLIsReadFromAVariable() {
        let request = ChatRequest(model: "m", messages: [ChatMessage(role: .user, text: "hi")])
        for language in CodeSnippet.Language.allCases {
            let snippet = CodeSnippet.make(language, request: request, baseURL: "https://ana:s3cret@proxy.example/v1", keyVariable: nil)
            XCTAssertFalse(snippet.contains("s3cret"), "\(language): \(snippet)")
            XCTAssertTrue(snippet.contains("PARLEY_URL_PASSWORD"), "\(language): \(snippet)")
        }
        let curl = CodeSnippet.make(.curl, request: request, baseURL: "https://ana:s3cret@proxy.example/v1", keyVariable: nil)
        XCTAssertTrue(curl.contains("curl \"https://ana:${PARLEY_URL_PASSWORD}@proxy.example/v1/chat/completions\" \\"), curl)
        let python = CodeSnippet.make(.python, request: request, baseURL: "https://ana:s3cret@proxy.example/v1", keyVariable: nil)
        XCTAssertTrue(python.contains(#"base_url="https://ana:" + os.environ["PARLEY_URL_PASSWORD"] + "@proxy.example/v1""#), python)
    }
}
