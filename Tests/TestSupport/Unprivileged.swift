import Foundation
import XCTest

/// parley run as a user whom file modes bind: chmod 000 stops no root process from reading, and the
/// tests run as root here and in CI. As root, parley runs as `nobody` (by runuser, as the PostgreSQL
/// cluster's initdb does), in a home of nobody's own; as another user, as that user, when chmod 000
/// does stop it; else the test is skipped, saying why (never passed without the check).
public struct Unprivileged {
    /// A private temporary directory the user owns (0700): HOME and the data directory.
    public let home: URL
    /// What runs a command as the user: runuser as root, nothing otherwise.
    private let runner: [String]
    private let owner: (uid: uid_t, gid: gid_t)?
    /// The parley binary the user runs: as nobody, a copy in a directory of its own that anyone may
    /// enter (the checkout may sit where nobody cannot reach, such as under /root).
    private let binary: String
    private let binaryDirectory: URL?

    public init() throws {
        home = ParleyProcess.temporaryHome()
        if getuid() == 0 {
            let runuser = "/usr/sbin/runuser"
            guard FileManager.default.isExecutableFile(atPath: runuser) else {
                throw UnprivilegedError("running as root, and \(runuser) is not there to run parley as nobody")
            }
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: 4096)
            guard getpwnam_r("nobody", &entry, &buffer, buffer.count, &found) == 0, found != nil else {
                throw UnprivilegedError("running as root, and there is no user nobody to run parley as")
            }
            runner = [runuser, "-u", "nobody", "--"]
            owner = (entry.pw_uid, entry.pw_gid)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bin-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let copy = directory.appendingPathComponent("parley")
            try FileManager.default.copyItem(atPath: ParleyProcess.binary, toPath: copy.path)
            guard chmod(directory.path, 0o755) == 0, chmod(copy.path, 0o755) == 0 else {
                throw UnprivilegedError("cannot make \(copy.path) runnable by nobody: errno \(errno)")
            }
            binary = copy.path
            binaryDirectory = directory
        } else {
            runner = []
            owner = nil
            binary = ParleyProcess.binary
            binaryDirectory = nil
            let probe = home.appendingPathComponent("probe")
            try Data("x".utf8).write(to: probe)
            chmod(probe.path, 0)
            let descriptor = open(probe.path, O_RDONLY)
            if descriptor >= 0 {
                close(descriptor)
                try? FileManager.default.removeItem(at: home)
                throw XCTSkip(
                    "Not root, and chmod 000 does not stop this user (uid \(getuid())) reading a file: unreadable paths cannot be made here."
                )
            }
            unlink(probe.path)
        }
        try own(home, mode: 0o700)
        // The binary must be one the user can reach and run.
        let version = try run(["--version"], environment: ["PATH": "/usr/bin:/bin"])
        guard version.status == 0 else {
            throw UnprivilegedError(
                "\(binary) cannot be run as \(owner == nil ? "this user" : "nobody") (status \(version.status)): "
                    + "its directories must be searchable by others. \(version.stderr)")
        }
    }

    /// Gives `url` to the user, with `mode`.
    public func own(_ url: URL, mode: mode_t) throws {
        if let owner, chown(url.path, owner.uid, owner.gid) != 0 {
            throw UnprivilegedError("cannot give \(url.path) to nobody: errno \(errno)")
        }
        guard chmod(url.path, mode) == 0 else { throw UnprivilegedError("cannot chmod \(url.path): errno \(errno)") }
    }

    /// A file at `name` in the home holding `text`, the user's, with `mode`.
    @discardableResult
    public func file(_ name: String, _ text: String, mode: mode_t) throws -> URL {
        let url = home.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try own(url, mode: mode)
        return url
    }

    /// A directory at `name` in the home, the user's, with `mode` (set after `filling` puts files in it).
    @discardableResult
    public func directory(_ name: String, mode: mode_t, filling: (URL) throws -> Void = { _ in }) throws -> URL {
        let url = home.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try filling(url)
        try own(url, mode: mode)
        return url
    }

    /// A directory the user may read but not write, nor make writable: another user's (root's, made
    /// here, 0755) when the user is nobody; else `/`.
    public func othersDirectory(_ name: String) throws -> URL {
        guard owner != nil else { return URL(fileURLWithPath: "/") }
        let url = home.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard chmod(url.path, 0o755) == 0 else { throw UnprivilegedError("cannot chmod \(url.path): errno \(errno)") }
        return url
    }

    /// The environment parley gets: the tests' clean one, in this home.
    public var environment: [String: String] { ParleyProcess.cleanEnvironment(home: home) }

    /// Runs parley as the user with `arguments`, `input` on stdin, and only `environment` (from `/`, which
    /// the user may enter), waiting `timeout` seconds at most.
    public func run(
        _ arguments: [String], input: String? = nil, environment: [String: String], timeout: TimeInterval = 60
    ) throws -> ParleyProcess.Result {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = runner + ["/usr/bin/env", "-i"] + assignments + [binary] + arguments
        return try ParleyProcess.run(
            command: command, arguments: arguments, input: input, environment: nil, directory: URL(fileURLWithPath: "/"),
            timeout: timeout)
    }

    /// Takes the home away, whatever its modes.
    public func remove() {
        if let enumerator = FileManager.default.enumerator(atPath: home.path) {
            for case let path as String in enumerator { chmod(home.appendingPathComponent(path).path, 0o700) }
        }
        try? FileManager.default.removeItem(at: home)
        if let binaryDirectory { try? FileManager.default.removeItem(at: binaryDirectory) }
    }
}

public struct UnprivilegedError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
