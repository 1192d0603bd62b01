import ParleyHTTP
import ParleyRender
import ParleyShared
import ParleyTerminal

/// The prompt: `SmolLM2 #3 › `.
extension Shell {
    /// The model in bold cyan, the next message number dimmed. Escape sequences are wrapped in the
    /// editor's marker byte so the cursor column is counted right.
    func promptText() -> String {
        let model = session.settings.model.map(Self.shortModelName) ?? "no model"
        guard console.style.enabled else { return "\(model) #\(session.nextMessageNumber)\(attachmentsBadge) › " }
        return Self.promptCodes(Style.bold + Style.cyan) + model + Self.promptCodes(Style.reset + Style.dim)
            + " #\(session.nextMessageNumber)" + Self.promptCodes(Style.reset) + attachmentsBadge + " › "
    }

    /// Escape sequences in a prompt, wrapped in the editor's marker byte: not counted as columns.
    static func promptCodes(_ codes: String) -> String {
        let marker = String(UnicodeScalar(UInt8(LineEditor.promptEscape)))
        return marker + codes + marker
    }

    /// " +2 images" while images wait for the next message, " +3 attached" when texts are among them.
    var attachmentsBadge: String {
        let pending = session.pendingAttachments
        guard !pending.isEmpty else { return "" }
        guard pending.allSatisfy(\.isImage) else { return " +\(pending.count) attached" }
        return " +\(pending.count) image\(pending.count == 1 ? "" : "s")"
    }

    func continuationPrompt() -> String {
        console.style.enabled ? Self.promptCodes(Style.dim) + "… " + Self.promptCodes(Style.reset) : "… "
    }

    /// `SmolLM2-135M-Instruct` → `SmolLM2`; `org/model` → `model`; short names stay whole.
    static func shortModelName(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard base.count > 16, let dash = base.firstIndex(of: "-"), base.distance(from: base.startIndex, to: dash) >= 3 else {
            return base
        }
        return String(base[..<dash])
    }
}

/// The events of the last reply, as they arrived (for `/debug`); written from the transfer's task.
/// The client hands over the first `ChatClient.rawEventLimit` of them.
final class EventLog: Sendable {
    private let events = Locked<[String]>([])

    func reset() { events.value = [] }

    func record(_ event: String) {
        events.withLock { $0.append(event) }
    }

    var all: [String] { events.value }
}
