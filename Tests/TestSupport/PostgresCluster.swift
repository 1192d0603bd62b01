import Foundation
import XCTest

/// A private PostgreSQL cluster for the tests: made by `initdb` in a temporary directory, listening
/// only on a Unix socket there, started the first time a test asks and stopped when the test process
/// exits. As root (initdb refuses root), it is made and run as `nobody`. Each test takes a database
/// of its own.
public final class PostgresCluster: @unchecked Sendable {
    public let directory: String
    public let superuser = "parley"
    private let binaries: String
    private let runAs: [String]
    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: PostgresCluster?
    private var databases = 0

    /// The cluster, started once; a skip when PostgreSQL is not installed (a failure when
    /// `PARLEY_REQUIRE_POSTGRES=1`, as `make test` sets).
    public static func shared() throws -> PostgresCluster {
        lock.lock()
        defer { lock.unlock() }
        if let started { return started }
        guard let binaries = findBinaries() else {
            if ProcessInfo.processInfo.environment["PARLEY_REQUIRE_POSTGRES"] == "1" {
                throw ClusterError("PostgreSQL is not installed (apt install postgresql); make test installs it.")
            }
            throw XCTSkip("PostgreSQL is not installed (apt install postgresql).")
        }
        let cluster = try PostgresCluster(binaries: binaries)
        started = cluster
        atexit { PostgresCluster.started?.stop() }
        return cluster
    }

    static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return versions.map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }

    private init(binaries: String) throws {
        self.binaries = binaries
        var template = Array((FileManager.default.temporaryDirectory.path + "/parley-pg-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else { throw ClusterError("no temporary directory") }
        directory = String(cString: template)
        runAs = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] : []
        if getuid() == 0 {
            var nobody = passwd()
            var found: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: 4096)
            getpwnam_r("nobody", &nobody, &buffer, buffer.count, &found)
            chown(directory, nobody.pw_uid, nobody.pw_gid)
        }
        try run(["\(binaries)/initdb", "-D", "\(directory)/data", "-U", superuser, "-A", "trust", "-E", "UTF8", "--no-sync"])
        try run([
            "\(binaries)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "-o",
            "-k \(directory) -c listen_addresses='' -c fsync=off -c max_connections=60", "start",
        ])
    }

    /// A new, empty database; its URL for `--store`.
    public func newDatabase() throws -> String {
        let name = PostgresCluster.lock.withLock {
            databases += 1
            return "parley_test_\(databases)"
        }
        try psql("postgres", "CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// `postgresql://ROLE@/DATABASE?host=DIR` (the Unix socket in the cluster's directory).
    public func url(database: String, role: String? = nil) -> String {
        "postgresql://\(role ?? superuser)@/\(database)?host=\(directory)"
    }

    /// Runs SQL as the superuser, one statement a call.
    public func psql(_ database: String, _ sql: String) throws {
        try run(["\(binaries)/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", superuser, "-d", database, "-c", sql])
    }

    public func stop() {
        _ = try? run(["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a program and waits for it (posix_spawn and waitpid: the server pg_ctl starts outlives it,
    /// and must not hold anything the wait depends on). Its output goes to a file, read on failure.
    private func run(_ arguments: [String]) throws {
        // From / : the cluster's user may not be allowed into the directory the tests run in.
        let command = runAs + ["/bin/sh", "-c", "cd / && exec \"$0\" \"$@\""] + arguments
        let said = FileManager.default.temporaryDirectory.appendingPathComponent("parley-pg-output-\(UUID().uuidString)").path
        defer { unlink(said) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, said, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw ClusterError("\(command[0]) could not start: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else {
            throw ClusterError("\(arguments.first ?? "") failed: \((try? String(contentsOfFile: said, encoding: .utf8)) ?? "")")
        }
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
