/// Splits script input into entries: one line each, or the lines between a `"""` line and the next.
/// Lines arrive as bytes: one that is not valid UTF-8 is reported, never guessed at.
struct ScriptReader {
    enum Entry: Equatable {
        case text(String)
        /// A line (1-based) that cannot be used, and why.
        case invalid(line: Int, reason: String)
    }

    let read: () -> [UInt8]?
    private(set) var lineNumber = 0
    /// The count of lines read into a block the input ended inside.
    private(set) var unclosedBlock: Int?

    init(read: @escaping () -> [UInt8]?) {
        self.read = read
    }

    private mutating func nextLine() -> Result<String, Entry>? {
        guard var bytes = read() else { return nil }
        lineNumber += 1
        if bytes.last == 0x0D { bytes.removeLast() }  // CRLF input
        guard let line = String(validating: bytes, as: UTF8.self) else {
            return .failure(.invalid(line: lineNumber, reason: "is not valid UTF-8"))
        }
        return .success(line)
    }

    mutating func next() -> Entry? {
        guard let first = nextLine() else { return nil }
        guard case let .success(line) = first else { return first.failureEntry }
        guard line.trimmingCharacters(in: .whitespaces) == "\"\"\"" else { return .text(line) }
        let start = lineNumber
        var lines: [String] = []
        var broken: Entry?
        while let inner = nextLine() {
            switch inner {
            case let .success(text):
                if text.trimmingCharacters(in: .whitespaces) == "\"\"\"" {
                    return broken.map { _ in .invalid(line: start, reason: "opens a \"\"\" block with a line that is not valid UTF-8") }
                        ?? .text(lines.joined(separator: "\n"))
                }
                lines.append(text)
            case .failure:
                broken = inner.failureEntry
            }
        }
        unclosedBlock = lines.count
        return nil
    }
}

extension Result where Failure == ScriptReader.Entry {
    var failureEntry: ScriptReader.Entry? {
        if case let .failure(entry) = self { return entry }
        return nil
    }
}

extension ScriptReader.Entry: Error {}

/// Lines of bytes from a file descriptor, without their newline.
final class ByteLineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(fd: Int32) {
        self.fd = fd
    }

    func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                if start > 65536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            if ended {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { readFD(fd, $0.baseAddress!, 65536) }
            if count <= 0 { ended = true } else { buffer += chunk[0..<count] }
        }
    }
}
