import Foundation
import ParleyHTTP
import ParleySession

/// Where attachments' text comes from beyond a file's own bytes: PDFs through poppler's `pdftotext`,
/// web pages over HTTP, and commands run with the user's shell.
protocol ContextSources: Sendable {
    /// The text of the PDF at `path`, or why there is none.
    func pdfText(path: String, name: String) async -> Result<String, AttachmentError>
    /// The body of `url` (redirects followed) and its content type, at most `limit` bytes; an error
    /// status, a failed transfer or a larger body is a refusal.
    func fetch(_ url: String, limit: Int) async -> Result<FetchedBody, AttachmentError>
    /// Starts `command` with the user's shell, its standard output read (at most `limit` bytes), its
    /// standard error left on the terminal's, its standard input empty.
    func start(_ command: String, limit: Int) -> any RunningCommand
}

struct FetchedBody: Sendable {
    var bytes: [UInt8]
    /// `text/html; charset=utf-8`, as the server said it.
    var contentType: String?
}

/// A command whose output is being read.
protocol RunningCommand: Sendable {
    /// Stops it (Esc, Ctrl-C): its process group is sent SIGTERM.
    func stop()
    func finish() async -> Result<CommandOutput, AttachmentError>
}

struct CommandOutput: Sendable, Equatable {
    var text: String
    /// "exit status 0", "exit status 2", "stopped by signal 15"
    var status: String
    var succeeded: Bool
}

/// The live sources: `pdftotext` from PATH, libcurl under the chat requests' rules, `$SHELL -c`.
struct LiveContextSources: ContextSources {
    var transport: any HTTPTransport
    var connectTimeout: Double
    var idleTimeout: Double
    var path: String?
    var shell: String

    func pdfText(path file: String, name: String) async -> Result<String, AttachmentError> {
        guard let pdftotext = LocalPrograms.find("pdftotext", path: path)?.path else {
            return .failure(
                AttachmentError("Reading a PDF's text needs pdftotext, from the package poppler-utils (apt install poppler-utils)."))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pdftotext)
        // An absolute path: a name that starts with "-" is not read as an option.
        process.arguments = ["-enc", "UTF-8", "-layout", URL(fileURLWithPath: file).path, "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(AttachmentError("pdftotext could not start: \(error.localizedDescription).")) }
        let bytes = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0: break
        case 3: return .failure(AttachmentError("\(name) does not permit copying its text (pdftotext: permission error)."))
        default:
            return .failure(
                AttachmentError(
                    "\(name) could not be read as a PDF (pdftotext: exit status \(process.terminationStatus)); is it damaged or encrypted?")
            )
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(AttachmentError("pdftotext gave text of \(name) that is not UTF-8."))
        }
        guard text.contains(where: { !$0.isWhitespace && $0 != "\u{0C}" }) else {
            return .failure(AttachmentError("\(name) has no text to extract (a scanned PDF holds pictures of text); nothing was attached."))
        }
        return .success(text)
    }

    func fetch(_ url: String, limit: Int) async -> Result<FetchedBody, AttachmentError> {
        var request = HTTPRequest(
            method: .get, url: url,
            headers: [
                HTTPHeader(name: "Accept", value: "text/html, text/plain, application/json, application/pdf, image/*;q=0.9, */*;q=0.5")
            ],
            connectTimeout: connectTimeout, idleTimeout: idleTimeout)
        request.followsRedirects = true
        let shown = URLPassword.redacted(url)
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        do {
            for try await event in transport.send(request) {
                switch event {
                case let .head(received):
                    head = received
                case let .body(bytes):
                    body.append(contentsOf: bytes)
                    if body.count > limit {
                        return .failure(
                            AttachmentError(
                                "\(shown) is larger than \(Attachment.size(limit)); nothing was attached (--attach-limit raises it)."))
                    }
                }
                if let head, head.status >= 300 { break }  // the status is all that is needed
            }
        } catch let error as HTTPError {
            return .failure(AttachmentError(error.description))
        } catch is CancellationError {
            return .failure(AttachmentError("The fetch of \(shown) was stopped; nothing was attached."))
        } catch {
            return .failure(AttachmentError("\(shown) could not be fetched: \(error)."))
        }
        if Task.isCancelled { return .failure(AttachmentError("The fetch of \(shown) was stopped; nothing was attached.")) }
        guard let head else { return .failure(AttachmentError("\(shown) sent no response.")) }
        guard head.status < 300 else {
            let reason = Self.reasons[head.status].map { " " + $0 } ?? ""
            return .failure(AttachmentError("\(shown) answered HTTP \(head.status)\(reason); nothing was attached."))
        }
        return .success(FetchedBody(bytes: body, contentType: head.value(for: "Content-Type")))
    }

    func start(_ command: String, limit: Int) -> any RunningCommand {
        ShellCommand(command: command, shell: shell, limit: limit)
    }

    static let reasons = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
        408: "Request Timeout", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}
