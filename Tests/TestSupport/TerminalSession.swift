import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Drives a program in a real pseudo-terminal, as a person would: tmux runs it, `type` and `press`
/// send keys, `screen` reads what is shown. Each session has a tmux server of its own.
public final class TerminalSession {
    private let socket = "parley-test-\(UUID().uuidString.prefix(8))"
    public private(set) var width: Int
    public private(set) var height: Int

    public init(_ arguments: [String], environment: [String: String], width: Int = 100, height: Int = 30) throws {
        self.width = width
        self.height = height
        let assignments = environment.sorted { $0.key < $1.key }.map { Self.quote("\($0.key)=\($0.value)") }
        let command = (["env", "-i"] + assignments + arguments.map(Self.quote)).joined(separator: " ")
        // The pane stays after the program exits (remain-on-exit), so `hasExited` can tell.
        try tmux(
            capture: false,
            [
                "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "main", command,
                ";", "set-option", "-w", "-t", "main", "remain-on-exit", "on",
                ";", "set-option", "-s", "set-clipboard", "on",
            ])
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    /// Types `text` literally.
    public func type(_ text: String) {
        _ = try? tmux(["send-keys", "-t", "main", "-l", text])
    }

    /// Types `line` and presses Enter.
    public func send(_ line: String) {
        type(line)
        press("Enter")
    }

    /// Pastes `text` as a terminal does: marked as a paste when the program asked for that (bracketed
    /// paste), its line ends sent as CR.
    public func paste(_ text: String) {
        _ = try? tmux(["set-buffer", "--", text])
        _ = try? tmux(["paste-buffer", "-p", "-t", "main"])
    }

    /// Presses keys by tmux name: `Enter`, `Escape`, `C-c`, `C-d`, `Up`, `Tab`, `M-n`...
    public func press(_ keys: String...) {
        _ = try? tmux(["send-keys", "-t", "main"] + keys)
    }

    /// Resizes the terminal, as dragging its window's edge would (the program is sent SIGWINCH), and
    /// returns once the terminal has the new size (tmux sets it a moment after the command returns).
    public func resize(width: Int, height: Int) throws {
        _ = try? tmux(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
        self.width = width
        self.height = height
        try TestSupport.waitUntil("the terminal to be \(width)×\(height)") {
            try withTerminal { fd in
                var size = winsize()
                return ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && Int(size.ws_col) == width && Int(size.ws_row) == height
            }
        }
    }

    /// Returns once the program has read every key sent to it so far (its terminal's input queue is
    /// empty): keys it reads in a loop of its own, which shows nothing, have reached it.
    public func waitUntilKeysAreRead() throws {
        _ = try tmux(["display-message", "-p", ""])  // a round trip: tmux has written out the keys sent before
        try TestSupport.waitUntil("the keys to be read") {
            try withTerminal { fd in
                var unread: Int32 = 0
                return ioctl(fd, UInt(FIONREAD), &unread) == 0 && unread == 0
            }
        }
    }

    /// `body` with the pane's terminal (its pseudo-terminal's program side) open.
    private func withTerminal<Value>(_ body: (Int32) -> Value) throws -> Value {
        let path = try tmux(["display-message", "-p", "-t", "main", "#{pane_tty}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw SpawnFailed() }
        defer { close(fd) }
        return body(fd)
    }

    /// Waits until the row under the one starting with `row` starts with `next` (a prompt drawn after a
    /// listing: keys typed before it would be echoed by the terminal into the listing).
    public func waitForRow(under row: String, startingWith next: String) throws {
        try waitUntil("a row starting \(next.debugDescription) under \(row.debugDescription)") { screen in
            let rows = screen.split(separator: "\n").map(String.init)
            return rows.firstIndex { $0.hasPrefix(row) }.map { $0 + 1 < rows.count && rows[$0 + 1].hasPrefix(next) } ?? false
        }
    }

    /// The visible screen; with `escapes`, with its colours and styles as escape sequences.
    public func screen(escapes: Bool = false) -> String {
        (try? tmux(["capture-pane", "-p", "-t", "main"] + (escapes ? ["-e"] : []))) ?? ""
    }

    /// Waits until the screen shows `text`; returns the screen. Throws with the screen when it does not.
    @discardableResult
    public func waitFor(_ text: String, timeout: TimeInterval = patience) throws -> String {
        try waitUntil(timeout: timeout, "the screen to show \(text.debugDescription)") { $0.contains(text) }
    }

    @discardableResult
    public func waitUntil(timeout: TimeInterval = patience, _ what: String, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var current = screen()
        while Date() < deadline {
            current = screen()
            if condition(current) { return current }
            usleep(50_000)
        }
        throw NotShown(what: what, screen: current)
    }

    /// The newest paste buffer, which an OSC 52 clipboard sequence fills (`set-clipboard on`).
    public var pasteBuffer: String {
        (try? tmux(["show-buffer"])) ?? ""
    }

    /// The pane's title, which a hostile OSC 0/2 would change.
    public var title: String {
        ((try? tmux(["display-message", "-p", "-t", "main", "#{pane_title}"])) ?? "").trimmingCharacters(in: .newlines)
    }

    /// Whether the program has exited.
    public var hasExited: Bool {
        ((try? tmux(["display-message", "-p", "-t", "main", "#{pane_dead}"])) ?? "").hasPrefix("1")
    }

    public struct NotShown: Error, CustomStringConvertible {
        public var what: String
        public var screen: String
        public var description: String { "Waited for \(what); the screen was:\n\(screen)" }
    }

    /// Runs tmux with posix_spawn and waitpid (the `new-session` call forks the tmux server, which must
    /// inherit no pipe of ours).
    @discardableResult
    private func tmux(capture: Bool = true, _ arguments: [String]) throws -> String {
        var fds: [Int32] = [-1, -1]
        if capture { guard pipe(&fds) == 0 else { throw SpawnFailed() } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        if capture { close(fds[1]) }
        guard spawned == 0 else {
            if capture { close(fds[0]) }
            throw SpawnFailed()
        }
        var data = [UInt8]()
        if capture {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(fds[0], &buffer, buffer.count)
                if count <= 0 { break }
                data += buffer[0..<count]
            }
            close(fds[0])
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: data, as: UTF8.self)
    }

    struct SpawnFailed: Error {}

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
