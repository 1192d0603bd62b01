import Foundation

// The OpenAI chat wire types parley sends and receives. Unknown fields are ignored when decoding.

public enum Role: String, Codable, Sendable {
    case system, user, assistant
}

/// One part of a message's content: text, or an image by URL (a `data:` URL for attachments).
public enum ContentPart: Sendable, Equatable, Codable {
    case text(String)
    case imageURL(String)

    private enum CodingKeys: String, CodingKey { case type, text, image_url }
    private struct ImageURL: Codable { var url: String }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .text(text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case let .imageURL(url):
            try container.encode("image_url", forKey: .type)
            try container.encode(ImageURL(url: url), forKey: .image_url)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if try container.decode(String.self, forKey: .type) == "image_url" {
            self = .imageURL(try container.decode(ImageURL.self, forKey: .image_url).url)
        } else {
            self = .text(try container.decodeIfPresent(String.self, forKey: .text) ?? "")
        }
    }
}

/// A message's content: plain text, or parts (text first, then images).
public enum MessageContent: Sendable, Equatable, Codable {
    case text(String)
    case parts([ContentPart])

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .text(text): try container.encode(text)
        case let .parts(parts): try container.encode(parts)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([ContentPart].self))
        }
    }
}

public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: Role
    public var content: MessageContent

    public init(role: Role, content: MessageContent) {
        self.role = role
        self.content = content
    }

    public init(role: Role, text: String) {
        self.init(role: role, content: .text(text))
    }
}

/// The body of `POST /chat/completions`.
public struct ChatRequest: Sendable, Equatable, Encodable {
    public struct StreamOptions: Sendable, Equatable, Encodable {
        public var include_usage: Bool
    }

    public var model: String
    public var messages: [ChatMessage]
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var stream: Bool

    public init(
        model: String, messages: [ChatMessage], temperature: Double? = nil, topP: Double? = nil,
        maxTokens: Int? = nil, stream: Bool = true
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stream = stream
    }

    private enum CodingKeys: String, CodingKey {
        case model, messages, temperature, top_p, max_tokens, stream, stream_options
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(messages, forKey: .messages)
        try container.encodeIfPresent(temperature, forKey: .temperature)
        try container.encodeIfPresent(topP, forKey: .top_p)
        try container.encodeIfPresent(maxTokens, forKey: .max_tokens)
        try container.encode(stream, forKey: .stream)
        if stream {
            try container.encode(StreamOptions(include_usage: true), forKey: .stream_options)
        }
    }
}

/// Token counts, when the server sends them.
public struct Usage: Sendable, Equatable, Codable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var totalTokens: Int?

    public init(promptTokens: Int? = nil, completionTokens: Int? = nil, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}

/// One `data:` event of a streamed reply.
public struct ChatStreamChunk: Sendable, Equatable, Decodable {
    public struct Choice: Sendable, Equatable, Decodable {
        public var delta: Delta?
        public var finishReason: String?
        private enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    public struct Delta: Sendable, Equatable, Decodable {
        public var content: String?
        /// `reasoning_content` (llama.cpp, DeepSeek, vLLM) or `reasoning` (OpenRouter, Ollama).
        public var reasoning: String?

        private enum CodingKeys: String, CodingKey { case content, reasoning, reasoning_content }

        public init(content: String? = nil, reasoning: String? = nil) {
            self.content = content
            self.reasoning = reasoning
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            content = try container.decodeIfPresent(String.self, forKey: .content)
            reasoning =
                try container.decodeIfPresent(String.self, forKey: .reasoning_content)
                ?? container.decodeIfPresent(String.self, forKey: .reasoning)
        }
    }

    public var choices: [Choice]?
    public var usage: Usage?
}

/// A reply that was not streamed.
public struct ChatCompletion: Sendable, Equatable, Decodable {
    public struct Choice: Sendable, Equatable, Decodable {
        public struct Message: Sendable, Equatable, Decodable {
            public var content: String?
            public var reasoning: String?
            private enum CodingKeys: String, CodingKey { case content, reasoning, reasoning_content }
            public init(from decoder: Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                content = try container.decodeIfPresent(String.self, forKey: .content)
                reasoning =
                    try container.decodeIfPresent(String.self, forKey: .reasoning_content)
                    ?? container.decodeIfPresent(String.self, forKey: .reasoning)
            }
        }
        public var message: Message
        public var finishReason: String?
        private enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }

