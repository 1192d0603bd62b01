import Foundation
import ParleyWire
import XCTest

@testable import ParleyAPI

final class ChatTypesTests: XCTestCase {
    func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func testStreamedRequestAsksForUsageAndOmitsUnsetSettings() throws {
        let request = ChatRequest(model: "m", messages: [ChatMessage(role: .user, text: "hi")], temperature: 0.5)
        let body = try json(request.jsonBody())
        XCTAssertEqual(body["model"] as? String, "m")
        XCTAssertEqual(body["temperature"] as? Double, 0.5)
        XCTAssertNil(body["top_p"])
        XCTAssertNil(body["max_tokens"])
        XCTAssertEqual(body["stream"] as? Bool, true)
        XCTAssertEqual((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool, true)
        XCTAssertEqual((body["messages"] as? [[String: Any]])?.first?["content"] as? String, "hi")
    }

    func testContentPartsEncodeTextThenImageURL() throws {
        let message = ChatMessage(role: .user, content: .parts([.text("what is this?"), .imageURL("data:image/png;base64,AAAA")]))
        let body = try json(ChatRequest(model: "m", messages: [message], stream: false).jsonBody())
        XCTAssertNil(body["stream_options"])
        let parts = try XCTUnwrap((body["messages"] as? [[String: Any]])?.first?["content"] as? [[String: Any]])
        XCTAssertEqual(parts[0]["type"] as? String, "text")
        XCTAssertEqual(parts[0]["text"] as? String, "what is this?")
        XCTAssertEqual(parts[1]["type"] as? String, "image_url")
        XCTAssertEqual((parts[1]["image_url"] as? [String: Any])?["url"] as? String, "data:image/png;base64,AAAA")
    }

    func testErrorEnvelopeWithStringNumberOrNullCode() {
        XCTAssertEqual(ErrorEnvelope.parse(Array(#"{"error":{"code":"rate_limit","message":"slow down"}}"#.utf8))?.code, "rate_limit")
        XCTAssertEqual(ErrorEnvelope.parse(Array(#"{"error":{"code":429,"message":"m"}}"#.utf8))?.code, "429")
        let nullCode = ErrorEnvelope.parse(
            Array(#"{"error":{"code":null,"message":"m","type":"invalid_request_error","param":null}}"#.utf8))
        XCTAssertNil(nullCode?.code)
        XCTAssertEqual(nullCode?.message, "m")
        XCTAssertNil(ErrorEnvelope.parse(Array("<html>bad gateway</html>".utf8)))
    }

    func testModelListWithStatusAndUnknownFields() throws {
        let body =
            #"{"object":"list","data":[{"id":"a","object":"model","owned_by":"me","permissions":[]},{"id":"b","status":"warming_up","type":"tts"}]}"#
        let list = try JSONDecoder().decode(ModelList.self, from: Data(body.utf8))
        XCTAssertEqual(list.data, [ModelInfo(id: "a", ownedBy: "me"), ModelInfo(id: "b", status: "warming_up", type: "tts")])
    }

    func testNonStreamedReply() throws {
        let body =
            #"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","reasoning_content":"easy"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#
        XCTAssertEqual(
            try ChatClient.events(fromCompletion: Array(body.utf8)),
            [
                .reasoning("easy"), .content("Paris."),
                .finished(finishReason: "stop", usage: Usage(promptTokens: 3, completionTokens: 2, totalTokens: 5)),
            ])
    }

    func testAModelsContextWindowIsReadWhereServersGiveIt() throws {
        let list = try JSONDecoder().decode(
            ModelList.self,
            from: Data(#"{"data": [{"id": "a", "context_length": 8192}, {"id": "b", "max_model_len": 2048}, {"id": "c"}]}"#.utf8))
        XCTAssertEqual(list.data.map(\.contextWindow), [8192, 2048, nil])
    }
}
