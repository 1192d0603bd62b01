#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Facts about the terminal, and its modes.
public enum TerminalDevice {
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Columns of the terminal on `fd`, or nil when it is not one.
    public static func width(_ fd: Int32 = 1) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// A character cell in pixels, from the window size in pixels when the terminal reports it.
    public static func cellPixels(_ fd: Int32 = 1) -> (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0,
            size.ws_xpixel >= size.ws_col, size.ws_ypixel >= size.ws_row
        else { return nil }
        return (Int(size.ws_xpixel / size.ws_col), Int(size.ws_ypixel / size.ws_row))
    }

    /// The mode stdin had before parley changed it, restored on every way out.
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var hasSaved = false

    /// Remembers stdin's mode, and restores it at exit and on fatal signals (then re-raises them).
    public static func saveModeAndRestoreOnExit() {
        guard isTerminal(0), !hasSaved else { return }
        guard tcgetattr(0, &saved) == 0 else { return }
        hasSaved = true
        atexit { TerminalDevice.restoreMode() }
        for signal in fatalSignals + [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            installRestoringHandler(signal)
        }
    }

    /// The signals another process sends to end parley.
    private static let fatalSignals = [SIGTERM, SIGHUP, SIGQUIT, SIGINT]

    /// Takes the signals that end parley back from libedit, whose handlers (set while it reads a
    /// line) pass each one on to the whole process group: parley run by a script without job
    /// control would take the script with it. libedit keeps the job-control ones (Ctrl-Z, resize).
    public static func takeBackFatalSignals() {
        guard hasSaved else { return }
        for signal in fatalSignals { installRestoringHandler(signal) }
    }

    private static func installRestoringHandler(_ number: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { received in
                TerminalDevice.restoreMode()
                Glibc.signal(received, SIG_DFL)
                raise(received)
            }
        #endif
        action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
        sigaction(number, &action, nil)
    }

    /// Whether SIGCONT has come since `stopJob` stopped the job.
    nonisolated(unsafe) private static var continued = false

    /// Stops parley's job (its process group) as Ctrl-Z does, and returns once it is continued (`fg`).
    /// The stop comes when some thread of parley takes the signal, not necessarily this one, so this
    /// one waits for SIGCONT; without job control (an orphaned process group) the kernel drops the
    /// stop, and after 200 ms it goes on. The default stop stands meanwhile, so no other handler
    /// (libedit's) runs on another thread.
    public static func stopJob() {
        var byDefault = sigaction()
        var noting = sigaction()
        var stop = sigaction()
        var resume = sigaction()
        #if canImport(Glibc)
            byDefault.__sigaction_handler.sa_handler = SIG_DFL
            noting.__sigaction_handler.sa_handler = { _ in TerminalDevice.continued = true }
        #endif
        sigaction(SIGTSTP, &byDefault, &stop)
        sigaction(SIGCONT, &noting, &resume)
        continued = false
        kill(0, SIGTSTP)
        var waited = 0
        while !continued, waited < 200 {
            usleep(1000)
            waited += 1
        }
        sigaction(SIGTSTP, &stop, nil)
        sigaction(SIGCONT, &resume, nil)
    }

    /// Puts the saved mode back (async-signal-safe: one tcsetattr and a write).
    public static func restoreMode() {
        guard hasSaved else { return }
        tcsetattr(0, TCSANOW, &saved)
        if pasteBracketed { bracketPastes(false) }
    }

    /// Whether the terminal has been asked to bracket pastes (and so must be told to stop on the way out).
    nonisolated(unsafe) private static var pasteBracketed = false

    /// Asks the terminal to mark pasted text (`ESC [ 200 ~` before, `ESC [ 201 ~` after), or to stop.
    public static func bracketPastes(_ on: Bool) {
        pasteBracketed = on
        let sequence: StaticString = on ? "\u{1B}[?2004h" : "\u{1B}[?2004l"
        _ = write(1, sequence.utf8Start, sequence.utf8CodeUnitCount)
    }

    /// Keys arrive one at a time, unechoed, and Ctrl-C arrives as a byte; output still turns `\n`
    /// into a new line (OPOST stays on).
    public static func enterKeyMode() {
        guard hasSaved else { return }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(0, TCSANOW, &raw)
    }
}
