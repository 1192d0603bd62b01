import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A scripted HTTP server on loopback, for what a real server cannot be made to do on demand:
/// errors, warm-ups, cut streams, stalls, odd framing, hostile bytes. Each request is answered by the
/// steps the script returns for it. It stops with `stop()` (or when released), and every pause and
/// hold is bounded, so no connection outlives a test for long.
///
/// A test that must act while a reply is under way holds the reply at a `Gate` (`.hold`), and opens
/// it when done: what the test sees then never depends on how fast the machine is. `.pause` is only
/// for a scenario's own pacing, never to give a test time to act.
public final class StubServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]  // names lower-cased
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
        /// The chat request's `messages`, when the body has them.
        public var messages: [[String: Any]]? { json?["messages"] as? [[String: Any]] }
    }

    public enum Step: Sendable {
        case send([UInt8])
        case pause(Double)
        /// Sends nothing until the gate opens (or the client leaves, or the server stops; `patience` × 2
        /// at most).
        case hold(Gate)
        case close

        /// A silent server: holds the connection, sending nothing, until the server stops (or the
        /// client leaves). Not a wait for anything: it is what the test is about.
        public static var stall: Step { .hold(Gate()) }
    }

    /// Where a reply waits for the test: closed until `open()`.
    public final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var opened = false

        public init() {}

        public func open() { lock.withLock { opened = true } }
        public var isOpen: Bool { lock.withLock { opened } }
    }

    /// The steps that answer a request; the number counts requests to the same path, from 1.
    public typealias Script = @Sendable (Request, Int) -> [Step]

    private let listener: Int32
    public let port: Int
    private let script: Script
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false
    private var gone = 0

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// How many clients closed their connection while it was held (at a gate, or in a pause): each
    /// one a client that stopped reading before the reply was over.
    public var clientsGone: Int {
        lock.lock()
        defer { lock.unlock() }
        return gone
    }

    /// The requests to `/chat/completions`, in order.
    public var chats: [Request] { requests.filter { $0.path.hasSuffix("/chat/completions") } }

    public init(script: @escaping Script) throws {
        self.script = script
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw StubError.cannotListen }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { stop() }

    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            var on: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard let request = readRequest(connection) else { return }
        lock.lock()
        received.append(request)
        let number = received.filter { $0.path == request.path }.count
        lock.unlock()
        for step in script(request, number) {
            switch step {
            case let .send(bytes):
                var offset = 0
                while offset < bytes.count {
                    let written = bytes.withUnsafeBytes {
                        send(connection, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                    }
                    if written <= 0 { return }
                    offset += written
                }
            case let .pause(seconds):
                let end = Date().addingTimeInterval(min(seconds, 30))
                if !wait(on: connection, until: { Date() >= end }) { return }
            case let .hold(gate):
                let end = Date().addingTimeInterval(patience * 2)
                if !wait(on: connection, until: { gate.isOpen || Date() >= end }) { return }
            case .close:
                return
            }
        }
    }

    /// Waits, checking every 10 ms, until `done` or the server stops: true; false (and counted) when
    /// the client closes the connection meanwhile.
    private func wait(on connection: Int32, until done: () -> Bool) -> Bool {
        while !done(), !isStopped {
            var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 10) > 0 {
                var byte: UInt8 = 0
                if recv(connection, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0 {
                    lock.withLock { gone += 1 }
                    return false
                }
                usleep(10_000)  // bytes after the request (none are expected): not a close
            }
        }
        return true
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            data.append(contentsOf: buffer[0..<count])
            if let first = data.first, !(65...90).contains(first) {
                // Not HTTP (a TLS handshake, say): answer in plain text, as a misconfigured server would.
                _ = send(connection, "HTTP/1.1 400 Bad Request\r\n\r\n", 28, Int32(MSG_NOSIGNAL))
                return nil
            }
            headerEnd = Self.find([13, 10, 13, 10], in: data)
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(headerEnd! + 4)...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < length {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { break }
            body.append(contentsOf: buffer[0..<count])
        }
        return Request(
            method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
            headers: headers, body: body)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    public enum StubError: Error { case cannotListen }
}

// MARK: - Building answers

extension StubServer.Step {
    /// The head of a stream that runs until the connection closes.
    public static func streamHead(status: Int = 200, contentType: String = "text/event-stream") -> StubServer.Step {
        .send(
            Array(
                "HTTP/1.1 \(status) \(StubServer.reason(status))\r\nContent-Type: \(contentType)\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
                    .utf8))
    }

    public static func text(_ string: String) -> StubServer.Step { .send(Array(string.utf8)) }

    /// `data: {chunk with content}` + blank line.
    public static func delta(_ content: String, field: String = "content") -> StubServer.Step {
        .text(StubServer.chunk(content, field: field))
    }

    public static let done = StubServer.Step.text("data: [DONE]\n\n")
}

extension Array where Element == StubServer.Step {
    /// A whole response with a body and Content-Length.
    public static func response(status: Int, headers: [String: String] = [:], body: String) -> [StubServer.Step] {
        var head = "HTTP/1.1 \(status) \(StubServer.reason(status))\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        return [.send([UInt8]((head + "\r\n" + body).utf8)), .close]
    }

    /// A complete streamed reply of `pieces`, then `[DONE]`.
    public static func reply(_ pieces: [String]) -> [StubServer.Step] {
        [.streamHead()] + pieces.map { .delta($0) } + [.done, .close]
    }

    /// A reply held mid-way: `count` words (`word` and its number, then a space), each gate of `holds`
    /// holding the stream before the word of its number until the test opens it, then `[DONE]`. The
    /// test acts mid-reply while the reply is held (a gate never opened holds it until the server
    /// stops).
    public static func heldReply(_ count: Int, word: String = "w", holds: [Int: StubServer.Gate]) -> [StubServer.Step] {
        [.streamHead()] + (0..<count).flatMap { i in (holds[i].map { [.hold($0)] } ?? []) + [.delta("\(word)\(i) ")] } + [.done, .close]
    }

    public static func error(status: Int, code: String, message: String, headers: [String: String] = [:]) -> [StubServer.Step] {
        response(
            status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
            body: #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#)
    }
}

extension StubServer {
    public static func chunk(_ content: String, field: String = "content") -> String {
        let object: [String: Any] = [
            "object": "chat.completion.chunk",
            "choices": [["index": 0, "delta": [field: content], "finish_reason": NSNull()]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
