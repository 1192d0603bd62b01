import Foundation
import TestSupport
import XCTest

@testable import ParleyStore

/// The store's checks on PostgreSQL (a private cluster, a database a test), and what only it has:
/// roles that cannot see each other's conversations, a foreign or newer database refused untouched.
final class PostgresStoreTests: XCTestCase {
    var url = ""
    var cluster: PostgresCluster!

    override func setUpWithError() throws {
        cluster = try PostgresCluster.shared()
        url = try cluster.newDatabase()
    }

    func store() throws -> any ConversationStore { try PostgresStore(url: url) }

    func testConversationsAreListedMostRecentFirstWithCounts() throws {
        try StoreContract.conversationsAreListedMostRecentFirstWithCounts(store)
    }
    func testMessagesKeepTheirOrderAndFieldsAndTruncate() throws { try StoreContract.messagesKeepTheirOrderAndFieldsAndTruncate(store) }
    func testSearchFindsWordsInEveryConversation() throws { try StoreContract.searchFindsWordsInEveryConversation(store) }
    func testFindByIDPrefixOrTitleRenameAndDelete() throws { try StoreContract.findByIDPrefixOrTitleRenameAndDelete(store) }
    func testSettingsAndPreferences() throws { try StoreContract.settingsAndPreferences(store) }
    func testTwoStoresWritingAtOnceLoseNothing() throws { try StoreContract.twoStoresWritingAtOnceLoseNothing(store) }

    /// The database's name, from its URL.
    var database: String { String(url.components(separatedBy: "@/")[1].split(separator: "?").first!) }

    func testEachRoleSeesOnlyItsOwnConversations() throws {
        _ = try store()  // the schema, made by the database's owner
        for role in ["alice", "bob"] {
            try? cluster.psql("postgres", "CREATE ROLE \(role) LOGIN")
        }
        let alice = try PostgresStore(url: cluster.url(database: database, role: "alice"))
        let bob = try PostgresStore(url: cluster.url(database: database, role: "bob"))
        let secret = StoredConversation(title: "Alice's plans")
        try alice.save(StoredMessage(role: "user", content: "the secret pelican"), at: 0, in: secret.id, creating: secret)
        try alice.setPreference("model:x", "alice's model")
        XCTAssertEqual(try bob.conversations().count, 0, "bob cannot list it")
        XCTAssertNil(try bob.conversation(id: secret.id), "nor open it")
        XCTAssertNil(try bob.find(String(secret.id.prefix(8))))
        XCTAssertEqual(try bob.search("pelican"), [], "nor search it")
        XCTAssertEqual(try bob.messages(in: secret.id), [])
        XCTAssertNil(try bob.preference("model:x"))
        try bob.delete(secret.id)
        try bob.rename(secret.id, to: "mine now")
        XCTAssertEqual(try alice.conversation(id: secret.id)?.title, "Alice's plans", "nor change or delete it")
        XCTAssertEqual(try alice.search("pelican").count, 1)
        // The rule is the database's, for any client: as bob, plain SQL sees no row of alice's either.
        let sql = try PostgresConnection(cluster.url(database: database, role: "bob"))
        XCTAssertEqual(try sql.query("SELECT count(*) FROM message")[0][0], "0")
        XCTAssertThrowsError(
            try sql.query("INSERT INTO conversation (id, owner, title, created, updated) VALUES ('x', 'alice', 't', 0, 0)"))
        XCTAssertThrowsError(
            try sql.query(
                "INSERT INTO message (conversation_id, position, role, content, status) VALUES ($1, 1, 'user', 'x', 'complete')",
                [.text(secret.id)]),
            "nor add to alice's conversation")
        try alice.save(StoredMessage(role: "assistant", content: "still mine"), at: 1, in: secret.id)
        XCTAssertEqual(try alice.messages(in: secret.id).map(\.content), ["the secret pelican", "still mine"])
    }

    func testAForeignOrNewerDatabaseIsRefusedAndLeftUntouched() throws {
        try cluster.psql(database, "CREATE TABLE conversation (theirs text)")
        XCTAssertThrowsError(try PostgresStore(url: url)) { error in
            guard case .notAParleyStore? = error as? StoreError else { return XCTFail("\(error)") }
        }
        let sql = try PostgresConnection(url)
        XCTAssertEqual(try sql.query("SELECT to_regclass('parley_schema') IS NULL")[0][0], "t", "nothing of parley's was made")
        let newer = try cluster.newDatabase()
        _ = try PostgresStore(url: newer)
        try PostgresConnection(newer).query("INSERT INTO parley_schema (version) VALUES (99)")
        XCTAssertThrowsError(try PostgresStore(url: newer)) { error in
            guard case .newerSchema? = error as? StoreError else { return XCTFail("\(error)") }
        }
    }

    func testAPasswordIsNeverShownAndAnUnreachableStoreNamesItsHostAndDatabase() throws {
        let url = "postgresql://alice:hunter2@/nowhere?host=/nonexistent/socket/dir"
        XCTAssertThrowsError(try PostgresStore(url: url)) { error in
            let said = "\(error)"
            XCTAssertFalse(said.contains("hunter2"), said)
            XCTAssertTrue(said.contains("alice:***@") && said.contains("nowhere") && said.contains("/nonexistent/socket/dir"), said)
        }
        XCTAssertEqual(PostgresStore.redacted("host=h password=hunter2 dbname=d"), "host=h password=*** dbname=d")
    }
}
