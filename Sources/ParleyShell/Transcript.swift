import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyWire

/// Conversations as files: Markdown (`/save`, `--transcript`) or JSON (`/save FILE.json`). Server text
/// is sanitized: no escape sequence reaches a file.
enum Transcript {
    static func markdown(title: String, settings: ChatSettings, messages: [Message]) -> String {
        var out = "# \(clean(title))\n\n"
        out += settingsLines(settings).map { "- \($0)\n" }.joined()
        out += "\n"
        out += messages.map { turn($0, model: settings.model) }.joined()
        return out
    }

    /// One message as a Markdown section: `## You` or `## MODEL`, then the text; a reply that did not
    /// complete says so.
    static func turn(_ message: Message, model: String?) -> String {
        let heading = message.role == .user ? "You" : (model ?? "Assistant")
        let status = message.status == .complete ? "" : "\n\n*[\(message.status.rawValue)]*"
        let attached = message.attachments.map { clean($0.sourceLine) + "\n" }.joined()
        return "## \(clean(heading))\n\n\(attached.isEmpty ? "" : attached + "\n")\(clean(message.text))\(status)\n\n"
    }

    /// A message as a piped transcript quotes it: each line after `> `, then its attachments' sources.
    static func quoted(_ text: String, attachments: [Attachment]) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += attachments.map { clean($0.sourceLine) }
        return lines.map { "> " + $0 }.joined(separator: "\n") + "\n\n"
    }

    /// A reply as a piped transcript gives it (plain Markdown, its status after it when it did not
    /// complete), and a blank line after: what `--transcript` appends and a pipe shows.
    static func pipedReply(_ reply: Message, status: String?) -> String {
        var block = clean(reply.text)
        if let status { block += (block.isEmpty || block.hasSuffix("\n") ? "" : " ") + status }
        if !block.hasSuffix("\n") { block += "\n" }
        return block + "\n"
    }

    static func settingsLines(_ settings: ChatSettings) -> [String] {
        ChatSetting.allCases.compactMap { setting in settings.text(of: setting).map { "\(setting.rawValue): \(clean($0))" } }
    }

    /// The JSON form: title, settings, and messages shaped as `/debug` shows them (role, content) plus
    /// what parley keeps (status, reasoning, usage).
    static func json(
        id: String?, title: String, settings: ChatSettings, messages: [Message], created: Date? = nil, updated: Date? = nil
    ) -> Data {
        var object: [String: Any] = ["title": clean(title)]
        object["id"] = id
        object["created"] = created?.timeIntervalSince1970
        object["updated"] = updated?.timeIntervalSince1970
        var settingsObject: [String: Any] = [:]
        for setting in ChatSetting.allCases { settingsObject[setting.rawValue] = settings.jsonValue(of: setting) }
        object["settings"] = settingsObject
        object["messages"] = messages.map { message -> [String: Any] in
            var entry: [String: Any] = ["role": message.role.rawValue, "content": clean(message.text), "status": message.status.rawValue]
            if !message.reasoning.isEmpty { entry["reasoning"] = clean(message.reasoning) }
            if !message.attachments.isEmpty { entry["attachments"] = message.attachments.map(attachmentObject) }
            if let timings = message.timings, let data = try? JSONEncoder().encode(timings),
                let value = try? JSONSerialization.jsonObject(with: data)
            {
                entry["timings"] = value
            }
            if let usage = message.usage {
                var figures: [String: Int] = [:]
                figures["prompt_tokens"] = usage.promptTokens
                figures["completion_tokens"] = usage.completionTokens
                figures["total_tokens"] = usage.totalTokens
                entry["usage"] = figures
            }
            return entry
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
    }

    /// An attachment in the JSON form: its source and kind, a text's text (as sent), an image's format,
    /// size and bytes (base64), so that `--import` brings it back whole.
    static func attachmentObject(_ attachment: Attachment) -> [String: Any] {
        switch attachment.kind {
        case let .image(format, width, height):
            return [
                "source": attachment.name, "kind": "image", "format": format.rawValue, "width": width, "height": height,
                "data": attachment.data.base64EncodedString(),
            ]
        case let .text(source, language):
            var object: [String: Any] = ["source": attachment.name, "kind": source.rawValue, "text": attachment.text ?? ""]
            object["language"] = language
            return object
        }
    }

    static func clean(_ text: String) -> String { TerminalSanitizer.clean(text) }
}

/// `--transcript FILE`: opened (created 0600) before anything is sent, so a file that cannot be
/// written stops the run at once; each turn is appended as it completes.
public final class TranscriptFile {
    let path: String
    private let fd: Int32

    init(path: String) throws(OptionError) {
        self.path = PathWords.expandTilde(path)
        let oldMask = umask(0o077)
        fd = open(self.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        umask(oldMask)
        guard fd >= 0 else { throw Self.failure(self.path) }  // a directory too: EISDIR
    }

    deinit { close(fd) }

    func append(_ text: String) throws(OptionError) {
        guard Array(text.utf8).withUnsafeBytes({ writeAll(fd, $0) }) else { throw Self.failure(path) }
    }

    private static func failure(_ path: String) -> OptionError {
        OptionError("Cannot write the transcript \(path): \(String(cString: strerror(errno))).")
    }
}

/// "just now", "5 min ago", "2 h ago", "3 d ago", then the date.
enum RelativeTime {
    static func describe(_ date: Date, now: Date = Date()) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(Int(seconds / 60)) min ago"
        case ..<86400: return "\(Int(seconds / 3600)) h ago"
        case ..<(86400 * 14): return "\(Int(seconds / 86400)) d ago"
        default:
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(from: date)
        }
    }
}

extension StringProtocol {
    /// The columns it takes in a terminal: two for a wide character (CJK, emoji), none for a
    /// combining mark.
    var terminalColumns: Int { reduce(0) { $0 + LineWrapper.columns(of: $1) } }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// At most `count` characters: when longer, cut, with "…" as the last.
    func cut(toCharacters count: Int) -> String {
        self.count > count ? prefix(count - 1) + "…" : self
    }

    /// At most `columns` columns of a terminal: when longer, cut, with "…" as the last.
    func cut(to columns: Int) -> String {
        guard terminalColumns > columns else { return self }
        var used = 0
        let kept = prefix { character in
            used += LineWrapper.columns(of: character)
            return used <= columns - 1
        }
        return kept + "…"
    }
}

/// `read(2)`, retried when a signal interrupts it.
func readFD(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    while true {
        let result = read(fd, buffer, count)
        if result < 0, errno == EINTR { continue }
        return result
    }
}
