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
              size.ws_xpixel >= size.ws_col, size.ws_ypixel >= size.ws_row else { return nil }
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
        for signal in [SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            installRestoringHandler(signal)
        }
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
