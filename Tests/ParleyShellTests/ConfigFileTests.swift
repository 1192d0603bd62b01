import ParleyWire
import XCTest

@testable import ParleyShell

final class ConfigFileTests: XCTestCase {
    func testProfilesAndTheDefault() throws {
        let config = try ConfigFile.parse(
            """
            # comment
            profile = "local"   # trailing comment
            [profiles.local]
            base_url = "http://127.0.0.1:8077/v1"
            temperature = 0
            system = "Say \\"hi\\" # not a comment"
            [profiles.hosted]
            base_url = "https://example.com/v1"
            api_key_env = "EXAMPLE_KEY"
            max_tokens = 100
            """, path: "/c.toml")
        XCTAssertEqual(config.defaultProfile, "local")
        XCTAssertEqual(config.profiles["local"]?.temperature, "0")
        XCTAssertEqual(config.profiles["local"]?.system, "Say \"hi\" # not a comment")
        XCTAssertEqual(config.profiles["hosted"]?.apiKeyVariable, "EXAMPLE_KEY")
        XCTAssertEqual(config.profiles["hosted"]?.maxTokens, "100")
    }

    func testMalformedFilesAreRefusedWithPathAndLine() {
        for (text, words) in [
            ("[profiles.a\nx = 1", "line 1"), ("[profiles.a]\nbase_url = http://x", "line 2"),
            ("[profiles.a]\napi_key = \"sk-1\"", "api_key_env"), ("[profiles.a]\ncolour = \"red\"", "unknown key"),
            ("model = \"m\"", "line 1"), ("profile = \"b\"\n[profiles.a]", "does not define"),
            ("[other]", "[profiles.NAME]"), ("[profiles.a]\nmodel = \"open", "closing quote"),
        ] {
            XCTAssertThrowsError(try ConfigFile.parse(text, path: "/home/u/.config/parley/config.toml"), text) { error in
                XCTAssertTrue("\(error)".contains("/home/u/.config/parley/config.toml"), "\(error)")
                XCTAssertTrue("\(error)".contains(words), "\(text): \(error)")
            }
        }
    }

    func testAnUnquotedURLsPasswordIsNotQuotedBack() {
        let text = "[profiles.x]\nbase_url = http://user:s3cret@example.org/v1\n"
        XCTAssertThrowsError(try ConfigFile.parse(text, path: "/c.toml")) { error in
            let said = "\(error)"
            XCTAssertTrue(said.contains("http://user:***@example.org/v1") && !said.contains("s3cret"), said)
        }
    }

    func testResolutionWithAProfile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.toml")
        try """
        profile = "a"
        [profiles.a]
        base_url = "http://a.example/v1"
        model = "ma"
        temperature = 0.5
        api_key_env = "A_KEY"
        """.write(to: file, atomically: true, encoding: .utf8)
        var options = ShellOptions()
        let environment = ["PARLEY_CONFIG": file.path, "A_KEY": "sk-a", "HOME": directory.path]
        var configuration = try ShellConfiguration.resolve(options, environment: environment)
        XCTAssertEqual(configuration.endpoint.baseURL, "http://a.example/v1")
        XCTAssertEqual(configuration.endpoint.apiKey, "sk-a")
        XCTAssertEqual(configuration.endpoint.keySource, "A_KEY")
        XCTAssertEqual(configuration.settings.model, "ma")
        XCTAssertEqual(configuration.settings.temperature, 0.5)
        // The environment's endpoint comes before the config's default profile, without its settings.
        configuration = try ShellConfiguration.resolve(
            options, environment: environment.merging(["PARLEY_BASE_URL": "http://env/v1"]) { a, _ in a })
        XCTAssertEqual(configuration.endpoint.baseURL, "http://env/v1")
        XCTAssertNil(configuration.settings.model)
        // A flag wins over the profile's setting.
        options.temperature = "1.2"
        configuration = try ShellConfiguration.resolve(options, environment: environment)
        XCTAssertEqual(configuration.settings.temperature, 1.2)
        XCTAssertEqual(configuration.profileSettings.temperature, 0.5)
    }

    func testTheStoreComesFromTheFlagThenTheEnvironmentThenTheProfile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.toml")
        try """
        profile = "team"
        [profiles.team]
        base_url = "http://a.example/v1"
        store = "postgres://alice:pw@db.example/chats"
        """.write(to: file, atomically: true, encoding: .utf8)
        var options = ShellOptions()
        var environment = ["PARLEY_CONFIG": file.path, "HOME": directory.path]
        var configuration = try ShellConfiguration.resolve(options, environment: environment)
        XCTAssertEqual(configuration.store, .postgres(url: "postgres://alice:pw@db.example/chats"))
        XCTAssertEqual(configuration.storeLine, "store: PostgreSQL postgres://alice:***@db.example/chats (profile team)")
        environment["PARLEY_STORE"] = "/data/mine.sqlite"
        configuration = try ShellConfiguration.resolve(options, environment: environment)
        XCTAssertEqual(configuration.store, .sqlite(path: "/data/mine.sqlite"))
        XCTAssertEqual(configuration.storeSource, "PARLEY_STORE")
        options.store = "postgresql://bob@/other?host=/run/postgresql"
        configuration = try ShellConfiguration.resolve(options, environment: environment)
        XCTAssertEqual(configuration.store, .postgres(url: "postgresql://bob@/other?host=/run/postgresql"))
        XCTAssertEqual(configuration.storeSource, "--store")
        XCTAssertTrue(
            try ShellConfiguration.resolve(ShellOptions(), environment: ["HOME": directory.path]).storeLine.hasPrefix("store: SQLite "))
    }
}
