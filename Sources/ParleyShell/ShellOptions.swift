import Foundation
import ParleyAPI
import ParleyCommands
import ParleyHTTP
import ParleySession
import ParleyStore
import ParleyWire

/// What the command line asked for, before it is checked.
public struct ShellOptions: Sendable {
    public var baseURL: String?
    public var model: String?
    public var system: String?
    public var temperature: String?
    public var topP: String?
    public var maxTokens: String?
    public var idleTimeout = HTTPRequest.defaultIdleTimeout
    public var wait = RetryPolicy.defaultTotalWait
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
    /// `--profile NAME`: a profile of the config file.
    public var profile: String?
    /// False with `--no-stdin`: a one-shot prompt leaves piped standard input unread.
    public var readsStdin = true
    /// `-f, --file PATH|URL` (repeatable): attached to the first message.
    public var files: [String] = []
    /// `--attach-limit MB`: the most text a file, page, command or stdin may give.
    public var attachLimit: Double?
    /// `--store URL|PATH`: a PostgreSQL database or a SQLite file for the conversations.
    public var store: String?

    public init() {}
}

/// A command line (or config file) that cannot be used, said in a sentence; nothing has been sent.
public struct OptionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// False for a fault in the config file: the command line's usage would not help with it.
    public var concernsTheCommandLine = true
    public init(_ description: String) { self.description = description }

    /// The same fault, said without the command line's usage: the config file's or the environment's.
    var inTheConfigFile: OptionError {
        var error = self
        error.concernsTheCommandLine = false
        return error
    }
}

/// The checked configuration a shell runs with.
public struct ShellConfiguration: Sendable {
    public var endpoint: Endpoint
    /// The settings to start with: the profile's, then the command line's over them.
    public var settings: ChatSettings
    /// What the command line set, and what the config file's profile set (for `/settings`).
    public var flagSettings: ChatSettings
    public var profileSettings: ChatSettings
    /// `/say`: the profile's text-to-speech model and voice, when it names them.
    public var ttsModel: String?
    public var voice: String?
    public var idleTimeout: Double
    public var wait: Double
    public var dataDirectory: URL
    public var noColor: Bool
    public var prompt: String?
    public var continueLatest: Bool
    public var chat: String?
    public var transcript: String?
    /// Whether a one-shot prompt takes piped standard input with it.
    public var readsStdin = true
    /// What `-f` attaches to the first message: paths and URLs.
    public var files: [String] = []
    /// The most bytes of text an attachment or piped stdin may hold (`--attach-limit`).
    public var attachLimit = AttachLimits.defaultText
    /// Where conversations are kept (`--store`, `PARLEY_STORE`, the profile's `store`), and which of
    /// those named it; nil: SQLite in the data directory.
    public var store: StoreAddress?
    public var storeSource: String?
    /// Said once at start: a config file others can read, a key sent in the clear.
    public var warnings: [String] = []

