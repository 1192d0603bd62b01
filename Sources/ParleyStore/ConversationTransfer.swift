import Foundation

/// Conversations moved between stores: a `/save FILE.json` file read back (`--import`), or a whole
/// store copied into another (`--import-store`). Ids, titles, settings, messages, attachments and
/// timestamps come along; a conversation the target already holds (by id) is left as it is.
public enum ConversationTransfer {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Copies `conversation` and its `messages` into `store`; false when it held that id already.
    @discardableResult
    public static func copy(_ conversation: StoredConversation, _ messages: [StoredMessage], into store: any ConversationStore)
        throws(StoreError)
        -> Bool
    {
        if try store.conversation(id: conversation.id) != nil { return false }
        // One transaction: a conversation comes whole, or not at all (and a second try brings it).
        try store.write(messages, from: 0, in: conversation.id, creating: conversation, retitling: nil, now: conversation.updated)
        return true
    }

    /// Every conversation of `source` into `target`; how many were copied and how many it held already.
    public static func copyAll(from source: any ConversationStore, to target: any ConversationStore) throws(StoreError) -> (
        copied: Int, present: Int
    ) {
        var (copied, present) = (0, 0)
        for summary in try source.conversations(limit: Int(Int32.max)) {
            guard let conversation = try source.conversation(id: summary.id) else { continue }
            if try copy(conversation, try source.messages(in: summary.id), into: target) { copied += 1 } else { present += 1 }
        }
        return (copied, present)
    }

    /// A conversation as `/save FILE.json` writes it.
    public static func decode(_ data: Data) throws(Failure) -> (StoredConversation, [StoredMessage]) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let entries = object["messages"] as? [[String: Any]]
        else { throw Failure(description: "it is not a conversation parley saved (/save FILE.json)") }
        var settings = StoredSettings()
        if let given = object["settings"] as? [String: Any] {
            settings.model = given["model"] as? String
            settings.systemPrompt = given["system"] as? String
            settings.temperature = given["temperature"] as? Double
            settings.topP = given["top_p"] as? Double
            settings.maxTokens = given["max_tokens"] as? Int
        }
        let now = Date()
        let conversation = StoredConversation(
            id: (object["id"] as? String) ?? UUID().uuidString.lowercased(), title: (object["title"] as? String) ?? "Imported",
            titleIsCustom: true, created: (object["created"] as? Double).map(Date.init(timeIntervalSince1970:)) ?? now,
            updated: (object["updated"] as? Double).map(Date.init(timeIntervalSince1970:)) ?? now, settings: settings)
        let messages = entries.map { entry in
            StoredMessage(
                role: (entry["role"] as? String) ?? "user", content: (entry["content"] as? String) ?? "",
                reasoning: (entry["reasoning"] as? String) ?? "",
                attachments: ((entry["attachments"] as? [[String: Any]]) ?? []).compactMap(attachment),
                status: (entry["status"] as? String) ?? "complete", usage: json(entry["usage"]), timings: json(entry["timings"]))
        }
        return (conversation, messages)
    }

    static func attachment(_ entry: [String: Any]) -> StoredAttachment? {
        guard let source = entry["source"] as? String, let kind = entry["kind"] as? String else { return nil }
        if kind == "image" {
            guard let format = entry["format"] as? String, let data = (entry["data"] as? String).flatMap({ Data(base64Encoded: $0) }) else {
                return nil
            }
            return StoredAttachment(
                name: source, format: format, width: entry["width"] as? Int ?? 0, height: entry["height"] as? Int ?? 0, data: data)
        }
        guard let text = entry["text"] as? String else { return nil }
        return StoredAttachment(name: source, format: "text/" + kind, language: entry["language"] as? String, data: Data(text.utf8))
    }

    /// A JSON value as the store keeps it (text), keys sorted.
    static func json(_ value: Any?) -> String? {
        guard let value, JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
