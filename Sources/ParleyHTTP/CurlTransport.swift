import CCurl
import Foundation
import ParleyShared

/// libcurl behind `HTTPTransport`: each request runs on a thread of its own, on a multi handle that
/// another thread can wake, so a cancel takes effect at once rather than at curl's next callback.
public final class CurlTransport: HTTPTransport {
    public let userAgent: String
    let options: CurlOptions

    public init(userAgent: String, options: CurlOptions = .libcurl) {
        self.userAgent = userAgent
        self.options = options
    }

    /// Starts opening libcurl on a thread of its own (see CCurl), to be ready by the first request;
    /// returns at once.
    public static func preload() {
        parley_curl_preload()
    }

    /// Waits for `preload`'s load to end, if it was started (at once if not).
    public static func awaitPreload() {
        parley_curl_await_preload()
    }

    /// Opens libcurl and runs `curl_global_init`, once (waiting for `preload` when it is under way);
    /// nil when ready, else why libcurl cannot be used.
    public static func load() -> String? {
        parley_curl_load() == 1 ? nil : String(cString: parley_curl_load_error())
    }

    /// At most this many pieces of a body wait unread (each up to 256 KB, `CurlTransfer.handOverBytes`).
    static let queuedPieces = 8

    public func send(_ request: HTTPRequest) -> BoundedStream<HTTPEvent> {
        let stream = BoundedStream<HTTPEvent>(capacity: Self.queuedPieces)
        let transfer = CurlTransfer(request: request, userAgent: userAgent, options: options, continuation: stream)
        stream.onReaderGone = { transfer.cancel() }
        let thread = Thread { transfer.run() }
        thread.name = "parley-http"
        thread.start()
        return stream
    }
}

/// One transfer's state, shared between its thread and whoever cancels it.
final class CurlTransfer: @unchecked Sendable {
    private let request: HTTPRequest
    private let userAgent: String
    private let options: CurlOptions
    private let continuation: BoundedStream<HTTPEvent>

    /// Shared with whoever cancels: whether it was cancelled, and the multi handle to wake (nil
    /// before the transfer starts and once it is cleaned up).
    private let shared = Locked<(cancelled: Bool, multi: UnsafeMutableRawPointer?)>((false, nil))

    // Touched only on the transfer thread (inside curl's callbacks).
    private var status = 0
    private var headers: [HTTPHeader] = []
    private var headDelivered = false
    private var lastActivity = DispatchTime.now()
    /// How much of the request body curl has taken.
    private var bodyOffset = 0
    /// Body bytes not yet handed over: curl gives at most 16 KB a call, so they are gathered and
    /// handed over once per round of reading, or when this many have come.
    private var pendingBody: [UInt8] = []
    static let handOverBytes = 256 * 1024

    init(request: HTTPRequest, userAgent: String, options: CurlOptions, continuation: BoundedStream<HTTPEvent>) {
        self.request = request
        self.userAgent = userAgent
        self.options = options
        self.continuation = continuation
    }

    func cancel() {
        shared.withLock { state in
            state.cancelled = true
            if let multi = state.multi { parley_curl_multi_wakeup(multi) }
        }
    }

    private var isCancelled: Bool { shared.value.cancelled }

