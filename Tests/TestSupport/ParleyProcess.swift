import Foundation
import ParleyHTTP
import ParleyShared
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs the built `parley` binary as a user would, with a clean environment of its own.
public enum ParleyProcess {
    /// The package's root directory (this file is Tests/TestSupport/ParleyProcess.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `PARLEY_BIN`, else the debug build.
    public static var binary: String {
        ProcessInfo.processInfo.environment["PARLEY_BIN"] ?? packageRoot.appendingPathComponent(".build/debug/parley").path
    }

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// A fresh, private data directory.
    public static func temporaryHome() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The environment tests start from: PATH and HOME, no keys or endpoints of the machine's own.
    public static func cleanEnvironment(home: URL) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        return [
            "PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": home.path, "PARLEY_HOME": home.path,
            "LANG": "C.UTF-8", "TERM": "xterm-256color",
        ]
    }

    /// Runs parley with `arguments`, feeding `input` to stdin (closed when nil), and waits at most `timeout` s.
    public static func run(
        _ arguments: [String], input: String? = nil, environment: [String: String],
        timeout: TimeInterval = 120
    ) throws -> Result {
        try run(command: [binary] + arguments, arguments: arguments, input: input, environment: environment, timeout: timeout)
    }

    /// Runs `command` (a program and its arguments; parley's own `arguments`, for a timeout's message),
    /// from `directory` when given, feeding `input` to stdin, waiting at most `timeout` s.
    static func run(
        command: [String], arguments: [String], input: String?, environment: [String: String]?, directory: URL? = nil,
        timeout: TimeInterval
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let outData = Collector(stdout.fileHandleForReading)
        let errData = Collector(stderr.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TimedOut(arguments: arguments, stdout: outData.text, stderr: errData.text)
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: outData.wait(), stderr: errData.wait())
    }

    /// The pids of running parley processes whose command line contains `text`.
    public static func pids(matching text: String) throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let command = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            return command.hasPrefix(binary) && command.contains(text) ? pid : nil
        }
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var arguments: [String]
        public var stdout: String
        public var stderr: String
        public var description: String { "parley \(arguments) did not finish; stdout: \(stdout) stderr: \(stderr)" }
    }

    /// Reads a pipe to its end on a thread of its own, so a full pipe never blocks the child.
    final class Collector: @unchecked Sendable {
        private var data = Data()
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    data.append(chunk)
                    lock.unlock()
                }
                done.signal()
            }.start()
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }

        func wait() -> String {
            done.wait()
            return text
        }
    }
}

/// The bundled local model the end-to-end tests talk to.
public enum LocalModel {
    public static let name = "SmolLM2-135M-Instruct"

    public static var baseURL: String {
        ProcessInfo.processInfo.environment["PARLEY_TEST_MODEL_URL"] ?? "http://127.0.0.1:8077/v1"
    }

    /// Whether it answers `GET /models`. A model that is not running refuses at once; one that is
    /// running may be busy with another test's reply (it is shared), so its answer is given time.
    public static func isRunning() -> Bool {
        guard let url = URL(string: baseURL + "/models") else { return false }
        let semaphore = DispatchSemaphore(value: 0)
        let answered = Locked(false)
        var request = URLRequest(url: url)
        request.timeoutInterval = patience
        URLSession.shared.dataTask(with: request) { _, response, _ in
            answered.value = (response as? HTTPURLResponse)?.statusCode == 200
            semaphore.signal()
        }.resume()
        _ = semaphore.wait(timeout: .now() + patience + 5)
        return answered.value
    }

    /// Skips the test when the model is not running, unless `PARLEY_REQUIRE_MODEL=1` (as `make test`
    /// sets), where a missing model is a failure.
    public static func require() throws {
        if isRunning() { return }
        if ProcessInfo.processInfo.environment["PARLEY_REQUIRE_MODEL"] == "1" {
            throw MissingModel(baseURL: baseURL)
        }
        throw XCTSkip("The local model is not running at \(baseURL) (scripts/local-model start).")
    }

    public struct MissingModel: Error, CustomStringConvertible {
        var baseURL: String
        public var description: String { "The local model is not answering at \(baseURL); run scripts/local-model start." }
    }
}
