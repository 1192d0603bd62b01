import Foundation

/// The settings of a conversation that shape each request. `nil` means "the server's default".
public struct ChatSettings: Sendable, Equatable {
    public var model: String?
    public var systemPrompt: String?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?

    public init(
        model: String? = nil, systemPrompt: String? = nil, temperature: Double? = nil,
        topP: Double? = nil, maxTokens: Int? = nil
    ) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
    }

    /// Takes every setting `other` gives (non-nil); keeps the rest.
    public mutating func take(_ other: ChatSettings) {
        if let model = other.model { self.model = model }
        if let systemPrompt = other.systemPrompt { self.systemPrompt = systemPrompt }
        if let temperature = other.temperature { self.temperature = temperature }
        if let topP = other.topP { self.topP = topP }
        if let maxTokens = other.maxTokens { self.maxTokens = maxTokens }
    }
}

/// A setting given out of its range or in the wrong form.
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Parsing and range checks shared by the command-line flags and the slash commands.
public enum SettingValue {
    public static func temperature(_ text: String) throws(SettingError) -> Double {
        try number(text, name: "Temperature", range: 0...2)
    }

    public static func topP(_ text: String) throws(SettingError) -> Double {
        try number(text, name: "top_p", range: 0...1)
    }

    /// A positive whole number, or `auto` (nil: the server decides).
    public static func maxTokens(_ text: String) throws(SettingError) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "auto" { return nil }
        guard let value = Int(trimmed), value > 0 else {
            throw SettingError("Max tokens must be a positive whole number or auto, not \"\(text)\".")
        }
        return value
    }

    static func number(_ text: String, name: String, range: ClosedRange<Double>) throws(SettingError) -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            throw SettingError("\(name) must be a number from \(format(range.lowerBound)) to \(format(range.upperBound)), not \"\(text)\".")
        }
        guard range.contains(value) else {
            throw SettingError(
                "\(name) must be from \(format(range.lowerBound)) to \(format(range.upperBound)); \(trimmed) is out of range.")
        }
        return value
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// The five settings by name: the closed set `/settings`, transcripts and the JSON export list.
public enum ChatSetting: String, Sendable, CaseIterable {
    case model
    case system
    case temperature
    case topP = "top_p"
    case maxTokens = "max_tokens"

    /// How `/settings` labels it.
    public var label: String {
        switch self {
        case .maxTokens: "max tokens"
        default: rawValue
        }
    }
}

extension ChatSettings {
    /// The setting's value as text, nil when unset (the server's default).
    public func text(of setting: ChatSetting) -> String? {
        switch setting {
        case .model: model
        case .system: systemPrompt
        case .temperature: temperature.map(SettingValue.format)
        case .topP: topP.map(SettingValue.format)
        case .maxTokens: maxTokens.map(String.init)
        }
    }

    /// The setting's value as JSON takes it (a number for the numbers), nil when unset.
    public func jsonValue(of setting: ChatSetting) -> Any? {
        switch setting {
        case .model: model
        case .system: systemPrompt
        case .temperature: temperature
        case .topP: topP
        case .maxTokens: maxTokens
        }
    }

    /// Whether two settings give `setting` the same value.
    public func same(_ setting: ChatSetting, as other: ChatSettings) -> Bool {
        text(of: setting) == other.text(of: setting)
    }
}
