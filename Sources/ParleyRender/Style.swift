/// ANSI SGR styles parley uses, and whether to use them at all.
public struct Style: Sendable, Equatable {
    public let enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Colour is off for `NO_COLOR` (any value), `--no-color`, `TERM=dumb`, or a stdout that is not a terminal.
    public static func enabled(environment: [String: String], noColorFlag: Bool, stdoutIsTerminal: Bool) -> Bool {
        if noColorFlag || !stdoutIsTerminal { return false }
        // no-color.org: a NO_COLOR that is set and not empty; an empty one changes nothing.
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    public static let reset = "\u{1B}[0m"
    public static let bold = "\u{1B}[1m"
    public static let dim = "\u{1B}[2m"
    public static let italic = "\u{1B}[3m"
    public static let underline = "\u{1B}[4m"
    public static let red = "\u{1B}[31m"
    public static let green = "\u{1B}[32m"
    public static let yellow = "\u{1B}[33m"
    public static let blue = "\u{1B}[34m"
    public static let magenta = "\u{1B}[35m"
    public static let cyan = "\u{1B}[36m"
    public static let codeBackground = "\u{1B}[48;5;236m"

    /// `text` wrapped in `codes` and a reset, or `text` alone when styles are off.
    public func apply(_ codes: String..., to text: String) -> String {
        enabled ? codes.joined() + text + Style.reset : text
    }

    public func codes(_ codes: String...) -> String {
        enabled ? codes.joined() : ""
    }
}
