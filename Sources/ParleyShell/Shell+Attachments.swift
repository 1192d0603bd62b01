import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyTerminal

/// `/attach`, `/detach`, and files dropped on the terminal.
extension Shell {
    /// Checks each file by content and adds those that pass to the next message; says why for the rest.
    func attach(_ paths: [String]) async {
        var accepted: [Attachment] = []
        for path in paths {
            switch Self.load(path) {
            case let .success(attachment): accepted.append(attachment)
            case let .failure(error): failCommand(error.description)
            }
        }
        let refused = session.attach(accepted)
        for attachment in refused {
            failCommand("\(attachment.name) was not attached: a message takes at most \(Attachment.maxPerMessage) images.")
        }
        let added = accepted.dropLast(refused.count)
        guard !added.isEmpty else { return }
        if let model = session.settings.model, let info = (try? await modelList())?.first(where: { $0.id == model }),
           info.acceptsImages == false {
            console.notice("Warning: the server says \(model) does not take images; the message may be refused.")
        }
        showPendingAttachments(pictures: Array(added))
    }

    func detach(_ number: Int?) {
        guard !session.pendingAttachments.isEmpty else { return failCommand("No image is waiting to be sent.") }
        guard session.detach(number) else {
            return failCommand("There is no image \(number ?? 0); \(session.pendingAttachments.count) are waiting.")
        }
        if session.pendingAttachments.isEmpty {
            console.notice("No image is attached now.")
        } else {
            showPendingAttachments(pictures: [])
        }
    }

    /// One line per pending image; and, where the terminal can show pictures, the new ones.
    func showPendingAttachments(pictures: [Attachment]) {
        let lines = session.pendingAttachments.enumerated().map { index, attachment in
            "  [\(index + 1)] " + TerminalSanitizer.clean(attachment.summary)
        }
        console.print("For the next message:\n" + lines.joined(separator: "\n"))
        guard console.outIsTerminal, let protocolName = InlineImages.protocolName(environment: environment) else { return }
        for attachment in pictures {
            if let sequence = InlineImages.sequence(for: attachment, protocolName: protocolName) {
                console.outSink.write(sequence + "\n")
            }
        }
        console.outSink.flush()
    }

    static func load(_ path: String) -> Result<Attachment, AttachmentError> {
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(AttachmentError("\(path) does not exist."))
        }
        if isDirectory.boolValue { return .failure(AttachmentError("\(path) is a directory, not an image.")) }
        guard FileManager.default.isReadableFile(atPath: path) else { return .failure(AttachmentError("\(path) cannot be read.")) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > Attachment.maxBytes {
            return .failure(AttachmentError("\(name) is \(Attachment.size(size.intValue)); images may be at most 10 MB."))
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(AttachmentError("\(path) cannot be read.")) }
        return Result { () throws(AttachmentError) in try ImageInspector.inspect(data, name: name) }
    }

    /// A line that is nothing but the paths of existing image files, as a terminal types a dropped
    /// file: those paths.
    static func droppedImagePaths(_ line: String) -> [String]? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.hasPrefix("/") || trimmed.hasPrefix("~") || trimmed.hasPrefix("'") || trimmed.hasPrefix("\"") else {
            return nil
        }
        let paths = PathWords.split(trimmed)
        guard !paths.isEmpty, paths.allSatisfy({ path in
            guard FileManager.default.fileExists(atPath: path), let handle = FileHandle(forReadingAtPath: path) else { return false }
            defer { try? handle.close() }
            let head = handle.readData(ofLength: 16)
            return Self.looksLikeImage(head)
        }) else { return nil }
        return paths
    }

    static func looksLikeImage(_ head: Data) -> Bool {
        let bytes = [UInt8](head)
        return bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) || bytes.starts(with: [0xFF, 0xD8, 0xFF])
            || bytes.starts(with: Array("GIF8".utf8)) || (bytes.count >= 12 && bytes[8..<12].elementsEqual("WEBP".utf8))
    }
}

/// Pictures in the terminal, only where it says it can show them: kitty's graphics protocol (PNG),
/// iTerm2's inline images. Never inside tmux or screen, never guessed.
enum InlineImages {
    static func protocolName(environment: [String: String]) -> String? {
        if environment["TMUX"] != nil || environment["TERM"]?.hasPrefix("screen") == true { return nil }
        if environment["KITTY_WINDOW_ID"] != nil || environment["TERM"] == "xterm-kitty" { return "kitty" }
        if environment["TERM_PROGRAM"] == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return "iterm2" }
        return nil
    }

    /// The escape sequence that shows `attachment` three lines high, or nil when the protocol cannot.
    static func sequence(for attachment: Attachment, protocolName: String) -> String? {
        let base64 = attachment.data.base64EncodedString()
        switch protocolName {
        case "kitty":
            guard attachment.format == .png else { return nil }
            var chunks: [String] = []
            var rest = Substring(base64)
            while !rest.isEmpty {
                let chunk = rest.prefix(4096)
                rest = rest.dropFirst(4096)
                let more = rest.isEmpty ? 0 : 1
                let control = chunks.isEmpty ? "a=T,f=100,r=3,m=\(more)" : "m=\(more)"
                chunks.append("\u{1B}_G\(control);\(chunk)\u{1B}\\")
            }
            return chunks.joined()
        case "iterm2":
            return "\u{1B}]1337;File=inline=1;height=3;size=\(attachment.data.count):\(base64)\u{07}"
        default:
            return nil
        }
    }
}
