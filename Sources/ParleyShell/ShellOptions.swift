import Foundation
import ParleyAPI

/// What the command line asked for, before it is checked.
public struct ShellOptions: Sendable {
    public var baseURL: String?
    public var model: String?
    public var system: String?
    public var temperature: String?
    public var topP: String?
    public var maxTokens: String?
    public var idleTimeout: Double = 60
    public var wait: Double = 300
    public var dataDir: String?
    public var noColor = false
    /// The one-shot prompt, when given.
    public var prompt: String?
    /// `-c`: reopen the latest conversation.
    public var continueLatest = false
    /// `--chat ID|TITLE`: reopen this conversation.
    public var chat: String?
    /// `--transcript FILE`: append each turn to FILE.
    public var transcript: String?

    public init() {}
}

/// A command line that cannot be used, said in a sentence; nothing has been sent.
public struct OptionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The checked configuration a shell runs with.
public struct ShellConfiguration: Sendable {
    public var endpoint: Endpoint
    public var settings: ChatSettings
    public var idleTimeout: Double
    public var wait: Double
    public var dataDirectory: URL
    public var noColor: Bool
    public var prompt: String?
    public var continueLatest: Bool
    public var chat: String?
    public var transcript: String?

    /// Checks every option (base URL, ranges, timeouts) before any request is made.
    public static func resolve(_ options: ShellOptions, environment: [String: String]) throws(OptionError) -> ShellConfiguration {
        let endpoint: Endpoint
        do {
            endpoint = try Endpoint.resolve(flagBaseURL: options.baseURL, environment: environment)
        } catch {
            throw OptionError(error.description)
        }
        var settings = ChatSettings(model: options.model?.trimmingCharacters(in: .whitespaces), systemPrompt: options.system)
        if settings.model?.isEmpty == true { throw OptionError("--model needs a name.") }
        do {
            if let text = options.temperature { settings.temperature = try SettingValue.temperature(text) }
            if let text = options.topP { settings.topP = try SettingValue.topP(text) }
            if let text = options.maxTokens { settings.maxTokens = try SettingValue.maxTokens(text) }
        } catch {
            throw OptionError(error.description)
        }
        guard options.idleTimeout > 0, options.idleTimeout.isFinite else {
            throw OptionError("--idle-timeout must be a positive number of seconds.")
        }
        if options.continueLatest, options.chat != nil { throw OptionError("Give either --continue or --chat, not both.") }
        guard options.wait >= 0, options.wait.isFinite else {
            throw OptionError("--wait must be zero or a positive number of seconds.")
        }
        return ShellConfiguration(endpoint: endpoint, settings: settings, idleTimeout: options.idleTimeout,
                                  wait: options.wait,
                                  dataDirectory: DataDirectory.resolve(flag: options.dataDir, environment: environment),
                                  noColor: options.noColor, prompt: options.prompt,
                                  continueLatest: options.continueLatest, chat: options.chat, transcript: options.transcript)
    }
}

/// Where parley keeps its files: `--data-dir`, else `PARLEY_HOME`, else `$XDG_DATA_HOME/parley`,
/// else `~/.local/share/parley`. Created 0700; files in it are 0600.
public enum DataDirectory {
    public static func resolve(flag: String?, environment: [String: String]) -> URL {
        func expand(_ path: String) -> URL {
            URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        }
        if let flag, !flag.isEmpty { return expand(flag) }
        if let home = environment["PARLEY_HOME"], !home.isEmpty { return expand(home) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return expand(xdg).appendingPathComponent("parley") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/parley")
    }

    /// Creates the directory (0700) if needed; false when it cannot be written.
    @discardableResult
    public static func prepare(_ url: URL) -> Bool {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        } catch {
            return false
        }
        return manager.isWritableFile(atPath: url.path)
    }

    /// Writes `data` to `url` readable and writable by the user alone (0600), replacing it atomically.
    public static func writePrivate(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]),
              rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw OptionError("Cannot write \(url.path).")
        }
    }
}
