import Foundation
import ParleyHTTP
import ParleyShared
import ParleyStore
import TestSupport
import XCTest

/// Conversations that follow you: parley processes with data directories of their own share one
/// PostgreSQL store.
final class SharedStoreTests: ParleyTestCase {
    func testWhatOneProcessWritesAnothersChatsListsAndTenProcessesLoseNothing() throws {
        let url = try PostgresCluster.shared().newDatabase()
        let server = try StubServer { _, index in .reply(["reply \(index)"]) }
        var elsewhere = environment
        elsewhere["PARLEY_HOME"] = home.appendingPathComponent("other machine").path
        let first = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "--store", url, "Plan the trip"], environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        let listed = try ParleyProcess.run(["--store", url, "/chats"], environment: elsewhere)
        XCTAssertTrue(listed.stdout.contains("Plan the trip"), listed.stdout + listed.stderr)

        let script = (1...50).map { "turn \($0)" }.joined(separator: "\n") + "\n"
        let failures = Locked<[String]>([])
        let (base, home, environment) = (server.baseURL, home!, environment)
        DispatchQueue.concurrentPerform(iterations: 10) { process in
            var own = environment
            own["PARLEY_HOME"] = home.appendingPathComponent("machine \(process)").path
            do {
                let result = try ParleyProcess.run(["--base-url", base, "-m", "m", "--store", url], input: script, environment: own)
                if result.status != 0 { failures.withLock { $0.append(result.stderr) } }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.value, [])
        let chats = try ParleyProcess.run(["--store", url, "/chats"], environment: environment)
        XCTAssertEqual(chats.stdout.components(separatedBy: "100 messages").count - 1, 10, chats.stdout)
        let search = try ParleyProcess.run(["--store", url, "/search turn 50"], environment: elsewhere)
        XCTAssertEqual(search.stdout.components(separatedBy: "turn 50").count - 1, 10, search.stdout)
    }

