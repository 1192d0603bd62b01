import Foundation
import ParleyRender
import ParleyTerminal

/// The shell's two outputs: replies and requested output on stdout; errors, notices and waits on
/// stderr. Each writes to a text sink: a file descriptor when live, a string in tests.
@MainActor
final class Console {
    let out: ReplyWriter
    let err: ReplyWriter
    let outSink: any TextSink
    let errSink: any TextSink
    let style: Style
    let errStyle: Style
    let outIsTerminal: Bool
    let errIsTerminal: Bool
    private let outWidth: () -> Int

    /// `wraps`: lines are broken to fit the terminal (colours or not; a dumb one may not move its cursor).
    init(
        outSink: any TextSink, errSink: any TextSink, style: Style, errStyle: Style, outIsTerminal: Bool, errIsTerminal: Bool,
        wraps: Bool, outWidth: @escaping () -> Int, errWidth: @escaping () -> Int
    ) {
        self.outSink = outSink
        self.errSink = errSink
        self.style = style
        self.errStyle = errStyle
        self.outIsTerminal = outIsTerminal
        self.errIsTerminal = errIsTerminal
        self.outWidth = outWidth
        out = ReplyWriter(sink: outSink, style: style, width: outWidth, wraps: outIsTerminal && wraps)
        err = ReplyWriter(sink: errSink, style: errStyle, width: errWidth, wraps: errIsTerminal && wraps)
    }

    /// Stdout and stderr as they are: terminals or not, colours as the environment says.
    static func live(environment: [String: String], noColor: Bool) -> Console {
        let outIsTerminal = TerminalDevice.isTerminal(1)
        let errIsTerminal = TerminalDevice.isTerminal(2)
        return Console(
            outSink: FileSink(fd: 1), errSink: FileSink(fd: 2),
            style: Style(enabled: Style.enabled(environment: environment, noColorFlag: noColor, stdoutIsTerminal: outIsTerminal)),
            errStyle: Style(enabled: Style.enabled(environment: environment, noColorFlag: noColor, stdoutIsTerminal: errIsTerminal)),
            outIsTerminal: outIsTerminal, errIsTerminal: errIsTerminal, wraps: environment["TERM"] != "dumb",
            outWidth: { TerminalDevice.width(1) ?? 80 }, errWidth: { TerminalDevice.width(2) ?? 80 })
    }

    /// Plain text into two sinks, as a pipe gets it: for tests.
    static func plain(out: any TextSink, err: any TextSink) -> Console {
        Console(
            outSink: out, errSink: err, style: Style(enabled: false), errStyle: Style(enabled: false),
            outIsTerminal: false, errIsTerminal: false, wraps: false, outWidth: { 80 }, errWidth: { 80 })
    }

    /// The terminal's width in columns, read now (it may have been resized); nil when stdout is not a
    /// terminal, where lines are not fitted to any width.
    var columns: Int? {
        outIsTerminal ? outWidth() : nil
    }

    /// Output the user asked for (`/help`, `/settings`, ...).
    func print(_ text: String) {
        out.line(text)
    }

    func error(_ text: String) {
        outSink.flush()
        err.line("error: " + text, codes: Style.red)
    }

    /// Something the user should know that is not a failure: `warning: ` and the sentence.
    func warning(_ text: String) {
        outSink.flush()
        err.line("warning: " + text, codes: Style.yellow)
    }

    func notice(_ text: String) {
        outSink.flush()
        err.line(text, codes: Style.dim)
    }

    /// Bytes for the terminal itself (a picture, the clipboard's sequence), written at once.
    func raw(_ text: String) {
        outSink.write(text)
        outSink.flush()
    }
}
