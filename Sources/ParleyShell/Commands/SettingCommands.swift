import Foundation
import ParleyCommands
import ParleyWire

/// `/model [name|N|--refresh]`.
struct ModelCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "model", arguments: "[name|N|--refresh]",
        help: "list the server's models to pick one, or switch to model name or N (--refresh asks the server again)",
        completes: .model)

    enum Action: Equatable {
        case list(refresh: Bool)
        case switchTo(String)
    }
    var action: Action

    init(argument: String) {
        action =
            switch argument {
            case "": .list(refresh: false)
            case "--refresh": .list(refresh: true)
            default: .switchTo(argument)
            }
    }

    func run(_ context: CommandContext) -> [CommandEffect] {
        switch action {
        case let .list(refresh):
            [.models(refresh: refresh) { Self.list($0, context) }]
        case let .switchTo(name):
            [.models(refresh: false) { Self.switchTo(name, among: (try? $0.get()) ?? []) }]
        }
    }
}

/// `/system [text|--clear]`.
struct SystemCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "system", arguments: "[text|--clear]", help: "show, set or clear the system prompt",
        completes: .fixed(["--clear"]))

    enum Action: Equatable {
        case show, clear
        case set(String)
    }
    var action: Action

    init(argument: String) {
        action = argument.isEmpty ? .show : argument == "--clear" ? .clear : .set(argument)
    }

    func run(_ context: CommandContext) -> [CommandEffect] {
        var settings = context.session.settings
        switch action {
        case .show:
            return [.print(settings.systemPrompt.map { "System prompt: \($0)" } ?? "No system prompt is set.")]
        case .clear:
            settings.systemPrompt = nil
            return [.settings(settings), .notice("System prompt cleared.")]
        case let .set(text):
            settings.systemPrompt = text
            return [.settings(settings), .notice("System prompt set.")]
        }
    }
}

/// A setting read from its text by `SettingValue`: a refusal is the range's sentence with the usage.
private func checked<Value>(_ read: () throws(SettingError) -> Value) throws(CommandRefusal) -> Value {
    do {
        return try read()
    } catch {
        throw CommandRefusal(error.description)
    }
}

/// `/temp` and `/top_p`: a number setting shown, or set within its range.
protocol NumberSettingCommand: SlashCommand {
    /// How it is said: "Temperature: 0.5".
    static var label: String { get }
    static var setting: WritableKeyPath<ChatSettings, Double?> { get }
    /// Reads a value, refusing one out of range (`SettingValue`).
    static func read(_ text: String) throws(SettingError) -> Double
    /// Nil shows it.
    var value: Double? { get }
    init(value: Double?)
}

extension NumberSettingCommand {
    init(argument: String) throws(CommandRefusal) {
        self.init(value: argument.isEmpty ? nil : try checked { () throws(SettingError) in try Self.read(argument) })
    }

    @MainActor func run(_ context: CommandContext) -> [CommandEffect] {
        var settings = context.session.settings
        guard let value else {
            return [.print("\(Self.label): \(settings[keyPath: Self.setting].map(SettingValue.format) ?? "server default")")]
        }
        settings[keyPath: Self.setting] = value
        return [.settings(settings), .notice("\(Self.label): \(SettingValue.format(value))")]
    }
}

/// `/temp [0-2]`.
struct TemperatureCommand: NumberSettingCommand, Equatable {
    static let spec = CommandSpec(name: "temp", aliases: ["temperature"], arguments: "[0-2]", help: "show or set the temperature")
    static let label = "Temperature"
    static var setting: WritableKeyPath<ChatSettings, Double?> { \.temperature }
    static func read(_ text: String) throws(SettingError) -> Double { try SettingValue.temperature(text) }
    var value: Double?
}

/// `/top_p [0-1]`.
struct TopPCommand: NumberSettingCommand, Equatable {
    static let spec = CommandSpec(name: "top_p", aliases: ["topp"], arguments: "[0-1]", help: "show or set top_p")
    static let label = "top_p"
    static var setting: WritableKeyPath<ChatSettings, Double?> { \.topP }
    static func read(_ text: String) throws(SettingError) -> Double { try SettingValue.topP(text) }
    var value: Double?
}

/// `/max [N|auto]`.
struct MaxTokensCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "max", aliases: ["max_tokens"], arguments: "[N|auto]",
        help: "show or set the most tokens a reply may have", completes: .fixed(["auto"]))

    enum Action: Equatable {
        case show, auto
        case limit(Int)
    }
    var action: Action

    init(action: Action) {
        self.action = action
    }

    init(argument: String) throws(CommandRefusal) {
        guard !argument.isEmpty else {
            self.init(action: .show)
            return
        }
        let limit = try checked { () throws(SettingError) in try SettingValue.maxTokens(argument) }
        self.init(action: limit.map(Action.limit) ?? .auto)
    }

    func run(_ context: CommandContext) -> [CommandEffect] {
        var settings = context.session.settings
        switch action {
        case .show:
            return [.print("Max tokens: \(settings.maxTokens.map(String.init) ?? "auto")")]
        case .auto:
            settings.maxTokens = nil
            return [.settings(settings), .notice("Max tokens: auto")]
        case let .limit(limit):
            settings.maxTokens = limit
            return [.settings(settings), .notice("Max tokens: \(limit)")]
        }
    }
}

/// `/settings`.
struct SettingsCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "settings", help: "show every setting and where it comes from")

    func run(_ context: CommandContext) -> [CommandEffect] { [.print(Self.table(context))] }

    /// Each setting, its value and where the value comes from: the conversation, the command line,
    /// the config, remembered, or the default; then the endpoint and the key's variable, with why.
    @MainActor static func table(_ context: CommandContext) -> String {
        let settings = context.session.settings
        let launch = context.launchSettings
        let flags = context.configuration.flagSettings
        let profile = context.configuration.profileSettings
        /// Where a setting's value comes from: the conversation, the command line, the config, or the default.
        func source(_ setting: ChatSetting) -> String {
            if !settings.same(setting, as: launch) { return "conversation" }
            if settings.text(of: setting) == nil { return "default" }
            if flags.text(of: setting) != nil { return "command line" }
            if profile.text(of: setting) != nil { return "config" }
            return "remembered"
        }
        func shown(_ setting: ChatSetting) -> String {
            guard let text = settings.text(of: setting) else {
                return switch setting {
                case .model, .system: "none"
                case .temperature, .topP: "server default"
                case .maxTokens: "auto"
                }
            }
            return setting == .system ? "\"\(text)\"" : text
        }
        let endpoint = context.configuration.endpoint
        let rows: [(String, String, String)] =
            ChatSetting.allCases.map { ($0.label, shown($0), source($0)) } + [
                ("endpoint", endpoint.shownURL, endpoint.baseURLSource),
                ("api key", endpoint.keySource.map { "from \($0)" } ?? "none", endpoint.keyReason),
            ]
        let width = rows.map { $0.0.count }.max() ?? 0
        return rows.map { name, value, source in
            name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value + (source.isEmpty ? "" : "  (\(source))")
        }.joined(separator: "\n")
    }
}

/// `/reset`.
struct ResetCommand: PlainCommand, Equatable {
    static let spec = CommandSpec(name: "reset", help: "return every setting to what parley started with")

    func run(_ context: CommandContext) -> [CommandEffect] {
        var settings = context.launchSettings
        settings.model = context.session.settings.model
        return [
            .settings(settings),
            .notice("Settings are back to those parley started with (the command line's, the config's, or the server's defaults)."),
        ]
    }
}