    func testShowEndpointSaysWhichStoreAndNeverItsPassword() throws {
        let shown = try ParleyProcess.run(
            ["--show-endpoint", "--store", "postgresql://alice:hunter2@db.example/chats"], environment: environment)
        XCTAssertTrue(shown.stdout.contains("store: PostgreSQL postgresql://alice:***@db.example/chats (--store)"), shown.stdout)
        XCTAssertFalse(shown.stdout.contains("hunter2"))
        environment["PARLEY_STORE"] = home.appendingPathComponent("mine.sqlite").path
        let sqlite = try ParleyProcess.run(["--show-endpoint"], environment: environment)
        XCTAssertTrue(sqlite.stdout.contains("store: SQLite \(home.path)/mine.sqlite (PARLEY_STORE)"), sqlite.stdout)
        let unreachable = try ParleyProcess.run(
            ["--base-url", "http://127.0.0.1:9/v1", "-m", "m", "--store", "postgresql://alice:hunter2@/chats?host=/nonexistent", "hi"],
            environment: environment)
        XCTAssertEqual(unreachable.status, 1)
        XCTAssertTrue(unreachable.stderr.contains("postgresql://alice:***@/chats?host=/nonexistent"), unreachable.stderr)
        XCTAssertFalse(unreachable.stderr.contains("hunter2"))
        let missing = try ParleyProcess.run(["--import-store", home.appendingPathComponent("typo.sqlite").path], environment: environment)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("There is no store at"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("typo.sqlite").path), "none was made")
        let conninfo = try ParleyProcess.run(
            ["--show-endpoint", "--store", "host=db.example password = 'hunter2' dbname=chats"], environment: environment)
        XCTAssertTrue(conninfo.stdout.contains("store: PostgreSQL host=db.example password = *** dbname=chats (--store)"), conninfo.stdout)
    }

    func testSavedConversationsAndAWholeSQLiteStoreMoveIntoPostgreSQLWithEverything() throws {
        let url = try PostgresCluster.shared().newDatabase()
        let server = try StubServer { _, index in .reply(["reply \(index)"]) }
        let notes = home.appendingPathComponent("notes.txt")
        try "milk\neggs\n".write(to: notes, atomically: true, encoding: .utf8)
        let image = ParleyProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/Images/pixel.png").path
        let saved = home.appendingPathComponent("trip.json").path
        let script = "/attach \(notes.path) \(image)\nWhat do I buy?\nAnd then?\n/rename Shopping\n/save \(saved)\n"
        let first = try ParleyProcess.run(
            ["--base-url", server.baseURL, "-m", "m", "--temperature", "0.3"], input: script, environment: environment)
        XCTAssertEqual(first.status, 0, first.stderr)
        let sqlite = try Store(directory: home)
        let original = try XCTUnwrap(sqlite.latest())
        let originalMessages = try sqlite.messages(in: original.id)

        let imported = try ParleyProcess.run(["--store", url, "--import", saved], environment: environment)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(imported.stdout, "Imported \"Shopping\" (4 messages) from \(saved).\n")
        let postgres = try PostgresStore(url: url)
        let copy = try XCTUnwrap(postgres.conversation(id: original.id), "the id survives")
        XCTAssertEqual(copy.title, "Shopping")
        XCTAssertEqual(copy.settings, original.settings)
        XCTAssertEqual(copy.created.timeIntervalSince1970, original.created.timeIntervalSince1970, accuracy: 0.001)
        XCTAssertEqual(copy.updated.timeIntervalSince1970, original.updated.timeIntervalSince1970, accuracy: 0.001)
        XCTAssertEqual(
            try postgres.messages(in: original.id), originalMessages, "messages, attachments (text and image bytes), usage, timings")
        let again = try ParleyProcess.run(["--store", url, "--import", saved], environment: environment)
        XCTAssertTrue(again.stdout.contains("is in the store already"), again.stdout)

        // A whole store: a second conversation, then every conversation copied across at once.
        _ = try ParleyProcess.run(["--base-url", server.baseURL, "-m", "m", "Another chat"], environment: environment)
        let whole = try ParleyProcess.run(["--store", url, "--import-store", sqlite.path], environment: environment)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertTrue(whole.stdout.hasPrefix("Copied 1 conversation from \(sqlite.path)"), whole.stdout)
        XCTAssertTrue(whole.stdout.contains("(1 already there, left as they were)"), whole.stdout)
        XCTAssertEqual(Set(try postgres.conversations().map(\.id)), Set(try sqlite.conversations().map(\.id)))
    }

    func testAStoreThatGoesAwayMidSessionKeepsTheMessageInTheLineUnsent() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.newDatabase()
        let database = String(url.components(separatedBy: "@/")[1].split(separator: "?").first!)
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let terminal = try shell(["--base-url", server.baseURL, "-m", "m", "--store", url])
        terminal.send("first question")
        try terminal.waitFor("#3 ›")
        try cluster.psql("postgres", "DROP DATABASE \(database) WITH (FORCE)")
        terminal.send("second question")
        let flat: (String) -> String = { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let screen = try terminal.waitUntil("the message kept") {
            flat($0).contains("Your message was not sent; it is back in the line. m #3 › second question")
        }
        XCTAssertTrue(
            flat(screen).contains("database \(database) on \(cluster.directory):5432"), "names the database and its host: \(screen)")
        XCTAssertEqual(server.chats.count, 1, "the second was not sent")
    }

    func testARunOnSQLiteLoadsNothingOfLibpqAndAPostgreSQLStoreDoes() throws {
        // The dynamic loader says each library it opens (LD_DEBUG=libs).
        var traced = environment
        traced["LD_DEBUG"] = "libs"
        let sqlite = try ParleyProcess.run(["--base-url", "http://127.0.0.1:9/v1", "-m", "m", "/chats"], environment: traced)
        XCTAssertFalse(sqlite.stderr.contains("libpq.so"), "SQLite alone: libpq and its libraries stay unloaded")
        let url = try PostgresCluster.shared().newDatabase()
        let postgres = try ParleyProcess.run(["--store", url, "/chats"], environment: traced)
        XCTAssertTrue(postgres.stderr.contains("libpq.so"), "a PostgreSQL store loads it")
        XCTAssertTrue(postgres.stdout.contains("No conversations yet."), postgres.stdout)
    }
}
