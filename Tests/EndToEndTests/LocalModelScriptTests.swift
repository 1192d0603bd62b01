import Foundation
import TestSupport
import XCTest

/// `scripts/local-model`: status, and a second `start` that reuses the running server.
final class LocalModelScriptTests: XCTestCase {
    func script(_ command: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = ParleyProcess.packageRoot.appendingPathComponent("scripts/local-model")
        process.arguments = [command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testStatusAndASecondStartReuseTheRunningServer() throws {
        try LocalModel.require()
        guard LocalModel.baseURL.hasPrefix("http://127.0.0.1:\(ProcessInfo.processInfo.environment["PARLEY_MODEL_PORT"] ?? "8077")/") else {
            throw XCTSkip("the model under test is not the script's")
        }
        let status = try script("status")
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.output.contains("running on http://127.0.0.1"), status.output)
        XCTAssertTrue(status.output.contains(LocalModel.name))
        let again = try script("start")
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.output.contains("already running"), again.output)
        XCTAssertTrue(LocalModel.isRunning())
    }

    func testUsage() throws {
        let result = try script("sideways")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.output.contains("start|stop|status"))
    }
}
