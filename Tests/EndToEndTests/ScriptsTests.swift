import Foundation
import TestSupport
import XCTest

/// The scripts' long work says that it is working.
final class ScriptsTests: ParleyTestCase {
    func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (
        status: Int32, stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    func testTheModelsBuildSaysHowLongItHasRun() throws {
        let script = ParleyProcess.packageRoot.appendingPathComponent("scripts/local-model").path
        // The "build" runs until the test has read two progress lines, then ends (checking for the
        // file the test makes every 0.1 s, two minutes at most): how many lines come is not left to
        // the machine's speed.
        let finish = home.appendingPathComponent("finish").path
        let build = #"i=0; while [ ! -e "$0" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done"#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["with-elapsed", "building llama-cpp-python", "/bin/sh", "-c", build, finish]
        process.environment = environment.merging(["PARLEY_PROGRESS_EVERY": "1"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var said = ""
        let progress = "local-model: building llama-cpp-python, 0 min "
        while said.components(separatedBy: progress).count < 3 {
            let data = errors.fileHandleForReading.availableData
            if data.isEmpty { break }
            said += String(decoding: data, as: UTF8.self)
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: finish, contents: Data()))
        said += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        // A line a second: at least two (the test waited for them), their times rising.
        let seconds = said.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix(progress) else { return nil }
            return Int(line.split(separator: " ")[5])
        }
        XCTAssertGreaterThanOrEqual(seconds.count, 2, said)
        XCTAssertEqual(seconds, seconds.sorted(), said)
        XCTAssertEqual(Set(seconds).count, seconds.count, "each line a later time: \(said)")
        let failed = try run(script, ["with-elapsed", "failing", "false"])
        XCTAssertEqual(failed.status, 1, "the command's own status")
    }

    func testBenchSaysEachRowAsItIsMeasured() throws {
        let bench = ParleyProcess.packageRoot.appendingPathComponent("scripts/bench").path
        let code =
            "import sys; sys.path.insert(0, sys.argv[1]); import bench; bench.measuring('start-up'); "
            + "rows = bench.Rows(); rows.append(('startup', 0.0104, 0.0124, '≤ 3×')); import shutil; shutil.rmtree(bench.WORK)"
        let result = try run("/usr/bin/env", ["python3", "-c", code, bench])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "bench: measuring start-up…\nbench: | startup | 10.4 ms | 12.4 ms | 0.84× | ≤ 3× |\n")
    }
}
