import Foundation
import ParleyAPI
import ParleyCommands
import ParleyPictures
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
            case let .failure(error): fail(error.description)
            }
        }
        let refused = session.attach(accepted)
        for attachment in refused {
            fail("\(attachment.name) was not attached: a message takes at most \(Attachment.maxPerMessage) images.")
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
        guard !session.pendingAttachments.isEmpty else { return fail("No image is waiting to be sent.") }
        guard session.detach(number) else {
            return fail("There is no image \(number ?? 0); \(session.pendingAttachments.count) are waiting.")
        }
        if session.pendingAttachments.isEmpty {
            console.notice("No image is attached now.")
        } else {
            showPendingAttachments(pictures: [])
        }
    }

    /// One line per pending image; and, where the terminal can show pictures, the new ones under theirs.
    func showPendingAttachments(pictures: [Attachment]) {
        // Asked before anything is printed, so the answers come back to a quiet terminal.
        let inlinePictures = if !pictures.isEmpty, case .interactive = mode { self.inlinePictures } else { InlinePictures?.none }
        console.print("For the next message:")
        let pending = session.pendingAttachments
        for (index, attachment) in pending.enumerated() {
            console.print("  [\(index + 1)] " + TerminalSanitizer.clean(attachment.summary))
            // The new ones are the last.
            guard let inlinePictures, index >= pending.count - pictures.count else { continue }
            if let sequence = InlinePicture.sequence(for: attachment.data, using: inlinePictures.pictureProtocol,
                                                     cell: inlinePictures.cell) {
                console.outSink.write(sequence + "\n")
                console.outSink.flush()
            }
        }
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

/// Pictures in the terminal, only where it says it can show them: the terminal is asked (kitty's
/// graphics query, device attributes for sixel, the cell size) once, the first time a picture is due;
/// iTerm2, which has its own protocol, is known by its environment. Never guessed: a terminal that
/// does not answer gets none.
struct InlinePictures {
    let pictureProtocol: PictureProtocol
    let cell: CellSize

    static func choose(environment: [String: String], graphics: TerminalGraphics) -> PictureProtocol? {
        let multiplexed = environment["TMUX"] != nil || environment["TERM"]?.hasPrefix("screen") == true
        if !multiplexed, environment["TERM_PROGRAM"] == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" {
            return .iterm2
        }
        guard graphics.answered else { return nil }
        if graphics.kitty { return .kitty }
        if graphics.sixel { return .sixel }
        return nil
    }

    /// Asks the terminal on stdin and stdout; nil when it cannot show pictures (or is not a terminal).
    /// Keys typed while it answered are given to `typed`.
    static func ask(environment: [String: String], typed: ([UInt8]) -> Void) -> InlinePictures? {
        guard TerminalDevice.isTerminal(0), TerminalDevice.isTerminal(1), environment["TERM"] != "dumb" else { return nil }
        let (graphics, keys) = GraphicsProbe.ask()
        typed(keys)
        guard let chosen = choose(environment: environment, graphics: graphics) else { return nil }
        let cell = if let width = graphics.cellWidth, let height = graphics.cellHeight {
            CellSize(width: width, height: height)
        } else if let pixels = TerminalDevice.cellPixels() {
            CellSize(width: pixels.width, height: pixels.height)
        } else {
            CellSize.assumed
        }
        return InlinePictures(pictureProtocol: chosen, cell: cell)
    }
}
