import Foundation
import ParleyHTTP
import ParleySession
import ParleyShared

/// `/attach !CMD`: CMD run by `SHELL -c` in a session of its own (no controlling terminal, so a
/// program that would ask the terminal for a password fails at once rather than stopping; and one
/// process group, so that a stop reaches everything it started), standard input empty, standard
/// output read into the attachment, standard error left on parley's (the user sees it; it is not
/// attached).
struct ShellCommand: RunningCommand {
    let command: String
    let limit: Int
    private let process: Locked<(pid: pid_t, stopped: Bool)>
    private let output: Int32
    private let failure: String?

    init(command: String, shell: String, limit: Int) {
        self.command = command
        self.limit = limit
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            (process, output, failure) = (Locked((0, false)), -1, String(cString: strerror(errno)))
            return
        }
        // Not inherited by what other threads start meanwhile (the child gets its end by dup2).
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        // Its own process group; the signals parley ignores or blocks are the defaults again.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(Self.newSession | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let arguments: [UnsafeMutablePointer<CChar>?] = [shell, "-c", command].map { (word: String) in strdup(word) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, shell, &actions, &attributes, arguments, environ)
        close(fds[1])
        if spawned != 0 {
            close(fds[0])
            (process, output, failure) = (Locked((0, false)), -1, "\(shell): \(String(cString: strerror(spawned)))")
        } else {
            (process, output, failure) = (Locked((pid, false)), fds[0], nil)
        }
    }

    /// glibc's POSIX_SPAWN_SETSID (spawn.h, behind _GNU_SOURCE): the child starts a session.
    static let newSession: Int32 = 0x80
    /// How long a stopped command has to end on SIGTERM before it is killed.
    static let graceSeconds = 2.0

    /// SIGTERM to the whole group (and SIGCONT, should any of it be stopped); SIGKILL after
    /// `graceSeconds` to whatever is left. Only while it has not been waited for, so never a reused
    /// process group.
    func stop() {
        let pid: pid_t? = process.withLock { state in
            guard state.pid > 0, !state.stopped else { return nil }
            state.stopped = true
            kill(-state.pid, SIGTERM)
            kill(-state.pid, SIGCONT)
            return state.pid
        }
        guard let pid else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.graceSeconds) { [process] in
            process.withLock { state in
                if state.pid == pid { kill(-pid, SIGKILL) }
            }
        }
    }

    func finish() async -> Result<CommandOutput, AttachmentError> {
        if let failure { return .failure(AttachmentError("`\(command)` could not start: \(failure).")) }
        return await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: readToEnd()) }
            thread.name = "parley-command"
            thread.start()
        }
    }

    /// Reads the output to its end (or past the limit), then waits for the process.
    private func readToEnd() -> Result<CommandOutput, AttachmentError> {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var overLimit = false
        while true {
            let count = buffer.withUnsafeMutableBytes { readFD(output, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            if bytes.count > limit {
                overLimit = true
                stop()
                break
            }
        }
        close(output)
        var status: Int32 = 0
        let pid = process.value.pid
        var waited = waitpid(pid, &status, 0)
        while waited < 0, errno == EINTR { waited = waitpid(pid, &status, 0) }
        // Waited for: its pid may be reused from now on, so a late stop must not signal it.
        let stopped = process.withLock { state in
            state.pid = 0
            return state.stopped
        }
        guard waited == pid else {
            return .failure(AttachmentError("`\(command)` could not be waited for: \(String(cString: strerror(errno)))."))
        }
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        let said = exited ? "exit status \(code)" : "stopped by signal \(status & 0x7F)"
        if overLimit {
            return .failure(
                AttachmentError("`\(command)` wrote more than \(Attachment.size(limit)); nothing was attached (--attach-limit raises it)."))
        }
        if stopped { return .failure(AttachmentError("`\(command)` was stopped; nothing was attached.")) }
        if exited, code == 127 || code == 126, bytes.isEmpty {
            let why = code == 127 ? "the shell did not find it" : "it cannot be run"
            return .failure(AttachmentError("`\(command)` could not start: \(why) (exit status \(code))."))
        }
        switch ContentSniffer.text(bytes) {
        case let .success(text):
            return .success(CommandOutput(text: text, status: said, succeeded: exited && code == 0))
        case let .failure(notText):
            return .failure(AttachmentError("The output of `\(command)` is not text (\(notText.problem)); nothing was attached."))
        }
    }
}
