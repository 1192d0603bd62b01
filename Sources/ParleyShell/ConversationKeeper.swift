import Foundation
import ParleyAPI
import ParleySession
import ParleyStore
import ParleyWire

/// Keeps the session's conversation in the store: creates it at its first message, follows every
/// change the session reports, saves its settings, and titles it from its first message. When the
/// store fails, the shell goes on chatting and says so once.
@MainActor
final class ConversationKeeper {
    let store: (any ConversationStore)?
    private(set) var conversationID: String?
    /// Set once a write failed; later failures are silent.
    private var reportedFailure = false
    var onFailure: (String) -> Void = { _ in }

    /// Whether every message must be kept before it is sent (a store named with `--store`): when a
    /// write fails, the message is not sent. The data directory's own store only warns.
    let mustKeep: Bool
    /// Why the last write failed, until the next one succeeds.
    private(set) var lastFailure: String?

    init(store: (any ConversationStore)?, mustKeep: Bool = false) {
        self.store = store
        self.mustKeep = mustKeep
    }

    func startNew() {
        conversationID = nil
    }

    func use(_ id: String) {
        conversationID = id
    }

    /// Carries out `change`; false when the store failed.
    @discardableResult
    func apply(_ change: PersistChange, settings: ChatSettings) -> Bool {
        guard let store else { return true }
        return attempt {
            switch change {
            case let .save(index, message):
                if let conversationID {
                    // An edited first message retitles the conversation, in the same write.
                    let title = index == 0 && message.role == .user ? Self.title(from: message.text) : nil
                    try store.save(Self.stored(message), at: index, in: conversationID, retitling: title)
                } else {
                    // The first message: the conversation, titled by it, and the message in one write.
                    let conversation = StoredConversation(title: Self.title(from: message.text), settings: Self.stored(settings))
                    try store.save(Self.stored(message), at: index, in: conversation.id, creating: conversation)
                    conversationID = conversation.id
                }
            case let .truncate(index):
                if let conversationID { try store.truncate(conversationID, from: index) }
            }
        }
    }

    func saveSettings(_ settings: ChatSettings) {
        guard let store, let conversationID else { return }
        if !attempt({ try store.saveSettings(conversationID, Self.stored(settings)) }), mustKeep {
            onFailure("\(lastFailure ?? "The conversation store failed.") The settings were not kept.")
        }
    }

    @discardableResult
    private func attempt(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            lastFailure = nil
            return true
        } catch {
            lastFailure = "\(error)"
            // A store that must keep everything: the shell says each failure (and sends no new message
            // that was not kept).
            if mustKeep { return false }
            guard !reportedFailure else { return false }
            reportedFailure = true
            onFailure("History is not being saved: \(error)")
            return false
        }
    }

    // MARK: - Conversions

    /// The first line, trimmed to about 50 characters at a word boundary.
    static func title(from text: String) -> String {
        // The first line that is not blank, found without splitting the whole text (it may be 10 MB).
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let line = text[start...].prefix { !$0.isNewline }.trimmingCharacters(in: .whitespaces)
        guard line.count > 50 else { return line.isEmpty ? "Untitled" : line }
        let cut = line.prefix(50)
        let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return String(atWord.count >= 20 ? atWord : cut) + "…"
    }

    static func stored(_ message: Message) -> StoredMessage {
        StoredMessage(
            role: message.role.rawValue, content: message.text, reasoning: message.reasoning,
            attachments: message.attachments.map(stored),
            status: message.status.rawValue, usage: message.usage.flatMap(json), timings: message.timings.flatMap(json))
    }

    /// One decoder for every message of a conversation being opened, not two a message.
    private static let decoder = JSONDecoder()

    static func message(_ stored: StoredMessage) -> Message {
        Message(
            role: Role(rawValue: stored.role) ?? .user, text: stored.content, reasoning: stored.reasoning,
            status: Message.Status(rawValue: stored.status) ?? .complete,
            usage: stored.usage.flatMap { try? decoder.decode(Usage.self, from: Data($0.utf8)) },
            timings: stored.timings.flatMap { try? decoder.decode(Timings.self, from: Data($0.utf8)) },
            attachments: stored.attachments.compactMap(attachment))
    }

    static func stored(_ attachment: Attachment) -> StoredAttachment {
        switch attachment.kind {
        case let .image(format, width, height):
            return StoredAttachment(name: attachment.name, format: format.rawValue, width: width, height: height, data: attachment.data)
        case let .text(source, language):
            return StoredAttachment(name: attachment.name, format: "text/" + source.rawValue, language: language, data: attachment.data)
        }
    }

    /// Nil for a kind this parley does not know (a newer one's).
    static func attachment(_ stored: StoredAttachment) -> Attachment? {
        if let format = ImageFormat(rawValue: stored.format) {
            return Attachment(name: stored.name, format: format, width: stored.width, height: stored.height, data: stored.data)
        }
        guard stored.format.hasPrefix("text/"), let source = TextSource(rawValue: String(stored.format.dropFirst(5))) else { return nil }
        return Attachment(name: stored.name, kind: .text(source, language: stored.language), data: stored.data)
    }

    static func stored(_ settings: ChatSettings) -> StoredSettings {
        StoredSettings(
            model: settings.model, systemPrompt: settings.systemPrompt, temperature: settings.temperature,
            topP: settings.topP, maxTokens: settings.maxTokens)
    }

    static func settings(_ stored: StoredSettings) -> ChatSettings {
        ChatSettings(
            model: stored.model, systemPrompt: stored.systemPrompt, temperature: stored.temperature,
            topP: stored.topP, maxTokens: stored.maxTokens)
    }

    private static func json<T: Encodable>(_ value: T) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}
