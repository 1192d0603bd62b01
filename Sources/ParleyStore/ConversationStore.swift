import Foundation

/// What may be read of the kept conversations: all a slash command sees of the store (what it
/// changes, it asks of the shell as effects).
public protocol ConversationReading {
    func conversation(id: String) throws(StoreError) -> StoredConversation?
    /// Conversations, most recent first.
    func conversations(limit: Int) throws(StoreError) -> [ConversationSummary]
    /// The conversation whose id starts with `text` (at least 4 characters), else whose title is
    /// `text` (case-insensitive; the most recent when several are).
    func find(_ text: String) throws(StoreError) -> StoredConversation?
    func messages(in conversationID: String) throws(StoreError) -> [StoredMessage]
    /// Messages of every conversation that hold all the words of `text`, most recent first.
    func search(_ text: String, limit: Int) throws(StoreError) -> [SearchHit]
}

extension ConversationReading {
    public func conversations() throws(StoreError) -> [ConversationSummary] { try conversations(limit: 50) }
    public func search(_ text: String) throws(StoreError) -> [SearchHit] { try search(text, limit: 50) }
}

/// Where conversations are kept: SQLite in the data directory (`Store`), or a PostgreSQL database
/// (`PostgresStore`). Both keep the same things the same way; the shell sees only this.
public protocol ConversationStore: ConversationReading, AnyObject, Sendable {
    /// Where it is, for messages: a file's path, or the database, host and role (never a password).
    var location: String { get }
    func create(_ conversation: StoredConversation) throws(StoreError)
    func latest() throws(StoreError) -> StoredConversation?
    func rename(_ id: String, to title: String) throws(StoreError)
    func saveSettings(_ id: String, _ settings: StoredSettings) throws(StoreError)
    func delete(_ id: String) throws(StoreError)
    /// Writes `messages` from `position` (0-based) on, replacing what was there, and touches the
    /// conversation; with `creating`, makes that conversation first, and with `retitling`, gives it
    /// that title unless the user named it: all in one transaction.
    func write(
        _ messages: [StoredMessage], from position: Int, in conversationID: String, creating: StoredConversation?, retitling title: String?,
        now: Date) throws(StoreError)
    /// Drops the messages from `position` (0-based) on.
    func truncate(_ conversationID: String, from position: Int) throws(StoreError)
    func preference(_ key: String) throws(StoreError) -> String?
    func setPreference(_ key: String, _ value: String) throws(StoreError)
}

extension ConversationStore {
    /// `write`, with a new conversation, a new title and the time given only when wanted.
    public func save(
        _ message: StoredMessage, at position: Int, in conversationID: String, creating: StoredConversation? = nil,
        retitling title: String? = nil, now: Date = Date()
    ) throws(StoreError) {
        try write([message], from: position, in: conversationID, creating: creating, retitling: title, now: now)
    }
}

/// What `--store`, `PARLEY_STORE` or a profile's `store` names: a PostgreSQL database by its URL,
/// or a SQLite file by its path.
public enum StoreAddress: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// A `postgres://` or `postgresql://` URL, or libpq's `key=value` form (`host=db dbname=chats`),
    /// is PostgreSQL; anything else a SQLite file's path.
    public init(_ text: String) {
        let lower = text.lowercased()
        let keywords = #"(^|\s)(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|connect_timeout)\s*="#
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
            || lower.range(of: keywords, options: .regularExpression) != nil
        {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }
}
