import Foundation
import ParleyHTTP
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
    }
}
