import Foundation
import ParleyRender
import ParleyTerminal

/// What the shell writes: replies and requested output on stdout; errors, notices and waits on
/// stderr. `Console` is the live one; tests use a double that records what was said, and how.
@MainActor
protocol Output: AnyObject {
    /// The reply as it streams: Markdown rendered, wrapped to the terminal.
    var reply: ReplyWriter { get }
    /// The terminal's width in columns, read now; nil when stdout is not a terminal.
    var columns: Int? { get }
    var style: Style { get }
    /// Whether stderr is a terminal, where a wait counts down on one status line.
    var showsStatusLine: Bool { get }
    /// Output the user asked for (`/help`, `/settings`, ...), styled with `codes`.
    func print(_ text: String, codes: String)
    /// What failed: `error: ` and the sentence.
    func error(_ text: String)
    func warning(_ text: String)
    func notice(_ text: String)
    /// Bytes for the terminal itself (a picture, the clipboard's sequence), written at once.
    func raw(_ text: String)
    /// What stdout holds goes out now.
    func flush()
    /// The status line on stderr shows `text` (nil clears it).
    func status(_ text: String?)
}

extension Output {
    func print(_ text: String) { print(text, codes: "") }
}

/// The shell's two outputs, stdout and stderr, each written through a text sink.
@MainActor
final class Console: Output {
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

    /// The terminal's width in columns, read now (it may have been resized); nil when stdout is not a
    /// terminal, where lines are not fitted to any width.
    var columns: Int? {
        outIsTerminal ? outWidth() : nil
    }

    var reply: ReplyWriter { out }
    var showsStatusLine: Bool { errIsTerminal }

    func print(_ text: String, codes: String) {
        if codes.isEmpty { out.line(text) } else { out.line(text, codes: codes) }
    }

    func error(_ text: String) {
        outSink.flush()
        err.line("error: " + text, codes: Style.red)
    }

    func warning(_ text: String) {
        outSink.flush()
        err.line("warning: " + text, codes: Style.yellow)
    }

    func notice(_ text: String) {
        outSink.flush()
        err.line(text, codes: Style.dim)
    }

    func raw(_ text: String) {
        outSink.write(text)
        outSink.flush()
    }

    func flush() {
        outSink.flush()
    }

    func status(_ text: String?) {
        errSink.write("\r\u{1B}[K" + (text.map { errStyle.apply(Style.yellow, to: $0) } ?? ""))
        errSink.flush()
    }
}
