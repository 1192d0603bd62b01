import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Watches the keyboard while a reply streams: a lone Esc or Ctrl-C calls `onCancel`; Ctrl-Z stops the
/// job until it is continued. An Esc that starts a longer sequence (an arrow key, Alt-something) is
/// not a cancel: a lone Esc is one with no byte after it within 40 ms. Text typed meanwhile is kept in `typed`, for the next prompt; other keys
/// (arrows, Alt and Ctrl keys) are dropped.
public final class KeyWatcher: @unchecked Sendable {
    private let fd: Int32
    private let onCancel: @Sendable () -> Void
    private var wakePipe: [Int32] = [-1, -1]
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    /// The text typed while watching (characters, Enter, Backspace), in order; read after `stop`.
    public private(set) var typed: [UInt8] = []

    public init(fd: Int32 = 0, onCancel: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.onCancel = onCancel
    }

    /// Puts the terminal in key mode and starts watching.
    public func start() {
        guard pipe(&wakePipe) == 0 else { return }
        TerminalDevice.enterKeyMode()
        let thread = Thread { [self] in
            watch()
            done.signal()
        }
        thread.name = "parley-keys"
        self.thread = thread
        thread.start()
    }

    /// Stops watching and gives the terminal back to the line editor.
    public func stop() {
        guard thread != nil else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe[1], &byte, 1)
        done.wait()
        close(wakePipe[0])
        close(wakePipe[1])
        thread = nil
        TerminalDevice.restoreMode()
    }

    private func watch() {
        var escapePending = false  // an Esc came; lone if nothing follows within 40 ms
        while true {
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0),
            ]
            let timeout: Int32 = escapePending ? 40 : -1
            let ready = poll(&fds, 2, timeout)
            if fds[1].revents != 0 { return }
            if ready == 0, escapePending {
                onCancel()  // Esc, and nothing after it
                escapePending = false
                continue
            }
            guard ready > 0, fds[0].revents & Int16(POLLIN) != 0 else {
                if ready < 0, errno == EINTR { continue }
                if fds[0].revents & Int16(POLLHUP | POLLERR) != 0 { return }
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { return }
            let bytes = buffer.prefix(count)
            if escapePending {
                escapePending = false  // the Esc began a sequence
                continue
            }
            typed += Self.text(in: bytes)
            if bytes.contains(0x03) {
                onCancel()
            } else if bytes.contains(0x1A) {
                // Ctrl-Z: the job stops, the reply with it, as any program would; it goes on at `fg`.
                TerminalDevice.restoreMode()
                TerminalDevice.stopJob()
                TerminalDevice.enterKeyMode()
            } else if bytes == [0x1B] {
                escapePending = true
            }
        }
    }

    /// What of one read is typed text: the bytes before any Esc or Ctrl-C (a key sequence or a
    /// cancel), without control keys other than Enter and Backspace (DEL and Ctrl-H).
    static func text(in bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.prefix { $0 != 0x1B && $0 != 0x03 }.filter { $0 >= 0x20 || $0 == 0x0D || $0 == 0x0A || $0 == 0x08 }
    }
}
