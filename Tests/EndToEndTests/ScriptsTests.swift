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
        let result = try run(
            script, ["with-elapsed", "building llama-cpp-python", "sleep", "2.5"], environment: ["PARLEY_PROGRESS_EVERY": "1"])
        XCTAssertEqual(result.status, 0)
        // A line a second (on a busy machine one may come late): at least two, their times rising.
        let seconds = result.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("local-model: building llama-cpp-python, 0 min ") else { return nil }
            return Int(line.split(separator: " ")[5])
        }
        XCTAssertGreaterThanOrEqual(seconds.count, 2, result.stderr)
        XCTAssertEqual(seconds, seconds.sorted(), result.stderr)
        XCTAssertEqual(Set(seconds).count, seconds.count, "each line a later time: \(result.stderr)")
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
