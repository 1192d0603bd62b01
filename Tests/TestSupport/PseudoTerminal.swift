import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// parley on a pseudo-terminal whose other side is the test: it reads every byte parley writes, escape
/// sequences and all, and plays the terminal, answering queries as the terminal it pretends to be.
/// (tmux shows the screen; this shows the bytes, for what tmux would swallow.)
public final class PseudoTerminal {
    public let master: Int32
    public let pid: pid_t
    /// Everything parley has written so far.
    public private(set) var output: [UInt8] = []

    public init(_ arguments: [String], environment: [String: String], columns: UInt16 = 100, rows: UInt16 = 30) throws {
        // posix_openpt, unlockpt and ptsname, which Swift's Glibc does not import, as Linux does them.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.TIOCSPTLCK, &unlock) == 0, ioctl(master, Self.TIOCGPTN, &number) == 0 else {
            throw PseudoTerminalError(reason: "no pseudo-terminal: errno \(errno)")
        }
        let slave = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A session of its own, so the terminal opened below becomes its controlling terminal.
        posix_spawnattr_setflags(&attributes, Self.POSIX_SPAWN_SETSID)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let argv = ([ParleyProcess.binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, ParleyProcess.binary, &actions, &attributes, argv, envp)
        guard status == 0 else { throw PseudoTerminalError(reason: "spawn failed: \(status)") }
        pid = child
    }

    // Linux's values, for macros Swift does not import.
    static let TIOCSPTLCK: UInt = 0x4004_5431
    static let TIOCGPTN: UInt = 0x8004_5430
    static let POSIX_SPAWN_SETSID: Int16 = 0x80

    deinit {
        if !exited {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Waits for parley to exit, `timeout` seconds at most; whether it did.
    public func waitForExit(timeout: TimeInterval = patience) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            _ = read(timeout: 0.05) { _ in false }  // keep the terminal drained
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                return true
            }
        }
        return false
    }

    private var exited = false

    /// Types `text` (a line needs its "\r", as Enter sends).
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until `condition` holds for all output so far (true), or `timeout` seconds pass (false).
    @discardableResult
    public func read(timeout: TimeInterval = patience, until condition: ([UInt8]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !condition(output) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 1) * 1000)) > 0 else { continue }
            let count = Glibc.read(master, &buffer, buffer.count)
            guard count > 0 else { return condition(output) }
            output += buffer[0..<count]
        }
        return true
    }

    /// Reads until `text` has appeared after byte `offset` of the output.
    @discardableResult
    public func read(until text: String, after offset: Int = 0, timeout: TimeInterval = patience) -> Bool {
        let needle = Array(text.utf8)
        return read(timeout: timeout) { output in
            output.count >= offset && PseudoTerminal.find(needle, in: output[offset...]) != nil
        }
    }

    /// Where `needle` starts in `haystack`, or nil.
    public static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    public var text: String { String(decoding: output, as: UTF8.self) }
}

public struct PseudoTerminalError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
