import Foundation
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyWire

/// `/attach PATH...`: images for the next message, checked by content.
struct AttachCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "attach", arguments: "PATH...", help: "add images (JPEG, PNG, GIF, WebP) to the next message",
        completes: .paths)
    var paths: [String]

    init(argument: String) throws(CommandRefusal) {
        paths = PathWords.split(argument)
        if paths.isEmpty { throw CommandRefusal("Attach which files?") }
    }

    func run(in shell: Shell) async -> Shell.Outcome {
        await shell.attach(paths)
        return .done
    }
}

/// `/detach [N|all]`.
struct DetachCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "detach", arguments: "[N|all]", help: "remove pending image N, or all of them", completes: .fixed(["all"]))
    /// Nil: all of them.
    var number: Int?

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty, argument != "all" else { return }
        number = try CommandParser.number(argument, of: "an image")
    }

    func run(in shell: Shell) async -> Shell.Outcome {
        guard !shell.session.pendingAttachments.isEmpty else {
            shell.fail("No image is waiting to be sent.")
            return .done
        }
        guard shell.session.detach(number) else {
            shell.fail("There is no image \(number ?? 0); \(shell.session.pendingAttachments.count) are waiting.")
            return .done
        }
        if shell.session.pendingAttachments.isEmpty {
            shell.console.notice("No image is attached now.")
        } else {
            shell.showPendingAttachments(pictures: [])
        }
        return .done
    }
}

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
        if let model = session.settings.model,
            let info = (try? await services.models.models(refresh: false))?.first(where: { $0.id == model }),
            info.acceptsImages == false
        {
            console.warning("the server says \(model) does not take images; the message may be refused.")
        }
        showPendingAttachments(pictures: Array(added))
    }

    /// One line per pending image; and, where the terminal can show pictures, the new ones under theirs.
    func showPendingAttachments(pictures: [Attachment]) {
        // Asked before anything is printed, so the answers come back to a quiet terminal.
        let shown = isInteractive ? pictures.map { services.pictures.sequence(for: $0) } : []
        console.print("For the next message:")
        let pending = session.pendingAttachments
        for (index, attachment) in pending.enumerated() {
            console.print("  [\(index + 1)] " + TerminalSanitizer.clean(attachment.summary))
            // The new ones are the last.
            let new = index - (pending.count - pictures.count)
            if shown.indices.contains(new), let sequence = shown[new] { console.raw(sequence + "\n") }
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
        guard !paths.isEmpty,
            paths.allSatisfy({ path in
                guard FileManager.default.fileExists(atPath: path), let handle = FileHandle(forReadingAtPath: path) else { return false }
                defer { try? handle.close() }
                return ImageFormat.sniff(handle.readData(ofLength: ImageFormat.signatureLength)) != nil
            })
        else { return nil }
        return paths
    }
}
