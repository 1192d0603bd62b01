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
}
