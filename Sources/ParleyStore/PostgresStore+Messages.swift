import Foundation

/// The PostgreSQL schema: parley's tables, a row's owner the role that wrote it, and a policy on
/// each table that lets a role see and change its own rows only (forced on the tables' owner too).
enum PostgresSchema {
    static let version1 = """
        CREATE TABLE parley_schema (version integer NOT NULL);
        CREATE TABLE conversation (
            owner name NOT NULL DEFAULT current_user,
            id text NOT NULL,
            title text NOT NULL,
            title_is_custom boolean NOT NULL DEFAULT false,
            created double precision NOT NULL,
            updated double precision NOT NULL,
            model text,
            settings text NOT NULL DEFAULT '{}',
            PRIMARY KEY (owner, id)
        );
        CREATE INDEX conversation_owner_updated ON conversation (owner, updated DESC);
        CREATE TABLE message (
            owner name NOT NULL DEFAULT current_user,
            conversation_id text NOT NULL,
            position integer NOT NULL,
            role text NOT NULL,
            content text NOT NULL,
            reasoning text NOT NULL DEFAULT '',
            attachments text NOT NULL DEFAULT '[]',
            status text NOT NULL,
            usage text,
            timings text,
            search_text text NOT NULL DEFAULT '',
            words tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
            -- Keyed by owner too: a role can neither add to another's conversation (the key is checked
            -- without row-level security) nor learn which ids or positions another's hold.
            PRIMARY KEY (owner, conversation_id, position),
            FOREIGN KEY (owner, conversation_id) REFERENCES conversation (owner, id) ON DELETE CASCADE
        );
        CREATE INDEX message_words ON message USING gin (words);
        CREATE TABLE attachment (
            owner name NOT NULL DEFAULT current_user,
            sha256 text NOT NULL,
            bytes bytea NOT NULL,
            PRIMARY KEY (owner, sha256)
        );
        CREATE TABLE preference (
            owner name NOT NULL DEFAULT current_user,
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (owner, key)
        );
        ALTER TABLE conversation ENABLE ROW LEVEL SECURITY;
        ALTER TABLE conversation FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_rows ON conversation USING (owner = current_user) WITH CHECK (owner = current_user);
        ALTER TABLE message ENABLE ROW LEVEL SECURITY;
        ALTER TABLE message FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_rows ON message USING (owner = current_user) WITH CHECK (owner = current_user);
        ALTER TABLE attachment ENABLE ROW LEVEL SECURITY;
        ALTER TABLE attachment FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_rows ON attachment USING (owner = current_user) WITH CHECK (owner = current_user);
        ALTER TABLE preference ENABLE ROW LEVEL SECURITY;
        ALTER TABLE preference FORCE ROW LEVEL SECURITY;
        CREATE POLICY own_rows ON preference USING (owner = current_user) WITH CHECK (owner = current_user);
        GRANT SELECT ON parley_schema TO PUBLIC;
        GRANT SELECT, INSERT, UPDATE, DELETE ON conversation, message, attachment, preference TO PUBLIC;
        """
}

extension PostgresStore {
    // MARK: - Messages

