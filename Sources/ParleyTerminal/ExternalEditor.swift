import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A message written in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`): Ctrl-X Ctrl-E at
/// the prompt and `/compose`. The text goes in a private temporary file (0600); the editor gets the
/// terminal as it was before parley (parley's own keys mode is put aside by the caller) and parley
/// ignores Ctrl-C and Ctrl-\ while it runs, as `system(3)` does.
public enum ExternalEditor {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotStart(String)
        case exited(command: String, status: String)

        public var description: String {
            switch self {
            case let .cannotStart(reason): return "The editor could not start: \(reason)."
            case let .exited(command, status): return "\(command) ended with \(status); nothing was taken from it."
            }
        }
    }

    /// The editor's command line: `$VISUAL`, else `$EDITOR`, else `vi` (it may hold arguments).
    public static func command(environment: [String: String]) -> String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        return "vi"
    }

    /// `text` as the editor left it (one final newline taken off), or why not: the editor could not
    /// start or exited with a failure (then the text is left as it was).
    public static func edit(_ text: String, environment: [String: String]) -> Result<String, Failure> {
        let directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/parley-message-XXXXXX.md").utf8CString)
        let fd = mkstemps(&template, 3)
        guard fd >= 0 else { return .failure(.cannotStart("no temporary file in \(directory): \(String(cString: strerror(errno)))")) }
        let path = String(cString: template)
        defer { unlink(path) }
        let written = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == text.utf8.count else { return .failure(.cannotStart("\(path) could not be written")) }

        let editor = command(environment: environment)
        let status: Int32
        switch run(["/bin/sh", "-c", editor + " \"$1\"", "sh", path]) {
        case let .success(code): status = code
        case let .failure(failure): return .failure(failure)
        }
        guard status == 0 else {
            let said = status & 0x7F == 0 ? "exit status \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
            return .failure(.exited(command: editor, status: said))
        }
        guard var edited = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(.exited(command: editor, status: "a file that is not UTF-8 text"))
        }
        if edited.hasSuffix("\n") { edited.removeLast() }
        return .success(edited)
    }

    /// Runs `arguments` on the terminal and waits; the wait status.
    static func run(_ arguments: [String]) -> Result<Int32, Failure> {
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var byDefault = sigaction()
        byDefault.__sigaction_handler.sa_handler = SIG_DFL
        var oldInterrupt = sigaction()
        var oldQuit = sigaction()
        sigaction(SIGINT, &ignore, &oldInterrupt)
        sigaction(SIGQUIT, &ignore, &oldQuit)
        // Ctrl-Z in the editor stops parley with it, as a shell's job would be, and `fg` resumes both;
        // the line editor's own handlers (which would put the terminal in its mode under the editor)
        // are set aside meanwhile, and the terminal's mode is put back as it was afterwards.
        var oldStop = sigaction()
        var oldContinue = sigaction()
        sigaction(SIGTSTP, &byDefault, &oldStop)
        sigaction(SIGCONT, &byDefault, &oldContinue)
        var mode = termios()
        let hadMode = tcgetattr(0, &mode) == 0
        defer {
            if hadMode { tcsetattr(0, TCSADRAIN, &mode) }
            sigaction(SIGINT, &oldInterrupt, nil)
            sigaction(SIGQUIT, &oldQuit, nil)
            sigaction(SIGTSTP, &oldStop, nil)
            sigaction(SIGCONT, &oldContinue, nil)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGPIPE, SIGTSTP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], nil, &attributes, argv, environ)
        guard spawned == 0 else { return .failure(.cannotStart(String(cString: strerror(spawned)))) }
        var status: Int32 = 0
        // Stopped with the editor (Ctrl-Z): parley stops too (SIGTSTP by default), and the wait goes
        // on once both are resumed.
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return .success(status)
    }
}
