import ParleyWire

/// One message of a conversation, as parley keeps it (more than the wire format: status, reasoning, usage).
public struct Message: Sendable, Equatable {
    public enum Status: String, Sendable { case complete, cancelled, failed }

    public var role: Role
    public var text: String
    /// The model's reasoning, shown collapsed; never sent back to the server.
    public var reasoning: String
    public var status: Status
    public var usage: Usage?
    public var timings: Timings?
    /// Images and texts sent with a user message, resent as they are by /regen, /retry, /edit and /open.
    public var attachments: [Attachment]
    /// A reply that ended because it reached its token limit (`finish_reason: "length"`): whole as
    /// the server sent it, but cut short. Said, not kept.
    public var stoppedAtLimit = false

    public init(
        role: Role, text: String, reasoning: String = "", status: Status = .complete,
        usage: Usage? = nil, timings: Timings? = nil, attachments: [Attachment] = []
    ) {
        self.role = role
        self.text = text
        self.reasoning = reasoning
        self.status = status
        self.usage = usage
        self.timings = timings
        self.attachments = attachments
    }

    /// The message as the API takes it: its text, after the fenced text of each text attachment; then,
    /// with images, one `image_url` part per image.
    public var wire: ChatMessage {
        let texts = attachments.compactMap(\.fencedText)
        let body = texts.isEmpty ? text : (texts + [text]).joined(separator: "\n\n")
        let images = attachments.filter(\.isImage)
        guard !images.isEmpty else { return ChatMessage(role: role, text: body) }
        return ChatMessage(role: role, content: .parts([.text(body)] + images.map { .imageURL($0.dataURL) }))
    }
}

/// When a reply's request was sent, its first token came and it ended (seconds on one clock).
public struct Timings: Sendable, Equatable, Codable {
    public var sentAt: Double
    public var firstTokenAt: Double?
    public var endedAt: Double
    public var reasoningStartedAt: Double?
    public var reasoningEndedAt: Double?

    public init(
        sentAt: Double, firstTokenAt: Double? = nil, endedAt: Double,
        reasoningStartedAt: Double? = nil, reasoningEndedAt: Double? = nil
    ) {
        self.sentAt = sentAt
        self.firstTokenAt = firstTokenAt
        self.endedAt = endedAt
        self.reasoningStartedAt = reasoningStartedAt
        self.reasoningEndedAt = reasoningEndedAt
    }

    public var timeToFirstToken: Double? { firstTokenAt.map { $0 - sentAt } }
    public var duration: Double { endedAt - sentAt }
    public var thinkingDuration: Double? {
        guard let start = reasoningStartedAt, let end = reasoningEndedAt else { return nil }
        return end - start
    }

    /// Completion tokens per second of generation (from the first token on), when usage is known.
    public func tokensPerSecond(_ usage: Usage?) -> Double? {
        guard let tokens = usage?.completionTokens, let first = firstTokenAt, endedAt > first else { return nil }
        return Double(tokens) / (endedAt - first)
    }
}