    func run() {
        if let header = request.headers.first(where: \.breaksTheLine) {
            let reason = "its \(header.name) header holds a line break, so nothing was sent"
            continuation.finish(throwing: HTTPError.transfer(url: request.url, reason: reason))
            return
        }
        if let reason = CurlTransport.load() {
            continuation.finish(throwing: HTTPError.transfer(url: request.url, reason: reason))
            return
        }
        guard let easy = parley_curl_easy_init(), let multiHandle = parley_curl_multi_init() else {
            continuation.finish(throwing: HTTPError.transfer(url: request.url, reason: "libcurl could not start"))
            return
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            shared.withLock { $0.multi = nil }
            parley_curl_multi_remove_handle(multiHandle, easy)
            parley_curl_easy_cleanup(easy)
            parley_curl_multi_cleanup(multiHandle)
            parley_curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }

        if let refusal = configure(easy, errorBuffer: errorBuffer, headerList: &headerList) {
            continuation.finish(throwing: HTTPError.transfer(url: request.url, reason: refusal))
            return
        }
        parley_curl_multi_add_handle(multiHandle, easy)
        shared.withLock { $0.multi = multiHandle }

        lastActivity = .now()
        var running: Int32 = 1
        while running > 0 {
            if isCancelled {
                continuation.finish(throwing: CancellationError())
                return
            }
            parley_curl_multi_perform(multiHandle, &running)
            guard handOver() else { return }  // the reader is gone
            if running == 0 { break }
            let silentFor = Double(DispatchTime.now().uptimeNanoseconds - lastActivity.uptimeNanoseconds) / 1e9
            if silentFor >= request.idleTimeout {
                continuation.finish(throwing: HTTPError.stalled(url: request.url, seconds: request.idleTimeout))
                return
            }
            let waitMs = Int32(max(1, min(250, (request.idleTimeout - silentFor) * 1000)))
            parley_curl_multi_poll(multiHandle, nil, 0, waitMs, nil)
        }
        if isCancelled {
            continuation.finish(throwing: CancellationError())
            return
        }

        var result = CURLE_OK
        var pending: Int32 = 0
        while let message = parley_curl_multi_info_read(multiHandle, &pending) {
            if message.pointee.msg == CURLMSG_DONE {
                result = message.pointee.data.result
            }
        }
        if result == CURLE_OK {
            deliverHeadIfNeeded()
            continuation.finish()
        } else {
            continuation.finish(throwing: error(for: result, detail: String(cString: errorBuffer)))
        }
    }

    /// Sets every option of the request; the first one libcurl refused, said, or nil.
    private func configure(
        _ easy: UnsafeMutableRawPointer, errorBuffer: UnsafeMutablePointer<CChar>,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) -> String? {
        var checks = OptionChecks()
        checks.check(options.string(easy, CURLOPT_URL, request.url), "CURLOPT_URL")
        checks.check(options.string(easy, CURLOPT_USERAGENT, userAgent), "CURLOPT_USERAGENT")
        checks.check(options.long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        checks.check(options.string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        checks.check(options.string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "CURLOPT_REDIR_PROTOCOLS_STR")
        checks.check(options.long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000)), "CURLOPT_CONNECTTIMEOUT_MS")
        checks.check(options.long(easy, CURLOPT_SSL_VERIFYPEER, 1), "CURLOPT_SSL_VERIFYPEER")
        checks.check(options.long(easy, CURLOPT_SSL_VERIFYHOST, 2), "CURLOPT_SSL_VERIFYHOST")
        checks.check(options.long(easy, CURLOPT_TCP_NODELAY, 1), "CURLOPT_TCP_NODELAY")
        // Through a proxy, its "200 Connection established" is not the server's response.
        checks.check(options.long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1), "CURLOPT_SUPPRESS_CONNECT_HEADERS")
        // Larger reads when much is waiting (a fast stream): fewer hand-overs between threads. A slow
        // stream's bytes still come as soon as they arrive.
        checks.check(options.long(easy, CURLOPT_BUFFERSIZE, 256 * 1024), "CURLOPT_BUFFERSIZE")
        checks.check(options.pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        if request.followsRedirects {
            checks.check(options.long(easy, CURLOPT_FOLLOWLOCATION, 1), "CURLOPT_FOLLOWLOCATION")
            checks.check(options.long(easy, CURLOPT_MAXREDIRS, 5), "CURLOPT_MAXREDIRS")
        }

        headerList = parley_curl_slist_append(headerList, "Expect:")
        for header in request.headers {
            headerList = parley_curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        checks.check(options.pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)), "CURLOPT_HTTPHEADER")

