import Foundation
import ParleyHTTP
import ParleyShared
import XCTest

@testable import ParleyStore

/// What every store does, whichever it is: the same checks run on SQLite (`SQLiteStoreTests`) and on
/// PostgreSQL (`PostgresStoreTests`), each on a store of its own made by `make`.
enum StoreContract {
    static func conversation(_ title: String, updated: TimeInterval) -> StoredConversation {
        StoredConversation(title: title, created: Date(timeIntervalSince1970: updated), updated: Date(timeIntervalSince1970: updated))
    }

    static func conversationsAreListedMostRecentFirstWithCounts(_ make: () throws -> any ConversationStore) throws {
        let store = try make()
        let old = Self.conversation("old", updated: 100)
        let new = Self.conversation("new", updated: 200)
        try store.create(old)
        try store.create(new)
        try store.save(StoredMessage(role: "user", content: "hi"), at: 0, in: old.id, now: Date(timeIntervalSince1970: 50))
        XCTAssertEqual(try store.conversations().map(\.title), ["new", "old"])
        try store.save(StoredMessage(role: "assistant", content: "hello"), at: 1, in: old.id, now: Date(timeIntervalSince1970: 300))
        let list = try store.conversations()
        XCTAssertEqual(list.map(\.title), ["old", "new"])
        XCTAssertEqual(list.map(\.messageCount), [2, 0])
        XCTAssertEqual(try store.latest()?.id, old.id)
    }

    static func messagesKeepTheirOrderAndFieldsAndTruncate(_ make: () throws -> any ConversationStore) throws {
        let store = try make()
        let chat = Self.conversation("c", updated: 1)
        try store.create(chat)
        let reply = StoredMessage(
            role: "assistant", content: "partial", reasoning: "hmm", status: "cancelled",
            usage: #"{"completion_tokens":3}"#, timings: #"{"sentAt":1}"#)
        try store.save(StoredMessage(role: "user", content: "q"), at: 0, in: chat.id)
        try store.save(reply, at: 1, in: chat.id)
        try store.save(StoredMessage(role: "user", content: "q2"), at: 2, in: chat.id)
        XCTAssertEqual(
            try store.messages(in: chat.id), [StoredMessage(role: "user", content: "q"), reply, StoredMessage(role: "user", content: "q2")])
        try store.save(StoredMessage(role: "user", content: "q edited"), at: 0, in: chat.id)
        try store.truncate(chat.id, from: 1)
        XCTAssertEqual(try store.messages(in: chat.id).map(\.content), ["q edited"])
        XCTAssertEqual(try store.search("partial"), [], "truncated messages leave the index")
    }

    static func searchFindsWordsInEveryConversation(_ make: () throws -> any ConversationStore) throws {
        let store = try make()
        let first = Self.conversation("Geography", updated: 1)
        let second = Self.conversation("Cooking", updated: 2)
        try store.create(first)
        try store.create(second)
        try store.save(StoredMessage(role: "user", content: "What is the capital of France?"), at: 0, in: first.id)
        try store.save(StoredMessage(role: "assistant", content: "The capital of France is Paris."), at: 1, in: first.id)
        try store.save(StoredMessage(role: "user", content: "A recipe from Paris, please"), at: 0, in: second.id)
        let hits = try store.search("paris")
        XCTAssertEqual(Set(hits.map { "\($0.conversationTitle) #\($0.messageNumber)" }), ["Geography #2", "Cooking #1"])
        XCTAssertEqual(try store.search("capital France").count, 2)
        XCTAssertEqual(try store.search("\"quoted\" OR NOT"), [], "user text is never FTS syntax")
        try store.save(StoredMessage(role: "user", content: "Un café à Montréal, s'il vous plaît"), at: 1, in: second.id)
        XCTAssertEqual(try store.search("cafe montreal").map(\.messageNumber), [2], "accents and case fold on both sides")
        XCTAssertEqual(try store.search("CAFÉ").count, 1)
        XCTAssertEqual(try store.search("   "), [])
    }

    static func findByIDPrefixOrTitleRenameAndDelete(_ make: () throws -> any ConversationStore) throws {
        let store = try make()
        let chat = Self.conversation("My Trip", updated: 1)
        try store.create(chat)
        try store.save(StoredMessage(role: "user", content: "x"), at: 0, in: chat.id)
        XCTAssertEqual(try store.find(String(chat.id.prefix(8)))?.id, chat.id)
        XCTAssertEqual(try store.find("my trip")?.id, chat.id)
        XCTAssertNil(try store.find("nothing"))
        try store.save(StoredMessage(role: "user", content: "auto"), at: 0, in: chat.id, retitling: "auto")
        XCTAssertEqual(try store.conversation(id: chat.id)?.title, "auto")
        try store.rename(chat.id, to: "Chosen")
        try store.save(StoredMessage(role: "user", content: "auto again"), at: 0, in: chat.id, retitling: "auto again")
        XCTAssertEqual(try store.conversation(id: chat.id)?.title, "Chosen", "a rename sticks")
        XCTAssertEqual(try store.messages(in: chat.id).first?.content, "auto again", "the message is written all the same")
        try store.delete(chat.id)
        XCTAssertNil(try store.conversation(id: chat.id))
        XCTAssertEqual(try store.search("x"), [])
    }

    static func settingsAndPreferences(_ make: () throws -> any ConversationStore) throws {
        let store = try make()
        let chat = Self.conversation("s", updated: 1)
        try store.create(chat)
        let settings = StoredSettings(model: "m", systemPrompt: "sys", temperature: 0.3, topP: 0.9, maxTokens: 50)
        try store.saveSettings(chat.id, settings)
        XCTAssertEqual(try store.conversation(id: chat.id)?.settings, settings)
        XCTAssertNil(try store.preference("model:x"))
        try store.setPreference("model:x", "a")
        try store.setPreference("model:x", "b")
        XCTAssertEqual(try store.preference("model:x"), "b")
    }

    static func twoStoresWritingAtOnceLoseNothing(_ make: () throws -> any ConversationStore) throws {
        let a = try make()
        let b = try make()
        let chatA = Self.conversation("A", updated: 1)
        let chatB = Self.conversation("B", updated: 1)
        try a.create(chatA)
        try b.create(chatB)
        let group = DispatchGroup()
        let failures = Locked<[Error]>([])
        for (store, chat, word) in [(a, chatA, "alpha"), (b, chatB, "beta")] {
            DispatchQueue.global().async(group: group) {
                for index in 0..<200 {
                    do {
                        try store.save(StoredMessage(role: "user", content: "\(word)\(index) \(word)"), at: index, in: chat.id)
                    } catch {
                        failures.withLock { $0.append(error) }
                    }
                }
            }
        }
        group.wait()
        XCTAssertTrue(failures.value.isEmpty, "\(failures.value)")
        XCTAssertEqual(try a.messages(in: chatB.id).count, 200)
        XCTAssertEqual(try b.search("alpha", limit: 1000).count, 200)
        XCTAssertEqual(try a.search("beta", limit: 1000).count, 200)
    }
}
