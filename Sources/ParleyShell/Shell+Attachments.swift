import Foundation
import ParleyCommands
import ParleyContext
import ParleyRender
import ParleySession
import ParleyWire

/// Attachments: files, pages and commands' output read, told by their content, and made pending for
/// the next message; shown one line each.
extension Shell {
    /// The most a PDF file may hold.
    var pdfLimit: Int { max(AttachLimits.pdfFile, configuration.attachLimit) }

    /// Reads each source and adds what passes to the next message; says why for the rest. True when
    /// every one was attached.
    @discardableResult
    func attach(_ sources: [AttachSource]) async -> Bool {
        var accepted: [Attachment] = []
        var allAttached = true
        for source in sources {
            for result in await load(source) {
                switch result {
                case let .success(attachment): accepted.append(attachment)
                case let .failure(error):
                    fail(error.description)
                    allAttached = false
                }
            }
        }
        let refused = session.attach(accepted)
        for attachment in refused {
            fail("\(attachment.name) was not attached: a message takes at most \(Attachment.maxPerMessage) images.")
        }
        let added = accepted.filter { new in !refused.contains(new) }
        guard !added.isEmpty else { return false }
        if added.contains(where: \.isImage), let model = session.settings.model,
            let info = (try? await services.models.models(refresh: false))?.first(where: { $0.id == model }),
            info.acceptsImages == false
        {
            console.warning("the server says \(model) does not take images; the message may be refused.")
        }
        showPendingAttachments(pictures: added.filter(\.isImage))
        return allAttached && refused.isEmpty
    }

    /// One line per pending attachment, and the total estimate when it is large; where the terminal
    /// can show pictures, the new images under theirs.
    func showPendingAttachments(pictures: [Attachment]) {
        // Asked before anything is printed, so the answers come back to a quiet terminal.
        let shown = isInteractive ? pictures.map { ($0, services.pictures.sequence(for: $0)) } : []
        // At a prompt, on the screen; piped, on stderr, so that stdout stays the transcript.
        let say = isInteractive ? console.print : console.notice
        say("For the next message:")
        let pending = session.pendingAttachments
        for (index, attachment) in pending.enumerated() {
            say("  [\(index + 1)] " + TerminalSanitizer.clean(attachment.summary))
            if let sequence = shown.first(where: { $0.0 == attachment })?.1 { console.raw(sequence + "\n") }
        }
        let tokens = pending.reduce(0) { $0 + $1.tokens }
        if tokens > TokenEstimate.largeTotal {
            say("  In all \(TokenEstimate.describe(tokens)) of text: check that the model's context holds it.")
        }
    }

    func load(_ source: AttachSource) async -> [Result<Attachment, AttachmentError>] {
        switch source {
        case let .path(path):
            guard let paths = Self.expand(path) else { return [.failure(AttachmentError("No file matches \(path)."))] }
            var results: [Result<Attachment, AttachmentError>] = []
            for path in paths { results.append(await loadFile(path)) }
            return results
        case let .url(url):
            return [await loadPage(url)]
        case let .command(command):
            return [await loadOutput(command)]
        }
    }

    /// A path with `*`, `?` or `[` expanded as a shell does (sorted); nil when nothing matches. Other
    /// paths, and files whose names hold those characters, are themselves, with `~` expanded.
    static func expand(_ path: String) -> [String]? {
        let expanded = PathWords.expandTilde(path)
        guard expanded.contains(where: { "*?[".contains($0) }), !FileManager.default.fileExists(atPath: expanded) else { return [expanded] }
        var found = glob_t()
        defer { globfree(&found) }
        guard glob(expanded, 0, nil, &found) == 0 else { return nil }
        let matches = (0..<Int(found.gl_pathc)).compactMap { found.gl_pathv[$0].map { String(cString: $0) } }
        return matches.isEmpty ? nil : matches
    }

