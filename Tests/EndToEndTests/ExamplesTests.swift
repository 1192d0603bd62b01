import Foundation
import TestSupport
import XCTest

/// The files in examples/ work as they say, against the real local model.
final class ExamplesTests: ParleyTestCase {
    let examples = ParleyProcess.packageRoot.appendingPathComponent("examples")

    func testTheGuidedTourGivesTheCommittedTranscript() throws {
        try LocalModel.require()
        let tour = try String(contentsOf: examples.appendingPathComponent("tour.parley"), encoding: .utf8)
        let committed = try String(contentsOf: examples.appendingPathComponent("tour-transcript.md"), encoding: .utf8)
        let result = try ParleyProcess.run(["--base-url", LocalModel.baseURL], input: tour, environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("\u{1B}"))
        // The user's turns, the commands' output and the model's answers, in order, as committed.
        let quoted = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("> ") || $0.hasPrefix("#") } }
        XCTAssertEqual(quoted(result.stdout), quoted(committed))
        XCTAssertTrue(result.stdout.contains("The capital of France is Paris.\n"))
        // Whole, but for how the endpoint was given, how long ago the chat was touched and its id.
        let normal = { (text: String) in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("endpoint ") }
                .joined(separator: "\n").replacingOccurrences(of: "just now", with: "-")
                .replacingOccurrences(of: #"(?m) · [0-9a-f]{8}$"#, with: " · ID", options: .regularExpression)
        }
        XCTAssertEqual(normal(result.stdout), normal(committed))
    }

    func testTheConfigFilesTwoProfiles() throws {
        environment["PARLEY_CONFIG"] = examples.appendingPathComponent("config.toml").path
        let local = try ParleyProcess.run(["--show-endpoint"], environment: environment)
        XCTAssertEqual(
            local.stdout,
            "http://127.0.0.1:8077/v1 (profile local)\n"
                + "key: none (no key variable for this endpoint is set; PARLEY_API_KEY would go to this endpoint)\n"
                + "store: SQLite \(home.path)/parley.sqlite (the data directory)\n")
        let hosted = try ParleyProcess.run(["--profile", "casola", "--show-endpoint"], environment: environment)
        XCTAssertEqual(hosted.stdout.split(separator: "\n").first, "https://api.casola.ai/openai/v1 (profile casola)")
        let missing = try ParleyProcess.run(["--profile", "nope", "--show-endpoint"], environment: environment)
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.stderr.contains("casola, local"), missing.stderr)
        try LocalModel.require()
        guard LocalModel.baseURL == "http://127.0.0.1:8077/v1" else { throw XCTSkip("the local profile names port 8077") }
        let answer = try ParleyProcess.run(["What is the capital of France?"], environment: environment)
        XCTAssertEqual(answer.stdout, "The capital of France is Paris.\n", answer.stderr)
    }

    func testTheQuestionsScriptSavesEachAnswer() throws {
        try LocalModel.require()
        environment["PARLEY"] = ParleyProcess.binary
        environment["PARLEY_BASE_URL"] = LocalModel.baseURL
        let answers = home.appendingPathComponent("answers.md")
        let process = Process()
        process.executableURL = examples.appendingPathComponent("ask-questions.sh")
        process.arguments = [examples.appendingPathComponent("questions.txt").path, answers.path]
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let text = try String(contentsOf: answers, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 0, "stderr: \(said)answers: \(text)")
        XCTAssertEqual(text.split(separator: "\n").filter { $0.hasPrefix("> ") }.count, 3, "three questions, quoted: \(text)")
        XCTAssertTrue(
            text.hasPrefix("> What is the capital of France?\n\nThe capital of France is Paris.\n\n> What is the capital of Italy?\n"), text
        )
    }
}
