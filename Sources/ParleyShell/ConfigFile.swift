import Foundation
import ParleyAPI
import ParleyCommands
import ParleyHTTP
import ParleyWire

/// `config.toml`: named profiles of endpoint and settings, in a small subset of TOML:
///
///     profile = "local"              # the profile used when none is named
///     [profiles.local]
///     base_url = "http://127.0.0.1:8077/v1"
///     model = "SmolLM2-135M-Instruct"
///     temperature = 0
///     [profiles.casola]
///     base_url = "https://api.casola.ai/openai/v1"
///     api_key_env = "CASOLA_API_KEY" # the variable holding the key; keys never go in the file
///
/// Found at `PARLEY_CONFIG`, else `$XDG_CONFIG_HOME/parley/config.toml`, else `~/.config/parley/config.toml`.
public struct ConfigFile: Sendable, Equatable {
    public struct Profile: Sendable, Equatable {
        public var name: String
        public var baseURL: String?
        public var apiKeyVariable: String?
        public var model: String?
        public var system: String?
        public var temperature: String?
        public var topP: String?
        public var maxTokens: String?
        /// `/say`: the endpoint's text-to-speech model and voice.
        public var ttsModel: String?
        public var voice: String?
        /// Where conversations are kept: a PostgreSQL URL or a SQLite file.
        public var store: String?

        /// A chat setting's text, as the file gives it (checked when the profile is used).
        mutating func set(_ setting: ChatSetting, to value: String) {
            switch setting {
            case .model: model = value
            case .system: system = value
            case .temperature: temperature = value
            case .topP: topP = value
            case .maxTokens: maxTokens = value
            }
        }
    }

    public var path: String
    /// Set when others than its owner may read the file.
    public var readableByOthers = false
    public var defaultProfile: String?
    public var profiles: [String: Profile]

    public static func location(environment: [String: String]) -> String {
        if let path = environment["PARLEY_CONFIG"], !path.isEmpty { return PathWords.expandTilde(path) }
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return (base as NSString).appendingPathComponent("parley/config.toml")
    }

    /// The file at its location, nil when there is none; a malformed one is refused with its path and line.
    public static func load(environment: [String: String]) throws(OptionError) -> ConfigFile? {
        let path = location(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if environment["PARLEY_CONFIG"].map({ !$0.isEmpty }) == true {
                throw OptionError("The config file \(path) (PARLEY_CONFIG) does not exist.")
            }
            return nil
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw OptionError("The config file \(path) cannot be read: \(String(cString: strerror(errno))).") }
        close(descriptor)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptionError("The config file \(path) cannot be read.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw OptionError("The config file \(path) cannot be read as UTF-8 text.")
        }
        var config = try parse(text, path: path)
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber {
            config.readableByOthers = mode.intValue & 0o044 != 0
        }
        return config
    }

    public static func parse(_ text: String, path: String) throws(OptionError) -> ConfigFile {
        var config = ConfigFile(path: path, defaultProfile: nil, profiles: [:])
        var current: String?
        func fail(_ line: Int, _ reason: String) -> OptionError {
            OptionError("The config file \(path) is malformed at line \(line): \(reason). Fix it, or move it aside.")
        }
        for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
            let number = offset + 1
            let line = stripComment(raw).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw fail(number, "a section needs a closing ]") }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[0] == "profiles" || parts[0] == "profile", !parts[1].isEmpty else {
                    throw fail(number, "sections are [profiles.NAME]")
                }
                let profile = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                current = profile
                config.profiles[profile] = config.profiles[profile] ?? Profile(name: profile)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw fail(number, "expected key = value") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value: String
            do { value = try parseValue(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)) } catch {
                // The value is quoted back: a URL's password in it is not.
                throw fail(number, URLPassword.redacted(error.description))
            }
            guard let profile = current else {
                guard key == "profile" else { throw fail(number, "only `profile = \"NAME\"` may stand before the first [profiles.NAME]") }
                config.defaultProfile = value
                continue
            }
            switch key {
            case "base_url":
                do {
                    config.profiles[profile]?.baseURL = try Endpoint.validateBaseURL(value)
                } catch {
                    guard case let .invalidBaseURL(_, reason) = error else { throw fail(number, "\(error)") }
                    throw fail(number, "base_url \"\(URLPassword.redacted(value))\" cannot be used: \(reason)")
                }
            case "api_key_env": config.profiles[profile]?.apiKeyVariable = value
            case "api_key": throw fail(number, "keys do not belong in the file; name their variable with api_key_env")
            case let key where ChatSetting(rawValue: key) != nil:
                config.profiles[profile]?.set(ChatSetting(rawValue: key)!, to: value)
            case "tts_model": config.profiles[profile]?.ttsModel = value
            case "voice": config.profiles[profile]?.voice = value
            case "store": config.profiles[profile]?.store = value
            default: throw fail(number, "unknown key \(key)")
            }
        }
        if let name = config.defaultProfile, config.profiles[name] == nil {
            throw OptionError("The config file \(path) names the profile \"\(name)\", which it does not define.")
        }
        return config
    }

    static func stripComment(_ line: String) -> String {
        var inString = false
        var previous: Character = " "
        for (index, character) in zip(line.indices, line) {
            if character == "\"", previous != "\\" { inString.toggle() }
            if character == "#", !inString { return String(line[..<index]) }
            previous = character
        }
        return line
    }

    static func parseValue(_ raw: String) throws(OptionError) -> String {
        if raw.hasPrefix("\"") {
            guard raw.count >= 2, raw.hasSuffix("\"") else { throw OptionError("a string needs its closing quote") }
            var result = ""
            var escaping = false
            for character in raw.dropFirst().dropLast() {
                if escaping {
                    switch character {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: result.append(character)
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    result.append(character)
                }
            }
            return result
        }
        guard !raw.isEmpty, Double(raw) != nil || raw == "true" || raw == "false" else {
            throw OptionError("\(raw.isEmpty ? "a value is missing" : "\(raw) is neither a \"string\" nor a number")")
        }
        return raw
    }
}
