import Foundation
import ParleyHTTP
import ParleyShared
import TestSupport
import XCTest

/// Faults, hostile input and secrets: each ends in a clear sentence, with nothing lost or leaked.
final class ReliabilityTests: ParleyTestCase {

    func run(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 60) throws -> ParleyProcess.Result {
        try ParleyProcess.run(arguments, input: input, environment: environment, timeout: timeout)
    }

    // MARK: - Faults

    func testUnknownHostAndTLSFailureAreOneSentenceEach() throws {
        let unknown = try run(["--base-url", "http://no-such-host.invalid/v1", "-m", "m", "hi"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr.split(separator: "\n").count, 1, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("no-such-host.invalid") && unknown.stderr.contains("does not resolve"), unknown.stderr)
        let server = try StubServer { _, _ in .reply(["plain http"]) }
        let tls = try run(["--base-url", "https://127.0.0.1:\(server.port)/v1", "-m", "m", "hi"])
        XCTAssertEqual(tls.status, 1)
        XCTAssertEqual(tls.stderr.split(separator: "\n").count, 1, tls.stderr)
        XCTAssertTrue(tls.stderr.contains("secure connection to https://127.0.0.1:\(server.port)"), tls.stderr)
    }

    func testATranscriptThatCannotBeWrittenStopsTheRunBeforeAnythingIsSent() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let missing = home.appendingPathComponent("no-such-folder/t.md").path
        for (path, words) in [(missing, "No such file or directory"), (home.path, "Is a directory")] {
            for (arguments, input) in [(["hi"], nil as String?), ([], "hi\n")] {  // one shot, script
                let result = try run(["--base-url", server.baseURL, "-m", "m", "--transcript", path] + arguments, input: input)
                XCTAssertEqual(result.status, 64, result.stderr)
                XCTAssertEqual(result.stderr, "error: Cannot write the transcript \(path): \(words). Nothing was sent.\n")
            }
        }
        XCTAssertEqual(server.requests.count, 0, "nothing reached the server")
    }

    func testATranscriptThatFailsMidRunEndsItWithAFailure() throws {
        // /dev/full opens, and every write to it fails (ENOSPC): the first turn's record fails.
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let script = try run(["--base-url", server.baseURL, "-m", "m", "--transcript", "/dev/full"], input: "first\nsecond\n")
        XCTAssertEqual(script.status, 1)
        XCTAssertTrue(script.stderr.contains("Cannot write the transcript /dev/full: No space left on device."), script.stderr)
        XCTAssertEqual(server.chats.count, 1, "the run stopped after the turn it could not record")
        let oneShot = try run(["--base-url", server.baseURL, "-m", "m", "--transcript", "/dev/full", "hi"])
        XCTAssertEqual(oneShot.status, 1, oneShot.stderr)
        XCTAssertEqual(oneShot.stdout, "ok\n", "the reply itself is shown")
    }

