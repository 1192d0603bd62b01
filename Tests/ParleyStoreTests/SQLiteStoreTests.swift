import Foundation
import ParleyHTTP
import XCTest

@testable import ParleyStore

final class SQLiteStoreTests: XCTestCase {
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

    func testConversationsAreListedMostRecentFirstWithCounts() throws {
        try StoreContract.conversationsAreListedMostRecentFirstWithCounts { try Store(directory: directory) }
    }
    func testMessagesKeepTheirOrderAndFieldsAndTruncate() throws {
        try StoreContract.messagesKeepTheirOrderAndFieldsAndTruncate { try Store(directory: directory) }
    }
    func testSearchFindsWordsInEveryConversation() throws {
        try StoreContract.searchFindsWordsInEveryConversation { try Store(directory: directory) }
    }
    func testFindByIDPrefixOrTitleRenameAndDelete() throws {
        try StoreContract.findByIDPrefixOrTitleRenameAndDelete { try Store(directory: directory) }
    }
    func testSettingsAndPreferences() throws { try StoreContract.settingsAndPreferences { try Store(directory: directory) } }
    func testTwoStoresWritingAtOnceLoseNothing() throws {
        try StoreContract.twoStoresWritingAtOnceLoseNothing { try Store(directory: directory) }
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

    func testATruncatedStoreIsRefusedAndLeftByteForByte() throws {
        let store = try Store(directory: directory)
        for index in 0..<300 {
            let chat = StoredConversation(title: "chat \(index)")
            try store.save(
                StoredMessage(role: "user", content: String(repeating: "words ", count: 200)), at: 0, in: chat.id, creating: chat)
        }
        let path = store.path
        try sqlite(path, "pragma wal_checkpoint(truncate)")
        // Half of it gone, as a full disk or an interrupted copy leaves it.
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let before = try snapshot()
        XCTAssertThrowsError(try Store(directory: directory).conversations(limit: 1000)) { error in
            XCTAssertNotNil(error as? StoreError, "\(error)")
        }
        XCTAssertEqual(try snapshot().filter { !$0.key.hasSuffix("-shm") && !($0.key.hasSuffix("-wal") && $0.value.isEmpty) }, before)
    }
}
