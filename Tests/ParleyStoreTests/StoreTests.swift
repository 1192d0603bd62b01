import Foundation
import ParleyHTTP
import XCTest

@testable import ParleyStore

final class StoreTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func conversation(_ title: String, updated: TimeInterval) -> StoredConversation {
        StoredConversation(title: title, created: Date(timeIntervalSince1970: updated), updated: Date(timeIntervalSince1970: updated))
    }

    func testMigrationsCreateTheSchemaInWALModeWithPrivateFiles() throws {
        let store = try Store(directory: directory)
        try store.create(conversation("a", updated: 1))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        // Opening again applies nothing new and keeps the data.
        let again = try Store(directory: directory)
        XCTAssertEqual(try again.conversations().map(\.title), ["a"])
        let header = try Data(contentsOf: URL(fileURLWithPath: store.path))
        XCTAssertEqual(header[18], 2, "WAL mode (the header's write version)")
    }

    func testConversationsAreListedMostRecentFirstWithCounts() throws {
        let store = try Store(directory: directory)
        let old = conversation("old", updated: 100)
        let new = conversation("new", updated: 200)
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

    func testMessagesKeepTheirOrderAndFieldsAndTruncate() throws {
        let store = try Store(directory: directory)
        let chat = conversation("c", updated: 1)
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

    func testSearchFindsWordsInEveryConversation() throws {
        let store = try Store(directory: directory)
        let first = conversation("Geography", updated: 1)
        let second = conversation("Cooking", updated: 2)
        try store.create(first)
        try store.create(second)
        try store.save(StoredMessage(role: "user", content: "What is the capital of France?"), at: 0, in: first.id)
        try store.save(StoredMessage(role: "assistant", content: "The capital of France is Paris."), at: 1, in: first.id)
        try store.save(StoredMessage(role: "user", content: "A recipe from Paris, please"), at: 0, in: second.id)
        let hits = try store.search("paris")
        XCTAssertEqual(Set(hits.map { "\($0.conversationTitle) #\($0.messageNumber)" }), ["Geography #2", "Cooking #1"])
        XCTAssertEqual(try store.search("capital France").count, 2)
        XCTAssertEqual(try store.search("\"quoted\" OR NOT"), [], "user text is never FTS syntax")
        XCTAssertEqual(try store.search("   "), [])
    }

    func testFindByIDPrefixOrTitleRenameAndDelete() throws {
        let store = try Store(directory: directory)
        let chat = conversation("My Trip", updated: 1)
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

    func testSettingsAndPreferences() throws {
        let store = try Store(directory: directory)
        let chat = conversation("s", updated: 1)
        try store.create(chat)
        let settings = StoredSettings(model: "m", systemPrompt: "sys", temperature: 0.3, topP: 0.9, maxTokens: 50)
        try store.saveSettings(chat.id, settings)
        XCTAssertEqual(try store.conversation(id: chat.id)?.settings, settings)
        XCTAssertNil(try store.preference("model:x"))
        try store.setPreference("model:x", "a")
        try store.setPreference("model:x", "b")
        XCTAssertEqual(try store.preference("model:x"), "b")
    }

    func testAForeignFileIsRefusedAndLeftUntouched() throws {
        let path = directory.appendingPathComponent("parley.sqlite")
        let junk = Data("this is not a database, it is a text file that happens to be here\n".utf8)
        try junk.write(to: path)
        XCTAssertThrowsError(try Store(directory: directory)) { error in
            XCTAssertEqual(error as? StoreError, .notAParleyStore(path: path.path))
            XCTAssertTrue("\(error)".contains("--data-dir"))
        }
        XCTAssertEqual(try Data(contentsOf: path), junk)
    }

    /// Runs one SQL statement on the file at `path` as another program would (Python's sqlite3).
    func sqlite(_ path: String, _ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
            path, statement,
        ]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, statement)
    }

    /// The files of the store's directory, byte for byte (a WAL or journal left beside it counts too).
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return files
    }

    func testAnotherProgramsDatabaseIsRefusedAndLeftByteForByte() throws {
        let path = directory.appendingPathComponent("parley.sqlite").path
        try sqlite(path, "create table other(x)")
        try sqlite(path, "insert into other values ('theirs')")
        let before = try snapshot()
        XCTAssertEqual(before.keys.sorted(), ["parley.sqlite"])
        XCTAssertThrowsError(try Store(directory: directory)) { XCTAssertEqual($0 as? StoreError, .notAParleyStore(path: path)) }
        // Opening it must not switch its journal (header bytes 18-19) or bump its change counter (24-27).
        XCTAssertEqual(try snapshot(), before)
    }

    func testANewerSchemaIsRefusedAndLeftByteForByte() throws {
        _ = try Store(directory: directory)
        let path = directory.appendingPathComponent("parley.sqlite").path
        // Another program's write moves the WAL into the file and leaves no WAL beside it.
        try sqlite(path, "insert into grdb_migrations values ('v99')")
        try sqlite(path, "pragma wal_checkpoint(truncate)")
        let before = try snapshot().filter { !$0.key.hasSuffix("-shm") }  // shared memory is an index, not data
        XCTAssertThrowsError(try Store(directory: directory)) { XCTAssertEqual($0 as? StoreError, .newerSchema(path: path)) }
        XCTAssertEqual(try snapshot().filter { !$0.key.hasSuffix("-shm") && !($0.key.hasSuffix("-wal") && $0.value.isEmpty) }, before)
    }

    func testTwoStoresWritingAtOnceLoseNothing() throws {
        let a = try Store(directory: directory)
        let b = try Store(directory: directory)
        let chatA = conversation("A", updated: 1)
        let chatB = conversation("B", updated: 1)
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