    func testBrokenStreamsKeepTheTextMarkedAndOfferRetry() throws {
        let cases: [(String, [StubServer.Step], String)] = [
            ("invalid event", [.streamHead(), .delta("Kept"), .text("data: {not json\n\n"), .close], "not a chat reply"),
            (
                "error event",
                [
                    .streamHead(), .delta("Kept"), .text(#"data: {"error":{"code":"worker_error","message":"worker died"}}"# + "\n\n"),
                    .close,
                ], "worker died"
            ),
            ("no choices", [.streamHead(), .delta("Kept"), .text(#"data: {"id":"x"}"# + "\n\n"), .close], "not a chat reply"),
            ("cut", [.streamHead(), .delta("Kept"), .close], "cut off"),
        ]
        for (name, steps, words) in cases {
            let server = try StubServer { _, index in index == 1 ? steps : .reply(["Whole."]) }
            let result = try run(["--base-url", server.baseURL, "-m", "m"], input: "hi\n/history\n/retry\n/history\n")
            XCTAssertEqual(result.status, 1, name)
            XCTAssertTrue(result.stderr.contains(words), "\(name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("/retry"), "\(name): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("Kept [failed]"), "\(name): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("#2 m: Kept [failed]"), "\(name): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("#2 m: Whole."), "/retry replaced it: \(name): \(result.stdout)")
        }
    }

    func testATwoMegabyteReply() throws {
        let piece = String(repeating: "0123456789abcdef", count: 1024)  // 16 KB
        let server = try StubServer { _, _ in .reply(Array(repeating: piece, count: 128)) }
        let result = try run(["--base-url", server.baseURL, "-m", "m", "go on"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.utf8.count, 128 * piece.utf8.count + 1)
    }

    func testAnUnwritableDataDirStillChatsAndSaysSoOnce() throws {
        let blocker = home.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let server = try StubServer { _, _ in .reply(["still here"]) }
        let result = try run(
            ["--base-url", server.baseURL, "-m", "m", "--data-dir", blocker.appendingPathComponent("data").path],
            input: "one\ntwo\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("warning: History is not being saved"), "a warning, not an error: \(result.stderr)")
        XCTAssertEqual(result.stdout.components(separatedBy: "still here").count - 1, 2)
        XCTAssertEqual(result.stderr.components(separatedBy: "History is not being saved").count - 1, 1, result.stderr)
    }

    func testAFullDiskStillChatsAndSaysSoOnce() throws {
        let disk = home.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=400k,mode=0700", "tmpfs", disk.path]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("a small tmpfs cannot be mounted here (not root?)") }
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [disk.path]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        let server = try StubServer { _, _ in .reply([String(repeating: "still answering ", count: 200)]) }
        let data = disk.appendingPathComponent("parley")
        XCTAssertEqual(try run(["--base-url", server.baseURL, "-m", "m", "--data-dir", data.path], input: "first\n").status, 0)
        // Fill what is left of the disk.
        let fillerPath = disk.appendingPathComponent("filler").path
        XCTAssertTrue(FileManager.default.createFile(atPath: fillerPath, contents: nil))
        let filler = try XCTUnwrap(FileHandle(forWritingAtPath: fillerPath))
        while (try? filler.write(contentsOf: Data(count: 4096))) != nil {}
        try? filler.close()
        let big = String(repeating: "a long message to store ", count: 400)
        let result = try run(["--base-url", server.baseURL, "-m", "m", "--data-dir", data.path], input: "\(big)\n\(big)\n\(big)\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "still answering").count - 1, 600, "every reply arrived")
        XCTAssertEqual(result.stderr.components(separatedBy: "History is not being saved").count - 1, 1, result.stderr)
    }

    func testAMalformedConfigIsRefusedWithItsPath() throws {
        let config = home.appendingPathComponent("config.toml")
        try "[profiles.x]\nbase_url = http://nope\n".write(to: config, atomically: true, encoding: .utf8)
        environment["PARLEY_CONFIG"] = config.path
        let result = try run(["hi"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains(config.path) && result.stderr.contains("line 2"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Usage:"), "the command line was not at fault: \(result.stderr)")
        XCTAssertEqual(try String(contentsOf: config, encoding: .utf8), "[profiles.x]\nbase_url = http://nope\n", "never rewritten")
        // A profile's setting out of range: the same; a flag's: with the usage.
        try "[profiles.x]\nbase_url = \"http://127.0.0.1:9/v1\"\ntemperature = 5\n".write(to: config, atomically: true, encoding: .utf8)
        let profile = try run(["--profile", "x", "hi"])
        XCTAssertEqual(profile.status, 64)
        XCTAssertTrue(profile.stderr.contains("profile x in \(config.path)") && !profile.stderr.contains("Usage:"), profile.stderr)
        let flag = try run(["--profile", "x", "--temperature", "9", "hi"])
        XCTAssertEqual(flag.status, 64)
        XCTAssertTrue(flag.stderr.contains("Usage:"), flag.stderr)
        // A profile's base URL that cannot be used: the file and its line, not the flag.
        try "profile = \"x\"\n[profiles.x]\nbase_url = \"localhost:8077\"\n".write(to: config, atomically: true, encoding: .utf8)
        let url = try run(["hi"])
        XCTAssertEqual(url.status, 64)
        XCTAssertEqual(
            url.stderr,
            "error: The config file \(config.path) is malformed at line 3: base_url \"localhost:8077\" cannot be used: it must start with http:// or https://. Fix it, or move it aside.\n"
        )
        // A profile named by PARLEY_PROFILE that is not there: the environment's fault, no usage.
        try "[profiles.x]\nbase_url = \"http://127.0.0.1:9/v1\"\n".write(to: config, atomically: true, encoding: .utf8)
        environment["PARLEY_PROFILE"] = "nope"
        let named = try run(["hi"])
        XCTAssertEqual(named.status, 64)
        XCTAssertEqual(named.stderr, "error: There is no profile \"nope\" in \(config.path) (PARLEY_PROFILE=nope); it has: x.\n")
        // No config file at all: said as such, not as a missing profile.
        environment["PARLEY_CONFIG"] = nil
        environment["XDG_CONFIG_HOME"] = home.appendingPathComponent("empty").path
        let none = try run(["hi"])
        XCTAssertTrue(
            none.stderr.hasPrefix("error: PARLEY_PROFILE=nope names a profile of the config file, and there is none at "), none.stderr)
    }

    // MARK: - Hostile input

    func testHostileTextReachesNoFile() throws {
        let hostile = "A\u{1B}]0;T\u{07}\u{1B}[2J\u{9B}1mB\u{1B}]52;c;ZXZpbA==\u{07}C\u{202E}"
        let server = try StubServer { _, _ in .reply([hostile]) }
        let transcript = home.appendingPathComponent("t.md")
        let saved = home.appendingPathComponent("s.md")
        let json = home.appendingPathComponent("s.json")
        let result = try run(
            ["--base-url", server.baseURL, "-m", "m", "--transcript", transcript.path],
            input: "hi\n/save \(saved.path)\n/save \(json.path)\n/history\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        for text in [result.stdout, result.stderr] + (try [transcript, saved, json].map { try String(contentsOf: $0, encoding: .utf8) }) {
            XCTAssertFalse(text.contains("\u{1B}") || text.contains("\u{9B}") || text.contains("\u{202E}"), text.debugDescription)
        }
        XCTAssertTrue(try String(contentsOf: saved, encoding: .utf8).contains("ABC<U+202E>"))
    }

    func testBadUserInputIsASentenceAndNothingIsSent() throws {
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let long = String(repeating: "x", count: 1024 * 1024)
        var input = Data("\(long)\nnul\0here\n".utf8)
        input.append(contentsOf: [0x62, 0x61, 0x64, 0xFF, 0xFE, 0x0A])  // "bad" + invalid UTF-8
        input.append(Data("/frobnicate\n/temp 7\n/attach \(home.path)/nothing.png\n/edit 99\n".utf8))
        let exact = try runBytes(["--base-url", server.baseURL, "-m", "m"], input: input)
        XCTAssertEqual(exact.status, 1)
        for words in [
            "a message may hold at most 512 KB", "NUL byte", "Input line 3 is not valid UTF-8", "Unknown command /frobnicate",
            "Temperature must be from 0 to 2", "nothing.png does not exist", "Message 99 is not one of your messages",
        ] {
            XCTAssertTrue(exact.stderr.contains(words), "\(words): \(exact.stderr)")
        }
        // Nothing sent means no request at all (a line sent with its bytes replaced would be one).
        XCTAssertEqual(server.requests.count, 0, "\(server.requests.map(\.path))")
    }

    func runBytes(_ arguments: [String], input: Data) throws -> ParleyProcess.Result {
        let file = home.appendingPathComponent("input.bin")
        try input.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" \"$@\" < '\(file.path)'", ParleyProcess.binary] + arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ParleyProcess.Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    // MARK: - Secrets and files

    func testNoCoreDumpCanHoldTheKeyOrTheConversation() throws {
        // A script run waits on its input: its limits are read meanwhile, then its input ends.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ParleyProcess.binary)
        process.arguments = ["--base-url", "http://127.0.0.1:9/v1", "-m", "m"]
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        var limits = ""
        // Polled until parley has set its own limit (it starts with the inherited one).
        try? waitUntil("parley to set its core file size limit") {
            limits = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)) ?? ""
            return limits.range(of: #"Max core file size\s+0\s+0\s"#, options: .regularExpression) != nil
        }
        XCTAssertNotNil(limits.range(of: #"Max core file size\s+0\s+0\s"#, options: .regularExpression), limits)
    }

    func testAKeyHoldingALineBreakIsRefusedByItsVariableBeforeAnythingIsSent() throws {
        let server = try StubServer { _, _ in .reply(["no"]) }
        environment["PARLEY_API_KEY"] = "sk-first-half\nsk-second-half"
        let result = try run(["--base-url", server.baseURL, "-m", "m", "hi"])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(
            result.stderr,
            "error: The key in PARLEY_API_KEY holds a line break, so it cannot be sent; set PARLEY_API_KEY to the key alone.\n")
        XCTAssertEqual(server.requests.count, 0)
        XCTAssertFalse(result.stderr.contains("sk-first-half"), "the key itself is never said")
    }

    func testAPasswordInTheBaseURLIsNowhere() throws {
        let password = "pw-RECOGNISABLE-7c1d"
        let server = try StubServer { request, _ in
            request.path.hasSuffix("/models") ? .response(status: 200, body: #"{"data":[{"id":"m"}]}"#) : .reply(["behind the proxy"])
        }
        let url = server.baseURL.replacingOccurrences(of: "http://", with: "http://ana:\(password)@")
        let out = home.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let script =
            [
                "hello", "/settings", "/debug", "/code curl", "/code python --save \(out.path)/s.py", "/save \(out.path)/c.md",
                "/save \(out.path)/c.json", "/model m",
            ].joined(separator: "\n") + "\n"
        let result = try run(["--base-url", url, "-m", "m", "--transcript", "\(out.path)/t.md"], input: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        let basic = "Basic " + Data("ana:\(password)".utf8).base64EncodedString()
        XCTAssertEqual(server.chats.first?.headers["authorization"], basic, "the password reaches the server, as basic auth")
        XCTAssertTrue(result.stdout.contains("http://ana:***@127.0.0.1"), "shown, as ***: \(result.stdout)")
        let shown = try run(["--base-url", url, "--show-endpoint"])
        XCTAssertTrue(shown.stdout.hasPrefix("http://ana:***@127.0.0.1"), shown.stdout)
        // A failure names the URL: with the password as ***.
        let dead = "http://ana:\(password)@127.0.0.1:9/v1"
        let refused = try run(["--base-url", dead, "-m", "m", "hi"])
        XCTAssertTrue(refused.stderr.contains("http://ana:***@127.0.0.1:9/v1"), refused.stderr)
        for text in [result.stdout, result.stderr, shown.stdout, refused.stderr] {
            XCTAssertFalse(text.contains(password), text)
        }
        // Nor in any file: the store keeps the model chosen by the URL without its credentials.
        let files = FileManager.default.enumerator(atPath: home.path)?.compactMap { $0 as? String } ?? []
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let data = (try? Data(contentsOf: home.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(data.range(of: Data(password.utf8)), file)
        }
    }

    func testTheKeyIsNowhere() throws {
        let key = "sk-RECOGNISABLE-secret-5f3a9c"
        environment["PARLEY_API_KEY"] = key
        let server = try StubServer { request, index in
            request.path.hasSuffix("/models")
                ? .response(status: 200, body: #"{"data":[{"id":"m"}]}"#)
                : index == 3 ? .error(status: 401, code: "invalid_api_key", message: "bad key") : .reply(["fine"])
        }
        let out = home.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let script =
            [
                "hello", "/debug", "/code curl", "/code python --save \(out.path)/s.py", "/save \(out.path)/c.md",
                "/save \(out.path)/c.json", "/settings", "again", "third time",
            ].joined(separator: "\n") + "\n"
        let result = try run(["--base-url", server.baseURL, "-m", "m", "--transcript", "\(out.path)/t.md"], input: script)
        XCTAssertEqual(server.chats.first?.headers["authorization"], "Bearer \(key)", "the key is sent")
        XCTAssertFalse(result.stdout.contains(key) || result.stderr.contains(key))
        XCTAssertTrue(result.stderr.contains("PARLEY_API_KEY"), "the 401 names the variable")
        let files = FileManager.default.enumerator(atPath: home.path)?.compactMap { $0 as? String } ?? []
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let data = (try? Data(contentsOf: home.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(data.range(of: Data(key.utf8)), file)
        }
        // The files parley made are the user's alone.
        for file in ["parley.sqlite", "out/s.py", "out/c.md", "out/c.json", "out/t.md"] {
            let mode =
                (try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent(file).path)[.posixPermissions] as? NSNumber)?
                .intValue
            XCTAssertEqual(mode, 0o600, file)
        }
        let directory = (try FileManager.default.attributesOfItem(atPath: home.path)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(directory, 0o700)
    }

    func testWarningsForAPlainHTTPKeyAndAnOpenConfig() throws {
        environment["PARLEY_API_KEY"] = "sk-x"
        let config = home.appendingPathComponent("config.toml")
        try "profile = \"p\"\n[profiles.p]\nbase_url = \"http://example.com/v1\"\n".write(to: config, atomically: true, encoding: .utf8)
        chmod(config.path, 0o644)
        environment["PARLEY_CONFIG"] = config.path
        let result = try run(["--show-endpoint"])
        XCTAssertEqual(
            result.stdout,
            "http://example.com/v1 (profile p)\nkey: PARLEY_API_KEY (it goes to any endpoint)\nstore: SQLite \(home.path)/parley.sqlite (the data directory)\n"
        )
        let server = try StubServer { _, _ in .reply(["ok"]) }
        let local = try run(["--base-url", server.baseURL, "-m", "m", "hi"])
        XCTAssertFalse(local.stderr.contains("plain http"), "loopback is fine")
        XCTAssertTrue(local.stderr.contains("can be read by others"), local.stderr)
        environment["PARLEY_BASE_URL"] = "http://10.255.255.1:9/v1"  // never contacted: --show-endpoint only
        let remote = try run(["--show-endpoint"])
        XCTAssertEqual(remote.status, 0)
        let shell = try run(["--base-url", "http://example.invalid/v1", "-m", "m", "--wait", "0", "/quit"], input: nil)
        XCTAssertTrue(shell.stderr.contains("over plain http://"), shell.stderr)
    }

    // MARK: - Load

    func testTenProcessesOfFiftyTurnsOnOneStore() throws {
        let server = try StubServer { _, _ in .reply(["noted"]) }
        let statuses = Locked<[Int32]>([])
        let errors = Locked<[String]>([])
        let group = DispatchGroup()
        for process in 0..<10 {
            let script = (0..<50).map { "p\(process)turn\($0)" }.joined(separator: "\n") + "\n"
            let environment = self.environment
            let url = server.baseURL
            DispatchQueue.global().async(group: group) {
                let result = try? ParleyProcess.run(["--base-url", url, "-m", "m"], input: script, environment: environment, timeout: 300)
                statuses.withLock { $0.append(result?.status ?? -1) }
                if let stderr = result?.stderr, !stderr.isEmpty { errors.withLock { $0.append(stderr) } }
            }
        }
        group.wait()
        XCTAssertEqual(statuses.value, Array(repeating: 0, count: 10))
        XCTAssertEqual(errors.value, [])
        let count = Process()
        count.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        count.arguments = [
            "python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select count(*) from message where role='user'\").fetchone()[0], c.execute(\"select count(*) from message where role='assistant' and status='complete'\").fetchone()[0])",
            home.appendingPathComponent("parley.sqlite").path,
        ]
        let pipe = Pipe()
        count.standardOutput = pipe
        try count.run()
        count.waitUntilExit()
        XCTAssertEqual(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "500 500\n")
    }
}
