import Foundation

/// Writes a streamed reply: the text sanitized, then rendered (Markdown to ANSI) when styles are on, or
/// as plain Markdown source when they are off; in a terminal (either way), its lines broken at spaces
/// to fit the terminal's width, asked at each piece (`LineWrapper`). Reasoning shows on one dimmed line
/// that follows it as it streams and then collapses to a summary (terminal), or is left out (plain).
public final class ReplyWriter {
    public let style: Style
    private let sink: TextSink
    private let width: () -> Int
    private var sanitizer = TerminalSanitizer()
    private var markdown: MarkdownRenderer
    private let wraps: Bool
    private var wrapper: LineWrapper?
    private var thinkingShown = false
    private var thinkingTail = ""
    private var thinkingStarted: Date?
    private var atLineStart = true

    /// `wraps`: break the reply's lines to fit `width` (for a terminal that moves its cursor).
    public init(sink: TextSink, style: Style, width: @escaping () -> Int = { 80 }, wraps: Bool = false) {
        self.sink = sink
        self.style = style
        self.width = width
        self.markdown = MarkdownRenderer(style: style)
        self.wraps = wraps
    }

    public func begin() {
        sanitizer = TerminalSanitizer()
        let columns = wraps ? width() : nil
        markdown = MarkdownRenderer(style: style, tableWidth: columns)
        wrapper = columns.map { LineWrapper(width: $0, readsFences: !style.enabled) }
        thinkingShown = false
        thinkingTail = ""
        thinkingStarted = nil
        atLineStart = true
    }

    /// `text` broken to fit the terminal as it is now (it may have been resized since the last
    /// piece); as it is when not wrapping.
    private func fitted(_ text: String) -> String {
        guard wrapper != nil else { return text.contains(LineWrapper.codeLine) ? text.filter { $0 != LineWrapper.codeLine } : text }
        wrapper!.resize(to: width())
        return wrapper!.wrap(text)
    }

    public func content(_ text: String) {
        if thinkingShown { collapseThinking() }
        let clean = sanitizer.sanitize(text)
        var out = style.enabled ? markdown.render(clean) : clean
        out = fitted(out)
        if let last = out.last { atLineStart = last == "\n" }
        sink.write(out)  // the caller flushes once per piece of the stream
    }

    /// Reasoning: in a terminal, one line showing its latest words; nothing when plain.
    public func reasoning(_ text: String) {
        guard style.enabled else { return }
        if thinkingStarted == nil { thinkingStarted = Date() }
        thinkingTail += TerminalSanitizer.clean(text).replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\t", with: " ")
        let room = max(10, width() - 14)
        if thinkingTail.count > room { thinkingTail = String(thinkingTail.suffix(room)) }
        sink.write("\r\u{1B}[K" + style.apply(Style.dim, Style.italic, to: "Thinking… " + thinkingTail))
        sink.flush()
        thinkingShown = true
    }

    /// The reply ended; `status` is a note such as "[cancelled]" to end the text with.
    public func end(status: String?) {
        if thinkingShown { collapseThinking() }
        var out = style.enabled ? markdown.finish() : ""
        if let last = out.last { atLineStart = last == "\n" }
        if let status {
            out += (atLineStart ? "" : " ") + style.apply(Style.yellow, to: status)
            atLineStart = false
        }
        out = fitted(out)  // the status too: it moves to the next row whole
        if !atLineStart { out += "\n" }
        atLineStart = true
        sink.write(out)
        sink.flush()
    }

    private func collapseThinking() {
        thinkingShown = false
        let time = thinkingStarted.map { String(format: " for %.1f s", Date().timeIntervalSince($0)) } ?? ""
        sink.write("\r\u{1B}[K" + style.apply(Style.dim, to: "Thought\(time) — /think to show") + "\n")
    }

    /// A line of the shell's own (a notice, an error), never from the server unsanitized; in a
    /// terminal, broken at spaces like a reply.
    public func line(_ text: String, codes: String...) {
        let clean = TerminalSanitizer.clean(text)
        let styled = style.enabled && !codes.isEmpty ? codes.joined() + clean + Style.reset : clean
        var wrapper = wraps ? LineWrapper(width: width()) : nil
        sink.write((wrapper?.wrap(styled) ?? styled) + "\n")
        sink.flush()
    }
}
