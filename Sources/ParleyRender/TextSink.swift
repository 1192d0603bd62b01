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
        if !buffer.withUnsafeBytes({ writeAll(fd, $0) }) { broken = true }
    }
}

/// Writes all of `bytes` to `fd`, again when a signal interrupts a write; false when a write fails
/// (`errno` says why).
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        #if canImport(Glibc)
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        #else
            let written = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        #endif
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += written
    }
    return true
}

/// Collects what is written, for tests.
public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
    public func flush() {}
}
