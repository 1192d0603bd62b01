import Foundation
import ParleyContext
import ParleyHTTP
import ParleyRender
import ParleySession

/// Attachments from beyond the disk: web pages and commands' output.
extension Shell {
    /// `http(s)://…`: fetched under the chat requests' TLS rules and timeouts; an HTML page becomes
    /// readable text, a PDF its text, an image an image, text and JSON stay as they are.
    func loadPage(_ url: String) async -> Result<Attachment, AttachmentError> {
        let body: FetchedBody
        let context = services.context
        let limit = pdfLimit
        let fetch = Task { await context.fetch(url, limit: limit) }
        // Esc or Ctrl-C stops a fetch (its transfer is cancelled with the task).
        switch await whileWatchingKeys(fetch, onCancel: { fetch.cancel() }) {
        case let .success(fetched): body = fetched
        case let .failure(error): return .failure(error)
        }
        // A password in the URL is never shown, stored or sent to the model.
        let shown = URLPassword.redacted(url)
        let type = (body.contentType ?? "").lowercased()
        let found = ContentSniffer.classify(body.bytes)
        let name = (URL(string: url)?.lastPathComponent).flatMap { $0.isEmpty || $0 == "/" ? nil : $0 } ?? shown
        switch found {
        case .image:
            return Result { () throws(AttachmentError) in try ImageInspector.inspect(Data(body.bytes), name: name) }
        case .pdf:
            return await pdfText(of: body.bytes, url: shown)
        default:
            break
        }
        if type.contains("html") || (type.isEmpty && Self.looksLikeHTML(body.bytes)) {
            guard HTMLText.isAvailable else {
                return .failure(AttachmentError("Reading a web page needs libxml2 (apt install libxml2)."))
            }
            guard let page = HTMLText.readable(body.bytes, charset: Self.charset(of: type)), !page.text.isEmpty else {
                return .failure(AttachmentError("\(shown) holds no readable text; nothing was attached."))
            }
            return textAttachment(page.text, name: shown, source: .page, language: nil)
        }
        switch found {
        case let .text(text):
            guard !text.allSatisfy(\.isWhitespace) else {
                return .failure(AttachmentError("\(shown) holds no text; nothing was attached."))
            }
            return textAttachment(text, name: shown, source: .page, language: type.contains("json") ? "json" : nil)
        case let .binary(what):
            return .failure(AttachmentError("\(shown) is not text: it seems to be \(what)."))
        case let .otherEncoding(encoding, _):
            return .failure(AttachmentError("\(shown) is not UTF-8 text; it seems to be \(encoding)."))
        case let .otherImage(format):
            return .failure(AttachmentError("\(shown) is not a JPEG, PNG, GIF or WebP image (it is \(format))."))
        case .image, .pdf:
            return .failure(AttachmentError("\(shown) could not be read."))
        }
    }

    /// A fetched PDF's text, through a private temporary file.
    func pdfText(of bytes: [UInt8], url: String) async -> Result<Attachment, AttachmentError> {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID().uuidString).pdf").path
        // Created 0600 by the call that makes it: never readable by others, not even for a moment.
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        defer { unlink(file) }
        let written = fd < 0 ? false : bytes.withUnsafeBytes { writeAll(fd, $0) }
        if fd >= 0 { close(fd) }
        guard written else {
            return .failure(AttachmentError("The PDF from \(url) could not be written to \(FileManager.default.temporaryDirectory.path)."))
        }
        return await services.context.pdfText(path: file, name: url).flatMap { textAttachment($0, name: url, source: .pdf) }
    }

    /// `charset=…` of a content type, if it names one.
    static func charset(of contentType: String) -> String? {
        guard let range = contentType.range(of: "charset=") else { return nil }
        let value = contentType[range.upperBound...].prefix { $0 != ";" && !$0.isWhitespace }
        return value.isEmpty ? nil : value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }

    static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        let start = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased().drop { $0.isWhitespace }
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html")
    }

    /// `!CMD`: run with the user's shell until it ends or Esc/Ctrl-C stops it; its standard output is
    /// attached and its exit status said.
    func loadOutput(_ command: String) async -> Result<Attachment, AttachmentError> {
        let running = services.context.start(command, limit: configuration.attachLimit)
        let result = await whileWatchingKeys(Task { await running.finish() }, onCancel: { running.stop() })
        let output: CommandOutput
        switch result {
        case let .success(value): output = value
        case let .failure(error): return .failure(error)
        }
        guard !output.text.allSatisfy(\.isWhitespace) else {
            return .failure(AttachmentError("`\(command)` wrote nothing to its standard output (\(output.status)); nothing was attached."))
        }
        if output.succeeded {
            console.notice("`\(command)` ended with \(output.status).")
        } else {
            console.warning("`\(command)` ended with \(output.status); its output is attached all the same (/detach removes it).")
        }
        return textAttachment(output.text, name: "!" + command, source: .output)
    }
}