    func loadFile(_ path: String) async -> Result<Attachment, AttachmentError> {
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // A directory on the way that may not be entered hides the file: it is there, unreadable.
            var status = stat()
            let hidden = stat(path, &status) != 0 && errno == EACCES
            return .failure(AttachmentError(hidden ? "\(path) cannot be read." : "\(path) does not exist."))
        }
        if isDirectory.boolValue { return .failure(AttachmentError("\(path) is a directory; attach its files with \(path)/*.")) }
        guard FileManager.default.isReadableFile(atPath: path) else { return .failure(AttachmentError("\(path) cannot be read.")) }
        // Its first bytes say what it is, and so its limit, before the whole is read: a large binary
        // or an oversized file is refused without being read.
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        let head = FileHandle(forReadingAtPath: path).map { handle in
            defer { try? handle.close() }
            return [UInt8](handle.readData(ofLength: 4096))
        }
        guard let head else { return .failure(AttachmentError("\(path) cannot be read.")) }
        if head.isEmpty { return .failure(AttachmentError("\(name) is empty; nothing was attached.")) }
        let kind = ContentSniffer.classify(head)
        switch kind {
        case .image:
            if size > Attachment.maxBytes {
                return .failure(AttachmentError("\(name) is \(Attachment.size(size)); images may be at most 10 MB."))
            }
        case .pdf:
            if size > pdfLimit { return .failure(tooLarge(name, size, limit: pdfLimit, what: "a PDF")) }
        case .binary, .otherImage:
            return refusal(kind, name: name, path: path)
        case .text, .otherEncoding:
            if size > configuration.attachLimit { return .failure(tooLarge(name, size, limit: configuration.attachLimit, what: "text")) }
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(AttachmentError("\(path) cannot be read.")) }
        let found = ContentSniffer.classify([UInt8](data))
        switch found {
        case .image:
            return Result { () throws(AttachmentError) in try ImageInspector.inspect(data, name: name) }
        case .pdf:
            return await services.context.pdfText(path: path, name: name).flatMap { text in textAttachment(text, name: path, source: .pdf) }
        case let .text(text):
            return textAttachment(text, name: path, source: .file, language: CodeLanguage.tag(forPath: path))
        case .binary, .otherImage, .otherEncoding:
            return refusal(found, name: name, path: path)
        }
    }

    /// Why a file that is not text, a PDF or a sendable image is not attached.
    func refusal(_ found: ContentSniffer.Found, name: String, path: String) -> Result<Attachment, AttachmentError> {
        switch found {
        case let .otherImage(format):
            return .failure(AttachmentError("\(name) is not a JPEG, PNG, GIF or WebP image (it is \(format))."))
        case let .binary(what):
            return .failure(AttachmentError("\(name) is not text: it seems to be \(what). Text, code, PDFs and images can be attached."))
        case let .otherEncoding(encoding, iconv):
            let base = (path as NSString).deletingPathExtension
            let ext = (path as NSString).pathExtension
            let converted = base + ".utf8" + (ext.isEmpty ? "" : "." + ext)
            return .failure(
                AttachmentError(
                    "\(name) is not UTF-8; it seems to be \(encoding). Convert it first: iconv -f \(iconv) -t UTF-8 \(Self.shellQuoted(path)) > \(Self.shellQuoted(converted))"
                )
            )
        case .image, .pdf, .text:
            return .failure(AttachmentError("\(name) could not be read."))
        }
    }

    /// A text attachment, refused when it is over the text limit.
    func textAttachment(_ text: String, name: String, source: TextSource, language: String? = nil) -> Result<Attachment, AttachmentError> {
        let size = text.utf8.count
        guard size <= configuration.attachLimit else {
            return .failure(
                tooLarge(
                    name, size, limit: configuration.attachLimit,
                    what: source == .file ? "text" : source.label == "web page" ? "a web page's text" : source.label))
        }
        return .success(Attachment(name: name, text: text, source: source, language: language))
    }

    func tooLarge(_ name: String, _ size: Int, limit: Int, what: String) -> AttachmentError {
        AttachmentError("\(name) is \(Attachment.size(size)); \(what) may be at most \(Attachment.size(limit)) (--attach-limit raises it).")
    }

    /// `name` as a shell reads it whole: as it is when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ name: String) -> String {
        let safe = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-+/@%=:,".contains($0)) }
        return safe && !name.hasPrefix("-") ? name : "'" + name.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
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