    public func write(
        _ messages: [StoredMessage], from position: Int, in conversationID: String, creating: StoredConversation?, retitling title: String?,
        now: Date
    ) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in
            if let creating { try insertConversation(creating) }
            for (offset, message) in messages.enumerated() {
                let references = message.attachments.map(\.reference)
                for (attachment, reference) in zip(message.attachments, references) {
                    try connection.query(
                        "INSERT INTO attachment (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        [.text(reference.sha256), .bytes(attachment.data)])
                }
                try connection.query(
                    """
                    INSERT INTO message (conversation_id, position, role, content, reasoning, attachments, status, usage, timings, search_text)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (owner, conversation_id, position) DO UPDATE SET role = excluded.role, content = excluded.content,
                        reasoning = excluded.reasoning, attachments = excluded.attachments, status = excluded.status,
                        usage = excluded.usage, timings = excluded.timings, search_text = excluded.search_text
                    """,
                    [
                        .text(conversationID), .text(String(position + offset)), .text(message.role), .text(message.content),
                        .text(message.reasoning), .text(Store.json(references)), .text(message.status),
                        message.usage.map { .text($0) } ?? .null,
                        message.timings.map { .text($0) } ?? .null, .text(Self.folded(message.content)),
                    ])
            }
            try connection.query(
                "UPDATE conversation SET updated = $1 WHERE owner = current_user AND id = $2",
                [.text(String(now.timeIntervalSince1970)), .text(conversationID)])
            if let title {
                try connection.query(
                    "UPDATE conversation SET title = $1 WHERE owner = current_user AND id = $2 AND NOT title_is_custom",
                    [.text(title), .text(conversationID)])
            }
        }
    }

    public func truncate(_ conversationID: String, from position: Int) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query(
                "DELETE FROM message WHERE owner = current_user AND conversation_id = $1 AND position >= $2",
                [.text(conversationID), .text(String(position))])
        }
    }

    public func messages(in conversationID: String) throws(StoreError) -> [StoredMessage] {
        let decoder = JSONDecoder()
        return try run { () throws(PostgresConnection.Failure) in
            let rows = try connection.query(
                """
                SELECT role, content, reasoning, attachments, status, usage, timings FROM message
                WHERE owner = current_user AND conversation_id = $1 ORDER BY position
                """,
                [.text(conversationID)])
            return try rows.map { (row) throws(PostgresConnection.Failure) in
                let json = row[3] ?? "[]"
                let references = json == "[]" ? [] : (try? decoder.decode([StoredAttachment.Reference].self, from: Data(json.utf8))) ?? []
                var attachments: [StoredAttachment] = []
                for reference in references {
                    let hex = try connection.query(
                        "SELECT bytes FROM attachment WHERE owner = current_user AND sha256 = $1", [.text(reference.sha256)]
                    ).first?[0]
                    attachments.append(
                        StoredAttachment(
                            name: reference.name, format: reference.format, width: reference.width, height: reference.height,
                            language: reference.language, data: hex.map(PostgresConnection.bytes(fromHex:)) ?? Data()))
                }
                return StoredMessage(
                    role: row[0] ?? "user", content: row[1] ?? "", reasoning: row[2] ?? "", attachments: attachments,
                    status: row[4] ?? "complete",
                    usage: row[5], timings: row[6])
            }
        }
    }

    /// Text as the index reads it: case and accents folded away, as SQLite's FTS5 (`unicode61`) does.
    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// PostgreSQL's full-text search: each word of `text` as a phrase of its tokens (as SQLite's FTS5
    /// query quotes each word), all of them in the message; case and accents folded on both sides.
    public func search(_ text: String, limit: Int) throws(StoreError) -> [SearchHit] {
        let words = Self.folded(text).split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty else { return [] }
        let query = words.indices.map { "phraseto_tsquery('simple', $\($0 + 2))" }.joined(separator: " && ")
        return try run { () throws(PostgresConnection.Failure) in
            try connection.query(
                """
                SELECT m.conversation_id, c.title, m.position, m.role, m.content FROM message m
                JOIN conversation c ON c.owner = m.owner AND c.id = m.conversation_id
                WHERE m.words @@ (\(query)) ORDER BY c.updated DESC, m.position LIMIT $1
                """, [.text(String(limit))] + words.map { .text($0) }
            ).map { row in
                SearchHit(
                    conversationID: row[0] ?? "", conversationTitle: row[1] ?? "", messageNumber: (Int(row[2] ?? "0") ?? 0) + 1,
                    role: row[3] ?? "",
                    content: row[4] ?? "")
            }
        }
    }

    // MARK: - Preferences

    public func preference(_ key: String) throws(StoreError) -> String? {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query("SELECT value FROM preference WHERE key = $1", [.text(key)]).first?[0] ?? nil
        }
    }

    public func setPreference(_ key: String, _ value: String) throws(StoreError) {
        try run { () throws(PostgresConnection.Failure) in
            try connection.query(
                "INSERT INTO preference (key, value) VALUES ($1, $2) ON CONFLICT (owner, key) DO UPDATE SET value = excluded.value",
                [.text(key), .text(value)])
        }
    }
}
