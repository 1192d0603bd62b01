import Foundation

/// A conversation as the store keeps it.
public struct StoredConversation: Sendable, Equatable {
    public var id: String
    public var title: String
    /// Set once `/rename` gave the title; until then it follows the first message.
    public var titleIsCustom: Bool
    public var created: Date
    public var updated: Date
    public var settings: StoredSettings

    public init(
        id: String = UUID().uuidString.lowercased(), title: String, titleIsCustom: Bool = false,
        created: Date = Date(), updated: Date = Date(), settings: StoredSettings = StoredSettings()
    ) {
        self.id = id
        self.title = title
        self.titleIsCustom = titleIsCustom
        self.created = created
        self.updated = updated
        self.settings = settings
    }
}

/// The settings saved with a conversation; nil is "not set".
public struct StoredSettings: Sendable, Equatable, Codable {
    public var model: String?
    public var systemPrompt: String?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?

    public init(model: String? = nil, systemPrompt: String? = nil, temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
    }
}

/// A message as the store keeps it. Roles and statuses are the wire words (`user`, `complete`...).
public struct StoredMessage: Sendable, Equatable {
    public var role: String
    public var content: String
    public var reasoning: String
    /// The images and texts sent with the message; their bytes are kept once per content in the store.
    public var attachments: [StoredAttachment]
    public var status: String
    /// JSON of the token usage, when known.
    public var usage: String?
    /// JSON of the timings, when known.
    public var timings: String?

    public init(
        role: String, content: String, reasoning: String = "", attachments: [StoredAttachment] = [], status: String = "complete",
        usage: String? = nil, timings: String? = nil
    ) {
        self.role = role
        self.content = content
        self.reasoning = reasoning
        self.attachments = attachments
        self.status = status
        self.usage = usage
        self.timings = timings
    }
}

/// An attachment as the store keeps it: an image (`format` is its format's name), or text (`format`
/// is `text/` and where it came from: `text/file`, `text/pdf`, `text/page`, `text/output`).
public struct StoredAttachment: Sendable, Equatable {
    public var name: String
    public var format: String
    public var width: Int
    public var height: Int
    /// A text's fence tag (code files).
    public var language: String?
    public var data: Data

    public init(name: String, format: String, width: Int = 0, height: Int = 0, language: String? = nil, data: Data) {
        self.name = name
        self.format = format
        self.width = width
        self.height = height
        self.language = language
        self.data = data
    }

    /// What a message row keeps of it: everything but the bytes, named by their hash.
    var reference: Reference {
        Reference(name: name, format: format, width: width, height: height, language: language, sha256: SHA256.hex(data))
    }

    /// What the message row holds: everything but the bytes, which are named by their hash.
    struct Reference: Codable {
        var name: String
        var format: String
        var width: Int
        var height: Int
        var language: String?
        var sha256: String
    }
}

/// One line of `/chats`.
public struct ConversationSummary: Sendable, Equatable {
    public var id: String
    public var title: String
    public var messageCount: Int
    public var updated: Date
}

/// One hit of `/search`.
public struct SearchHit: Sendable, Equatable {
    public var conversationID: String
    public var conversationTitle: String
    /// 1-based, as `/history` numbers it.
    public var messageNumber: Int
    public var role: String
    public var content: String
}

/// Why the store cannot be used, with what to do.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notAParleyStore(path: String)
    case newerSchema(path: String)
    case failed(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "The conversation store \(path) cannot be opened: \(reason)."
        case let .notAParleyStore(path):
            return
                "\(path) is not a parley store (or it is damaged). It was left untouched; move it aside, or use --data-dir for another place."
        case let .newerSchema(path):
            return "\(path) was written by a newer parley. It was left untouched; use that parley, or --data-dir for another place."
        case let .failed(reason):
            return "The conversation store failed: \(reason)."
        }
    }
}