    public var choices: [Choice]
    public var usage: Usage?
}

/// One entry of `GET /models`. `status` and `type` are extensions some servers add.
public struct ModelInfo: Sendable, Equatable, Decodable {
    public var id: String
    public var ownedBy: String?
    public var status: String?
    public var type: String?
    /// Whether it takes images, when the server says (`vision`, or `input_modalities`/`modalities`).
    public var acceptsImages: Bool?
    /// The context window in tokens, when the server says (`context_length`, or vLLM's `max_model_len`).
    public var contextWindow: Int?

    public init(id: String, ownedBy: String? = nil, status: String? = nil, type: String? = nil, contextWindow: Int? = nil) {
        self.id = id
        self.ownedBy = ownedBy
        self.status = status
        self.type = type
        self.contextWindow = contextWindow
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case ownedBy = "owned_by"
        case status, type, vision, modalities
        case inputModalities = "input_modalities"
        case contextLength = "context_length"
        case maxModelLength = "max_model_len"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        ownedBy = try? container.decodeIfPresent(String.self, forKey: .ownedBy)
        status = try? container.decodeIfPresent(String.self, forKey: .status)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        contextWindow =
            (try? container.decodeIfPresent(Int.self, forKey: .contextLength))
            ?? (try? container.decodeIfPresent(Int.self, forKey: .maxModelLength))
        if let vision = try? container.decodeIfPresent(Bool.self, forKey: .vision) {
            acceptsImages = vision
        } else if let modalities = (try? container.decodeIfPresent([String].self, forKey: .inputModalities))
            ?? (try? container.decodeIfPresent([String].self, forKey: .modalities))
        {
            acceptsImages = modalities.contains("image")
        }
    }
}

public struct ModelList: Sendable, Equatable, Decodable {
    public var data: [ModelInfo]
}

/// A server's error, read from any of the shapes servers use (see `parse` and `parseBody`).
public enum ErrorEnvelope {
    public struct Body: Sendable, Equatable {
        public var code: String?
        public var message: String?
        public var type: String?
    }

    /// The error an event or a body holds, in the shapes servers use: OpenAI's `{"error": {...}}`
    /// (its code a string, a number or null), `{"error": "text"}` (Ollama), and vLLM's top-level
    /// `{"object": "error", "message": ..., "type": ..., "code": ...}`; nil when they hold none.
    public static func parse<Bytes: Collection>(_ bytes: Bytes) -> Body? where Bytes.Element == UInt8 {
        object(bytes).flatMap(error(in:))
    }

    /// What an HTTP error body says, in any of `parse`'s shapes and also FastAPI's `{"detail": ...}`
    /// (text, or a list of `{"msg": ...}`) and a bare top-level `message`.
    public static func parseBody<Bytes: Collection>(_ bytes: Bytes) -> Body? where Bytes.Element == UInt8 {
        guard let object = object(bytes) else { return nil }
        if let body = error(in: object) { return body }
        if let detail = object["detail"] as? String { return Body(code: nil, message: detail, type: nil) }
        if let details = object["detail"] as? [[String: Any]] {
            let messages = details.compactMap { $0["msg"] as? String }
            return messages.isEmpty ? nil : Body(code: nil, message: messages.joined(separator: "; "), type: nil)
        }
        if object["message"] is String { return Body(object) }
        return nil
    }

    private static func object<Bytes: Collection>(_ bytes: Bytes) -> [String: Any]? where Bytes.Element == UInt8 {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    private static func error(in object: [String: Any]) -> Body? {
        if let inner = object["error"] as? [String: Any] { return Body(inner) }
        if let text = object["error"] as? String { return Body(code: nil, message: text, type: nil) }
        if object["object"] as? String == "error" { return Body(object) }
        return nil
    }
}

extension ErrorEnvelope.Body {
    /// From a decoded object: `code` as text whether it came as a string or a number.
    init(_ object: [String: Any]) {
        let code: String? =
            switch object["code"] {
            case let text as String: text
            case let number as NSNumber: number.stringValue
            default: nil
            }
        self.init(code: code, message: object["message"] as? String, type: object["type"] as? String)
    }
}
