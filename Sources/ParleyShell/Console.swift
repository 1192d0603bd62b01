import Foundation
import ParleyRender
import ParleyTerminal

/// The shell's two outputs: replies and requested output on stdout; errors, notices and waits on stderr.
@MainActor
final class Console {
    let out: ReplyWriter
    let err: ReplyWriter
    let outSink: FileSink
    let errSink: FileSink
    let style: Style
    let errStyle: Style
    let outIsTerminal: Bool
    let errIsTerminal: Bool

    init(environment: [String: String], noColor: Bool) {
        outIsTerminal = TerminalDevice.isTerminal(1)
        errIsTerminal = TerminalDevice.isTerminal(2)
        style = Style(enabled: Style.enabled(environment: environment, noColorFlag: noColor, stdoutIsTerminal: outIsTerminal))
        errStyle = Style(enabled: Style.enabled(environment: environment, noColorFlag: noColor, stdoutIsTerminal: errIsTerminal))
        outSink = FileSink(fd: 1)
        errSink = FileSink(fd: 2)
        let width = Self.stdoutWidth
        // Lines are broken to fit a terminal, colours or not; a dumb one may not move its cursor.
        let movesCursor = environment["TERM"] != "dumb"
        out = ReplyWriter(sink: outSink, style: style, width: width, wraps: outIsTerminal && movesCursor)
        err = ReplyWriter(sink: errSink, style: errStyle, width: { TerminalDevice.width(2) ?? 80 },
                          wraps: errIsTerminal && movesCursor)
    }

    /// The terminal's width in columns, read now (it may have been resized); nil when stdout is not a
    /// terminal, where lines are not fitted to any width.
    var columns: Int? {
        outIsTerminal ? Self.stdoutWidth() : nil
    }

    private static func stdoutWidth() -> Int { TerminalDevice.width(1) ?? 80 }

    /// Output the user asked for (`/help`, `/settings`, ...).
    func print(_ text: String) {
        out.line(text)
    }

    func error(_ text: String) {
        outSink.flush()
        err.line("error: " + text, codes: Style.red)
    }

    func notice(_ text: String) {
        outSink.flush()
        err.line(text, codes: Style.dim)
    }
}
