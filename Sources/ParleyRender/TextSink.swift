#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where rendered text goes. Writes are buffered until `flush`.
public protocol TextSink: AnyObject {
    func write(_ text: String)
    func flush()
}

/// A file descriptor, written in large buffered writes.
public final class FileSink: TextSink {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Set once a write failed (a closed pipe): later output is dropped.
    public private(set) var broken = false

    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(64 * 1024)
    }

    deinit { flush() }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 64 * 1024 { flush() }
    }

    public func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !broken else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                broken = true
                return
            }
            offset += written
        }
    }
}

/// Collects what is written, for tests.
public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
    public func flush() {}
}
