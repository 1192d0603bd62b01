import Foundation
import GRDB

/// Conversations, their messages and a few preferences, in SQLite (WAL mode) at `parley.sqlite` in
/// the data directory. Every write is a short transaction; two parley processes may share one store.
public final class Store: ConversationStore {
    public let path: String
    public var location: String { path }
    /// One connection: a command-line process reads and writes in turn, and opening a second
    /// connection for reads would cost every start. WAL still lets other processes read meanwhile.
    private let database: DatabaseQueue

    /// Opens (creating when absent) the store in `directory`. A file that is not a parley store, or one
    /// from a newer parley, is refused and left untouched.
    public convenience init(directory: URL) throws(StoreError) {
        try self.init(path: directory.appendingPathComponent("parley.sqlite").path)
    }

    /// Opens (creating when absent) the store in the file at `path`.
    public init(path: String) throws(StoreError) {
        self.path = path
        // Two parley processes starting at once contend for the switch to WAL mode and the first
        // migration, where SQLite does not wait on its own: try again for a while.
        var attempt = 0
        while true {
            do {
                database = try Self.open(path)
                break
            } catch let error as StoreError {
                throw error
            } catch let error as DatabaseError where Self.isRace(error) && attempt < 100 {
                attempt += 1
                usleep(UInt32(20_000 + (attempt * 1_000)))
            } catch {
                throw Self.openingError(error, path: path)
            }
        }
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// Another process is opening or migrating the same store this moment (its migration won the
    /// race when ours finds the tables made): the attempt is rolled back whole, and can be made again.
    private static func isRace(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            || (error.resultCode == .SQLITE_ERROR && (error.message ?? "").contains("already exists"))
            // Its migration half seen: the migrations table made but not yet there for this read.
            || (error.resultCode == .SQLITE_ERROR && (error.message ?? "").contains("no such table"))
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        let existed = FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(15)
        configuration.foreignKeysEnabled = true
        // WAL with synchronous=NORMAL: a commit survives the process dying (kill -9) and never
        // corrupts; only a power cut may lose the last commits. It saves an fsync per message.
        // WAL is set here rather than by GRDB's `.wal`, which also writes a table and drops it at every
        // open (for pools' readers, which a queue does not have): a write transaction per start.
        configuration.prepareDatabase { db in
            // What the file is, found by reading alone, before anything is written to it: switching
            // to WAL rewrites the header (its version bytes and change counter) of any database.
            // In one read transaction, so that another process's migration is seen whole or not at all.
            try db.inTransaction(.deferred) {
                try check(db, path: path, existed: existed)
                return .commit
            }
            // SQLite answers with the old mode when another process holds the lock the switch needs
            // (two first starts at once): that is a race, and the open is tried again.
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw DatabaseError(resultCode: .SQLITE_BUSY, message: "could not switch to WAL mode yet")
            }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let oldMask = umask(0o077)  // the database, its WAL and its shared memory: 0600
        defer { umask(oldMask) }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where isRace(error) {
            throw error
        } catch {
            throw openingError(error, path: path)
        }
        let upToDate = try queue.read { db in try migrator.appliedIdentifiers(db) == Set(migrator.migrations) }
        if !upToDate { try migrator.migrate(queue) }  // a store already migrated costs no write transaction
        return queue
    }

    /// Refuses, by reading alone, a database that is not parley's (tables but no migrations of
    /// ours) or that a newer parley has migrated.
    private static func check(_ db: Database, path: String, existed: Bool) throws {
        let applied = try migrator.appliedIdentifiers(db)
        if !applied.isSubset(of: Set(migrator.migrations)) { throw StoreError.newerSchema(path: path) }
        if existed, applied.isEmpty, try !db.tableExists("grdb_migrations"),
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0 > 0
        {
            throw StoreError.notAParleyStore(path: path)
        }
    }

    private static func openingError(_ error: Error, path: String) -> StoreError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notAParleyStore(path: path)
            default: return .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
            }
        }
        return .cannotOpen(path: path, reason: "\(error)")
    }

    /// The schema, one migration per release that changed it; never edited once released.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE conversation (
                        id TEXT PRIMARY KEY NOT NULL,
                        title TEXT NOT NULL,
                        titleIsCustom INTEGER NOT NULL DEFAULT 0,
                        created REAL NOT NULL,
                        updated REAL NOT NULL,
                        model TEXT,
                        settings TEXT NOT NULL DEFAULT '{}'
                    );
                    CREATE INDEX conversation_updated ON conversation(updated);
                    CREATE TABLE message (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        conversationId TEXT NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        role TEXT NOT NULL,
                        content TEXT NOT NULL,
                        reasoning TEXT NOT NULL DEFAULT '',
                        attachments TEXT NOT NULL DEFAULT '[]',
                        status TEXT NOT NULL,
                        usage TEXT,
                        timings TEXT,
                        UNIQUE (conversationId, position)
                    );
                    CREATE VIRTUAL TABLE message_fts USING fts5(content, content='message', content_rowid='id');
                    CREATE TRIGGER message_fts_insert AFTER INSERT ON message BEGIN
                        INSERT INTO message_fts(rowid, content) VALUES (new.id, new.content);
                    END;
                    CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN
                        INSERT INTO message_fts(message_fts, rowid, content) VALUES ('delete', old.id, old.content);
                    END;
                    CREATE TRIGGER message_fts_update AFTER UPDATE OF content ON message BEGIN
                        INSERT INTO message_fts(message_fts, rowid, content) VALUES ('delete', old.id, old.content);
                        INSERT INTO message_fts(rowid, content) VALUES (new.id, new.content);
                    END;
                    CREATE TABLE preference (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("v2-attachment-bytes") { db in
            try db.execute(sql: "CREATE TABLE attachment (sha256 TEXT PRIMARY KEY NOT NULL, bytes BLOB NOT NULL)")
        }
        return migrator
    }()

    // MARK: - Conversations

    public func create(_ conversation: StoredConversation) throws(StoreError) {
        try write { db in try Self.insert(conversation, db) }
    }

    private static func insert(_ conversation: StoredConversation, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO conversation (id, title, titleIsCustom, created, updated, model, settings) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                conversation.id, conversation.title, conversation.titleIsCustom,
                conversation.created.timeIntervalSince1970, conversation.updated.timeIntervalSince1970,
                conversation.settings.model, json(conversation.settings),
            ])
    }

    public func conversation(id: String) throws(StoreError) -> StoredConversation? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM conversation WHERE id = ?", arguments: [id]).map(Self.conversation)
        }
    }

    /// Conversations, most recent first.
    public func conversations(limit: Int) throws(StoreError) -> [ConversationSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.title, c.updated, (SELECT count(*) FROM message m WHERE m.conversationId = c.id) AS count
                    FROM conversation c ORDER BY c.updated DESC, c.rowid DESC LIMIT ?
                    """, arguments: [limit]
            ).map { row in
                ConversationSummary(
                    id: row["id"], title: row["title"], messageCount: row["count"],
                    updated: Date(timeIntervalSince1970: row["updated"]))
            }
        }
    }

    public func latest() throws(StoreError) -> StoredConversation? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM conversation ORDER BY updated DESC, rowid DESC LIMIT 1").map(Self.conversation)
        }
    }

    /// The conversation whose id starts with `text` (at least 4 characters), else whose title is `text`
    /// (case-insensitive; the most recent when several are).
    public func find(_ text: String) throws(StoreError) -> StoredConversation? {
        try read { db in
            if text.count >= 4,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM conversation WHERE id LIKE ? ORDER BY updated DESC LIMIT 1",
                    arguments: [Self.likePrefix(text.lowercased())])
            {
                return Self.conversation(row)
            }
            return try Row.fetchOne(
                db, sql: "SELECT * FROM conversation WHERE title = ? COLLATE NOCASE ORDER BY updated DESC LIMIT 1",
                arguments: [text]
            ).map(Self.conversation)
        }
    }

    public func rename(_ id: String, to title: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE conversation SET title = ?, titleIsCustom = 1 WHERE id = ?", arguments: [title, id])
        }
    }

    public func saveSettings(_ id: String, _ settings: StoredSettings) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE conversation SET settings = ?, model = ? WHERE id = ?",
                arguments: [Self.json(settings), settings.model, id])
        }
    }

    public func delete(_ id: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id])
        }
    }

    // MARK: - Messages

    /// Writes the message at `position` (0-based), replacing what was there, and touches the conversation;
    /// with `creating`, makes that conversation first, and with `retitling`, gives it that title unless
    /// the user named it: each in the same transaction (a new conversation and its first message, or
    /// an edited first message and the title made from it, are one write).
    public func write(
        _ messages: [StoredMessage], from position: Int, in conversationID: String, creating: StoredConversation?,
        retitling title: String?, now: Date
    ) throws(StoreError) {
        try write { db in
            if let creating { try Self.insert(creating, db) }
            for (offset, message) in messages.enumerated() {
                let references = message.attachments.map(\.reference)
                // Through a statement's own execute: it lends SQLite the text and bytes rather than having
                // them copied (a 10 MB message is held once less while it is written).
                for (attachment, reference) in zip(message.attachments, references) {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO attachment (sha256, bytes) VALUES (?, ?)")
                        .execute(arguments: [reference.sha256, attachment.data])
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO message (conversationId, position, role, content, reasoning, attachments, status, usage, timings)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (conversationId, position) DO UPDATE SET role = excluded.role, content = excluded.content,
                            reasoning = excluded.reasoning, attachments = excluded.attachments, status = excluded.status,
                            usage = excluded.usage, timings = excluded.timings
                        """
                ).execute(arguments: [
                    conversationID, position + offset, message.role, message.content, message.reasoning, Self.json(references),
                    message.status, message.usage, message.timings,
                ])
            }
            try db.execute(sql: "UPDATE conversation SET updated = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, conversationID])
            if let title {
                try db.execute(
                    sql: "UPDATE conversation SET title = ? WHERE id = ? AND titleIsCustom = 0", arguments: [title, conversationID])
            }
        }
    }

    /// Drops the messages from `position` (0-based) on.
    public func truncate(_ conversationID: String, from position: Int) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM message WHERE conversationId = ? AND position >= ?", arguments: [conversationID, position])
        }
    }

    public func messages(in conversationID: String) throws(StoreError) -> [StoredMessage] {
        let decoder = JSONDecoder()
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message WHERE conversationId = ? ORDER BY position", arguments: [conversationID]).map {
                row in
                let json: String = row["attachments"]
                // Nearly every message has none: "[]" needs no decoding.
                let references = json == "[]" ? [] : (try? decoder.decode([StoredAttachment.Reference].self, from: Data(json.utf8))) ?? []
                let attachments = try references.map { reference in
                    let bytes =
                        try Data.fetchOne(db, sql: "SELECT bytes FROM attachment WHERE sha256 = ?", arguments: [reference.sha256]) ?? Data()
                    return StoredAttachment(
                        name: reference.name, format: reference.format, width: reference.width, height: reference.height,
                        language: reference.language, data: bytes)
                }
                return StoredMessage(
                    role: row["role"], content: row["content"], reasoning: row["reasoning"], attachments: attachments,
                    status: row["status"], usage: row["usage"], timings: row["timings"])
            }
        }
    }

    /// Messages of every conversation that contain all the words of `text` (FTS5), most recent first.
    public func search(_ text: String, limit: Int) throws(StoreError) -> [SearchHit] {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return [] }
        let query = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.conversationId, c.title, m.position, m.role, m.content FROM message_fts f
                    JOIN message m ON m.id = f.rowid JOIN conversation c ON c.id = m.conversationId
                    WHERE message_fts MATCH ? ORDER BY c.updated DESC, m.position LIMIT ?
                    """, arguments: [query, limit]
            ).map { row in
                SearchHit(
                    conversationID: row[0], conversationTitle: row[1], messageNumber: (row[2] as Int) + 1, role: row[3], content: row[4])
            }
        }
    }

    // MARK: - Preferences

    public func preference(_ key: String) throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM preference WHERE key = ?", arguments: [key]) }
    }

    public func setPreference(_ key: String, _ value: String) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "INSERT INTO preference (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }

    // MARK: - Helpers

    private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.read(body) } catch { throw Self.failure(error) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.write(body) } catch { throw Self.failure(error) }
    }

    private static func failure(_ error: Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError { return .failed(error.message ?? "\(error.resultCode)") }
        return .failed("\(error)")
    }

    private static func conversation(_ row: Row) -> StoredConversation {
        let settingsJSON: String = row["settings"]
        let settings = (try? JSONDecoder().decode(StoredSettings.self, from: Data(settingsJSON.utf8))) ?? StoredSettings()
        return StoredConversation(
            id: row["id"], title: row["title"], titleIsCustom: row["titleIsCustom"],
            created: Date(timeIntervalSince1970: row["created"]), updated: Date(timeIntervalSince1970: row["updated"]),
            settings: settings)
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
    }
}
