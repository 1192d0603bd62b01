import Foundation

/// Conversations in a PostgreSQL database, shared by every parley that connects to it: the same
/// tables as the SQLite store's, each row owned by the role that wrote it and seen by that role
/// alone (row-level security, so the rule holds for any client); `/search` by PostgreSQL's full-text
/// search. libpq reads the connection string, its environment (`PGHOST`, `PGUSER`, `PGPASSFILE`...)
/// and its TLS settings as `psql` does.
public final class PostgresStore: ConversationStore {
    let connection: PostgresConnection
    public var location: String { connection.location }

    /// The schema's versions, in order; never edited once released.
    static let migrations = [PostgresSchema.version1]

    /// Connects, and makes or checks the schema. A database that holds tables but not parley's, or
    /// parley's from a newer version, is refused and left untouched.
    public init(url: String) throws(StoreError) {
        let shown = PostgresStore.redacted(url)
        do {
            // parley's statements are small; what this code reads: UTF-8 text, bytea in hex, whatever
            // the role or database prefers.
            connection = try PostgresConnection(
                url, sessionSettings: ["SET jit = off", "SET client_encoding = 'UTF8'", "SET bytea_output = 'hex'"])
        } catch {
            // libpq's reason may quote the connection string: its password goes too.
            throw .cannotOpen(path: "PostgreSQL \(shown)", reason: PostgresStore.redacted(error.message))
        }
        try migrate()
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; `password=…` likewise.
    /// A quoted value (`password = 'a b'`) goes whole; so does a password in a URL that libpq's error
    /// quotes back.
    public static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^/\s:@\[]*):[^@\s]*@"#, with: "$1:***@", options: .regularExpression)
            .replacingOccurrences(of: #"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)"#, with: "$1***", options: .regularExpression)
    }

    private func migrate() throws(StoreError) {
        do {
            try connection.transaction { () throws(PostgresConnection.Failure) in
                // One parley migrates at a time; the others wait, then find it done.
                try connection.query("SELECT pg_advisory_xact_lock(727383)")
                let known = try connection.query("SELECT to_regclass('parley_schema') IS NOT NULL")[0][0] == "t"
                var version = 0
                if known {
                    version = Int(try connection.query("SELECT max(version) FROM parley_schema")[0][0] ?? "0") ?? 0
                } else {
                    let tables = try connection.query(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('conversation', 'message')")
                    if tables[0][0] != "0" { throw PostgresConnection.Failure(message: "not parley's", state: "parley-foreign") }
                }
                if version > Self.migrations.count { throw PostgresConnection.Failure(message: "newer", state: "parley-newer") }
                for (index, migration) in Self.migrations.enumerated() where index >= version {
                    try connection.script(migration)
                    try connection.query("INSERT INTO parley_schema (version) VALUES ($1)", [.text(String(index + 1))])
                }
            }
        } catch {
            switch error.state {
            case "parley-foreign": throw .notAParleyStore(path: location)
            case "parley-newer": throw .newerSchema(path: location)
            default: throw .cannotOpen(path: location, reason: error.message)
            }
        }
    }

    /// `body` in one transaction (after connecting again, should the server have dropped the
    /// connection); a failure said with where the store is.
    @discardableResult
    func run<T>(_ body: () throws(PostgresConnection.Failure) -> T) throws(StoreError) -> T {
        do { return try connection.transaction(body) } catch { throw .failed("\(location): \(error.message)") }
    }

    // MARK: - Conversations

    public func create(_ conversation: StoredConversation) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in try insertConversation(conversation) }
    }

    func insertConversation(_ conversation: StoredConversation) throws(PostgresConnection.Failure) {
        try connection.query(
            "INSERT INTO conversation (id, title, title_is_custom, created, updated, model, settings) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                .text(conversation.id), .text(conversation.title), .text(conversation.titleIsCustom ? "t" : "f"),
                .text(String(conversation.created.timeIntervalSince1970)), .text(String(conversation.updated.timeIntervalSince1970)),
                conversation.settings.model.map { .text($0) } ?? .null, .text(Store.json(conversation.settings)),
            ])
    }

    static let conversationColumns = "id, title, title_is_custom, created, updated, settings"

    public func conversation(id: String) throws(StoreError) -> StoredConversation? {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query("SELECT \(Self.conversationColumns) FROM conversation WHERE owner = current_user AND id = $1", [.text(id)])
                .first.map(
                    Self.conversation)
        }
    }

    public func conversations(limit: Int) throws(StoreError) -> [ConversationSummary] {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query(
                // The most recent first, then their messages counted: the count for those alone.
                """
                WITH recent AS (SELECT owner, id, title, updated, created FROM conversation ORDER BY updated DESC, created DESC, id LIMIT $1)
                SELECT r.id, r.title, r.updated, (SELECT count(*) FROM message m WHERE m.owner = r.owner AND m.conversation_id = r.id)
                FROM recent r ORDER BY r.updated DESC, r.created DESC, r.id
                """, [.text(String(limit))]
            ).map { row in
                ConversationSummary(
                    id: row[0] ?? "", title: row[1] ?? "", messageCount: Int(row[3] ?? "0") ?? 0,
                    updated: Date(timeIntervalSince1970: Double(row[2] ?? "0") ?? 0))
            }
        }
    }

    public func latest() throws(StoreError) -> StoredConversation? {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query("SELECT \(Self.conversationColumns) FROM conversation ORDER BY updated DESC, created DESC, id LIMIT 1")
                .first.map(Self.conversation)
        }
    }

    public func find(_ text: String) throws(StoreError) -> StoredConversation? {
        try run { () throws(PostgresConnection.Failure) in
            if text.count >= 4,
                let row = try connection.query(
                    "SELECT \(Self.conversationColumns) FROM conversation WHERE id LIKE $1 ORDER BY updated DESC LIMIT 1",
                    [.text(Store.likePrefix(text.lowercased()))]
                ).first
            {
                return Self.conversation(row)
            }
            return try connection.query(
                "SELECT \(Self.conversationColumns) FROM conversation WHERE lower(title) = lower($1) ORDER BY updated DESC LIMIT 1",
                [.text(text)]
            ).first.map(Self.conversation)
        }
    }

    public func rename(_ id: String, to title: String) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query(
                "UPDATE conversation SET title = $1, title_is_custom = true WHERE owner = current_user AND id = $2",
                [.text(title), .text(id)])
        }
    }

    public func saveSettings(_ id: String, _ settings: StoredSettings) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query(
                "UPDATE conversation SET settings = $1, model = $2 WHERE owner = current_user AND id = $3",
                [.text(Store.json(settings)), settings.model.map { .text($0) } ?? .null, .text(id)])
        }
    }

    public func delete(_ id: String) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query("DELETE FROM conversation WHERE owner = current_user AND id = $1", [.text(id)])
        }
    }

    static func conversation(_ row: [String?]) -> StoredConversation {
        let settings = (try? JSONDecoder().decode(StoredSettings.self, from: Data((row[5] ?? "{}").utf8))) ?? StoredSettings()
        return StoredConversation(
            id: row[0] ?? "", title: row[1] ?? "", titleIsCustom: row[2] == "t",
            created: Date(timeIntervalSince1970: Double(row[3] ?? "0") ?? 0),
            updated: Date(timeIntervalSince1970: Double(row[4] ?? "0") ?? 0),
            settings: settings)
    }
}