    /// Checks every option (base URL, ranges, timeouts) before any request is made.
    public static func resolve(_ options: ShellOptions, environment: [String: String]) throws(OptionError) -> ShellConfiguration {
        let config: ConfigFile?
        do {
            config = try ConfigFile.load(environment: environment)
        } catch {
            throw error.inTheConfigFile
        }
        let requested = options.profile ?? environment["PARLEY_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        var chosen: ConfigFile.Profile?
        if let requested {
            guard let profile = config?.profiles[requested] else {
                // Named by the flag, the command line is at fault (with its usage); by PARLEY_PROFILE, not.
                let origin = options.profile != nil ? "--profile \(requested)" : "PARLEY_PROFILE=\(requested)"
                var error: OptionError
                if let config {
                    let known = config.profiles.keys.sorted().joined(separator: ", ")
                    error = OptionError(
                        "There is no profile \"\(requested)\" in \(config.path) (\(origin))" + (known.isEmpty ? "." : "; it has: \(known).")
                    )
                } else {
                    error = OptionError(
                        "\(origin) names a profile of the config file, and there is none at \(ConfigFile.location(environment: environment))."
                    )
                }
                throw options.profile != nil ? error : error.inTheConfigFile
            }
            chosen = profile
        } else if let name = config?.defaultProfile {
            chosen = config?.profiles[name]
        }
        let endpoint: Endpoint
        do {
            endpoint = try Endpoint.resolve(
                flagBaseURL: options.baseURL, environment: environment,
                profile: chosen.map {
                    Endpoint.Profile(name: $0.name, baseURL: $0.baseURL, apiKeyVariable: $0.apiKeyVariable, explicit: requested != nil)
                })
        } catch {
            throw OptionError(error.description)
        }
        // A key with a line break inside would end its header early: refused here, naming its variable.
        if let key = endpoint.apiKey, key.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            let variable = endpoint.keySource ?? "the key's variable"
            throw OptionError("The key in \(variable) holds a line break, so it cannot be sent; set \(variable) to the key alone.")
                .inTheConfigFile
        }
        let flags = try settings(
            model: options.model, system: options.system, temperature: options.temperature,
            topP: options.topP, maxTokens: options.maxTokens, origin: "")
        // A profile's settings go with its endpoint (or with naming it).
        let profileInUse = chosen.flatMap { requested != nil || endpoint.baseURLSource == "profile \($0.name)" ? $0 : nil }
        var fromProfile = ChatSettings()
        if let profile = profileInUse {
            do {
                fromProfile = try settings(
                    model: profile.model, system: profile.system, temperature: profile.temperature,
                    topP: profile.topP, maxTokens: profile.maxTokens, origin: " (profile \(profile.name) in \(config?.path ?? ""))")
            } catch {
                throw error.inTheConfigFile
            }
        }
        var settings = fromProfile
        settings.take(flags)
        guard options.idleTimeout > 0, options.idleTimeout.isFinite else {
            throw OptionError("--idle-timeout must be a positive number of seconds.")
        }
        if options.continueLatest, options.chat != nil { throw OptionError("Give either --continue or --chat, not both.") }
        guard options.wait >= 0, options.wait.isFinite else {
            throw OptionError("--wait must be zero or a positive number of seconds.")
        }
        var store: (StoreAddress, String)?
        if let flag = options.store, !flag.isEmpty {
            store = (StoreAddress(flag), "--store")
        } else if let variable = environment["PARLEY_STORE"], !variable.isEmpty {
            store = (StoreAddress(variable), "PARLEY_STORE")
        } else if let profile = profileInUse, let named = profile.store, !named.isEmpty {
            store = (StoreAddress(named), "profile \(profile.name)")
        }
        var attachLimit = AttachLimits.defaultText
        if let megabytes = options.attachLimit {
            guard megabytes > 0, megabytes <= 1024 else {
                throw OptionError("--attach-limit must be a number of megabytes from 0 to 1024.")
            }
            attachLimit = Int(megabytes * 1024 * 1024)
        }
        var warnings: [String] = []
        if let config, config.readableByOthers {
            warnings.append("the config file \(config.path) can be read by others; chmod 600 it.")
        }
        if endpoint.apiKey != nil, let url = URLComponents(string: endpoint.baseURL), url.scheme?.lowercased() == "http",
            let host = url.host, !["localhost", "127.0.0.1", "::1", "[::1]"].contains(host), !host.hasPrefix("127.")
        {
            warnings.append(
                "the API key goes to \(host) over plain http://, readable on the way; use https:// if the server offers it.")
        }
        return ShellConfiguration(
            endpoint: endpoint, settings: settings, flagSettings: flags, profileSettings: fromProfile,
            ttsModel: profileInUse?.ttsModel, voice: profileInUse?.voice,
            idleTimeout: options.idleTimeout,
            wait: options.wait,
            dataDirectory: DataDirectory.resolve(flag: options.dataDir, environment: environment),
            noColor: options.noColor, prompt: options.prompt,
            continueLatest: options.continueLatest, chat: options.chat, transcript: options.transcript,
            readsStdin: options.readsStdin, files: options.files, attachLimit: attachLimit, store: store?.0, storeSource: store?.1,
            warnings: warnings)
    }
}

extension ShellConfiguration {
    /// Checks settings given as text (flags or a profile); `origin` says where they came from in errors.
    static func settings(
        model: String?, system: String?, temperature: String?, topP: String?, maxTokens: String?,
        origin: String
    ) throws(OptionError) -> ChatSettings {
        var settings = ChatSettings(model: model?.trimmingCharacters(in: .whitespaces), systemPrompt: system)
        if settings.model?.isEmpty == true { throw OptionError("A model needs a name\(origin).") }
        do {
            if let text = temperature { settings.temperature = try SettingValue.temperature(text) }
            if let text = topP { settings.topP = try SettingValue.topP(text) }
            if let text = maxTokens { settings.maxTokens = try SettingValue.maxTokens(text) }
        } catch {
            throw OptionError(error.description.dropLast() + "\(origin).")
        }
        return settings
    }
}

extension ShellConfiguration {
    /// What `--show-endpoint` says of the store: which, where, and who named it (never a password).
    public var storeLine: String {
        switch store {
        case let .postgres(url)?:
            return "store: PostgreSQL \(PostgresStore.redacted(url)) (\(storeSource ?? ""))"
        case let .sqlite(path)?:
            return "store: SQLite \(path) (\(storeSource ?? ""))"
        case nil:
            return "store: SQLite \(dataDirectory.appendingPathComponent("parley.sqlite").path) (the data directory)"
        }
    }

    /// Opens the store the configuration names: PostgreSQL, a SQLite file, or SQLite in the data
    /// directory (nil when that directory cannot be written, with the reason).
    func openStore(dataDirectoryWritable: Bool) throws(StoreError) -> (any ConversationStore)? {
        switch store {
        case let .postgres(url)?: return try PostgresStore(url: url)
        case let .sqlite(path)?: return try Store(path: PathWords.expandTilde(path))
        case nil: return dataDirectoryWritable ? try Store(directory: dataDirectory) : nil
        }
    }
}
