import CPostgres
import Foundation
import ParleyShared

/// One libpq connection, its calls in turn (under a lock): statements with parameters, their rows
/// as text. A bytea value is sent binary and read back from its hex form.
final class PostgresConnection: Sendable {
    enum Value {
        case text(String)
        case bytes(Data)
        case null
    }

    struct Failure: Error {
        var message: String
        /// The SQLSTATE ("42P01"), or "" when the connection itself failed.
        var state: String
    }

    /// libpq's connection: touched only under its lock.
    private let pq: Locked<UnsafeMutableRawPointer>
    /// Settings said after connecting, and again after a reconnection (`SET ...`), before any other
    /// statement.
    let sessionSettings: [String]
    /// "database parley on /tmp/x:5432 as alice".
    let location: String

    /// Connects; a failure says why, with the host and database (never a password).
    init(_ conninfo: String, sessionSettings: [String] = []) throws(Failure) {
        if let reason = parley_pq_load() { throw Failure(message: String(cString: reason), state: "") }
        guard let handle = parley_pq_connect(conninfo) else { throw Failure(message: "libpq could not start a connection", state: "") }
        let text: (UnsafePointer<CChar>?) -> String = { $0.map { String(cString: $0) } ?? "" }
        location =
            "database \(text(parley_pq_db(handle))) on \(text(parley_pq_host(handle))):\(text(parley_pq_port(handle))) as \(text(parley_pq_user(handle)))"
        guard parley_pq_connected(handle) != 0 else {
            let reason = text(parley_pq_error(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            parley_pq_finish(handle)
            throw Failure(message: Self.firstLine(reason), state: "")
        }
        do {
            for setting in sessionSettings { _ = try Self.run(setting, [], on: handle) }
        } catch {
            parley_pq_finish(handle)
            throw error
        }
        pq = Locked(handle)
        self.sessionSettings = sessionSettings
    }

    deinit { parley_pq_finish(pq.value) }

    /// Runs one statement; its rows, each value as text (nil for NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [Value] = []) throws(Failure) -> [[String?]] {
        try pq.withLock { (handle: inout UnsafeMutableRawPointer) throws(Failure) in try Self.run(sql, parameters, on: handle) }
    }

    private static func run(_ sql: String, _ parameters: [Value], on handle: UnsafeMutableRawPointer) throws(Failure) -> [[String?]] {
        var buffers: [Data] = []
        var formats: [Int32] = []
        var isNull: [Bool] = []
        for parameter in parameters {
            switch parameter {
            case let .text(text):
                buffers.append(Data(text.utf8) + Data([0]))
                formats.append(0)
                isNull.append(false)
            case let .bytes(data):
                buffers.append(data)
                formats.append(1)
                isNull.append(false)
            case .null:
                buffers.append(Data())
                formats.append(0)
                isNull.append(true)
            }
        }
        let lengths = buffers.map { Int32($0.count) }
        let result: UnsafeMutableRawPointer? = withPointers(buffers, isNull) { values in
            parley_pq_exec(handle, sql, Int32(parameters.count), values, lengths, formats)
        }
        defer { parley_pq_clear(result) }
        guard parley_pq_ok(result) != 0 else {
            let message = String(cString: parley_pq_result_error(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(message: firstLine(message), state: String(cString: parley_pq_sqlstate(result)))
        }
        let rows = Int(parley_pq_rows(result))
        let columns = Int(parley_pq_fields(result))
        return (0..<rows).map { row in
            (0..<columns).map { column in
                parley_pq_is_null(result, Int32(row), Int32(column)) != 0
                    ? nil : String(cString: parley_pq_value(result, Int32(row), Int32(column)))
            }
        }
    }

    /// Runs statements without parameters (a migration).
    func script(_ sql: String) throws(Failure) {
        try pq.withLock { (handle: inout UnsafeMutableRawPointer) throws(Failure) in
            let result = parley_pq_exec_script(handle, sql)
            defer { parley_pq_clear(result) }
            guard parley_pq_ok(result) != 0 else {
                let message = String(cString: parley_pq_result_error(result)).trimmingCharacters(in: .whitespacesAndNewlines)
                throw Failure(message: Self.firstLine(message), state: String(cString: parley_pq_sqlstate(result)))
            }
        }
    }

    /// `BEGIN` … `COMMIT`, rolled back when `body` throws. A connection the server dropped (it went
    /// away, or was restarted) is made again first: the write that met the drop failed, the next one
    /// goes through once the server is back.
    func transaction<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        try pq.withLock { [sessionSettings] (handle: inout UnsafeMutableRawPointer) throws(Failure) in
            guard parley_pq_connected(handle) == 0 else { return }
            guard parley_pq_reset(handle) != 0 else {
                throw Failure(message: Self.firstLine(String(cString: parley_pq_error(handle))), state: "")
            }
            for setting in sessionSettings { _ = try Self.run(setting, [], on: handle) }
        }
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// A bytea value's hex text form (`\x…`) as bytes.
    static func bytes(fromHex text: String) -> Data {
        var data = Data(capacity: max(0, text.utf8.count / 2 - 1))
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            let nibble: UInt8
            switch byte {
            case 0x30...0x39: nibble = byte - 0x30
            case 0x61...0x66: nibble = byte - 0x61 + 10
            case 0x41...0x46: nibble = byte - 0x41 + 10
            default: continue
            }
            if let value = high {
                data.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return data
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "").replacingOccurrences(of: "ERROR:  ", with: "").replacingOccurrences(
            of: "FATAL:  ", with: "")
    }

    private static func withPointers<R>(_ buffers: [Data], _ isNull: [Bool], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = []
        func next(_ index: Int) -> R {
            guard index < buffers.count else { return body(pointers) }
            if isNull[index] {
                pointers.append(nil)
                return next(index + 1)
            }
            return buffers[index].withUnsafeBytes { raw in
                pointers.append(raw.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(bitPattern: 1))
                return next(index + 1)
            }
        }
        return next(0)
    }
}