        let context = Unmanaged.passUnretained(self).toOpaque()
        switch request.method {
        case .get:
            checks.check(options.long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        case .post:
            // The body is read from the request as curl sends it: never copied whole (a 10 MB message
            // would otherwise be held twice).
            checks.check(options.long(easy, CURLOPT_POST, 1), "CURLOPT_POST")
            checks.check(options.long(easy, CURLOPT_POSTFIELDSIZE, request.body?.count ?? 0), "CURLOPT_POSTFIELDSIZE")
            checks.check(
                parley_curl_setopt_read(easy) { pointer, size, count, context in
                    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                    return transfer.send(into: UnsafeMutableRawBufferPointer(start: pointer, count: size * count))
                }, "CURLOPT_READFUNCTION")
            checks.check(options.pointer(easy, CURLOPT_READDATA, context), "CURLOPT_READDATA")
            // Should curl need to send the body again (a refused HTTP/2 stream, an authentication
            // round), it rewinds here.
            checks.check(
                parley_curl_setopt_seek(easy) { context, offset, origin in
                    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                    return transfer.seek(to: Int(offset), origin: origin)
                }, "CURLOPT_SEEKFUNCTION")
            checks.check(options.pointer(easy, CURLOPT_SEEKDATA, context), "CURLOPT_SEEKDATA")
        }

        checks.check(
            parley_curl_setopt_write(easy) { pointer, size, count, context in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                return transfer.received(body: UnsafeRawBufferPointer(start: pointer, count: size * count))
            }, "CURLOPT_WRITEFUNCTION")
        checks.check(options.pointer(easy, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        checks.check(
            parley_curl_setopt_header(easy) { pointer, size, count, context in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                return transfer.received(headerLine: UnsafeRawBufferPointer(start: pointer, count: size * count))
            }, "CURLOPT_HEADERFUNCTION")
        checks.check(options.pointer(easy, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        return checks.refusal
    }

    private func received(headerLine raw: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now()
        let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new status line: 100-continue, a redirect or a proxy CONNECT came before.
            headers = []
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if line.isEmpty {
            // A redirect curl is about to follow is not the response.
            let followed =
                request.followsRedirects && (300..<400).contains(status) && headers.contains { $0.name.lowercased() == "location" }
            if status >= 200, !followed { deliverHeadIfNeeded() }
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeader(name: name, value: value))
        }
        return raw.count
    }

    /// The next bytes of the request body, as many as fit `buffer`; 0 at its end.
    private func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let body = request.body, bodyOffset < body.count, let target = buffer.baseAddress else { return 0 }
        let count = min(buffer.count, body.count - bodyOffset)
        body.withUnsafeBytes { target.copyMemory(from: $0.baseAddress! + bodyOffset, byteCount: count) }
        bodyOffset += count
        lastActivity = .now()
        return count
    }

    /// Where curl is to read the body from next (it asks only from the start, SEEK_SET).
    fileprivate func seek(to offset: Int, origin: Int32) -> Int32 {
        guard origin == SEEK_SET, offset >= 0, offset <= (request.body?.count ?? 0) else { return CURL_SEEKFUNC_CANTSEEK }
        bodyOffset = offset
        return CURL_SEEKFUNC_OK
    }

    private func received(body raw: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now()
        if isCancelled { return 0 }
        deliverHeadIfNeeded()
        // Handed over before the gathered bytes would outgrow their buffer (no copy to a larger one).
        if pendingBody.count + raw.count > Self.handOverBytes, !handOver() { return 0 }
        pendingBody.append(contentsOf: raw.bindMemory(to: UInt8.self))
        return raw.count
    }

    /// Hands the gathered body bytes to the reader; false when the reader is gone. Waits while the
    /// reader is behind; a wait is not silence from the server.
    private func handOver() -> Bool {
        guard !pendingBody.isEmpty else { return true }
        let piece = pendingBody
        // A buffer the reader gave back keeps its memory: no fresh pages to fault in for each piece.
        if case var .body(reused)? = continuation.takeGivenBack() {
            reused.removeAll(keepingCapacity: true)
            pendingBody = reused
        } else {
            pendingBody = []
        }
        pendingBody.reserveCapacity(Self.handOverBytes)
        guard continuation.send(.body(piece)) else { return false }
        lastActivity = .now()
        return true
    }

    private func deliverHeadIfNeeded() {
        guard !headDelivered, status > 0 else { return }
        headDelivered = true
        _ = continuation.send(.head(HTTPResponseHead(status: status, headers: headers)))
    }

    private func error(for code: CURLcode, detail: String) -> HTTPError {
        let reason = detail.isEmpty ? String(cString: parley_curl_easy_strerror(code)) : detail
        let url = request.url
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(url: url, reason: reason)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .cannotResolveHost(url: url, host: URLComponents(string: url)?.host ?? url)
        case CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT:
            return .cannotConnect(url: url, reason: Self.plainReason(reason))
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            return .tls(url: url, reason: reason)
        default:
            return .transfer(url: url, reason: reason)
        }
    }

    /// "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server" -> the cause alone.
    static func plainReason(_ reason: String) -> String {
        if reason.contains("Connection refused") || reason.hasSuffix("Couldn't connect to server") {
            return "connection refused"
        }
        if reason.lowercased().contains("timed out") { return "connection timed out" }
        return reason
    }
}
