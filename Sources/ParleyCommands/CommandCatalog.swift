import ParleyRender

/// When a command may run.
public enum CommandAvailability: Sendable, Equatable {
    /// At the prompt, between replies.
    case idle
    /// Also while a reply streams or a retry is awaited.
    case always
}

/// One row of the command table: everything `/help`, completion and dispatch need to know.
public struct CommandSpec: Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    /// The argument syntax shown in usage, e.g. `[0-2]`.
    public var arguments: String
    public var help: String
    public var availability: CommandAvailability
    /// What Tab completes for the first argument.
    public var completes: ArgumentKind

    /// `paths`: words typed as a terminal types them (quoted or backslash-escaped); `file`: one file,
    /// the rest of the line as it stands.
    public enum ArgumentKind: Sendable, Equatable {
        case nothing, model, paths, file, command
        case fixed([String])
    }

    public var usage: String { arguments.isEmpty ? "/\(name)" : "/\(name) \(arguments)" }

    public init(
        name: String, aliases: [String] = [], arguments: String = "", help: String,
        availability: CommandAvailability = .idle, completes: ArgumentKind = .nothing
    ) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.help = help
        self.availability = availability
        self.completes = completes
    }
}

/// What `/help`, Tab and "did you mean" know of a list of commands: their rows.
public struct CommandCatalog: Sendable {
    public let all: [CommandSpec]

    public init(_ all: [CommandSpec]) {
        self.all = all
    }

    /// The command named `word` (a name or alias, whole word, without the slash).
    public func lookup(_ word: String) -> CommandSpec? {
        let lowered = word.lowercased()
        return all.first { $0.name == lowered || $0.aliases.contains(lowered) }
    }

    /// The command whose name is nearest to `word`, if near enough to be a likely typo.
    public func suggestion(for word: String) -> CommandSpec? {
        let lowered = word.lowercased()
        var best: (spec: CommandSpec, distance: Int)?
        for spec in all {
            for name in [spec.name] + spec.aliases {
                let distance = Self.editDistance(lowered, name)
                if distance < (best?.distance ?? Int.max) { best = (spec, distance) }
            }
            if spec.name.hasPrefix(lowered), lowered.count >= 2, (best?.distance ?? Int.max) > 1 { best = (spec, 1) }
        }
        // Near enough to be a slip of the fingers: one edit in a short word, two in a longer one.
        guard let best, best.distance <= (lowered.count <= 4 ? 1 : 2) else { return nil }
        return best.spec
    }

    /// `/help`: every command, one line each. Given a `width` (a terminal's columns), descriptions
    /// line up in a column after the usual usages and wrap within it; a longer usage has its
    /// description on the next line, and a terminal too narrow for two columns has every description
    /// under its usage. Without a width (piped), each command keeps one line.
    public func helpText(width: Int? = nil) -> String {
        var lines: [String] = []
        let widest = all.map { $0.usage.count }.max() ?? 0
        let column = (width == nil ? widest : min(widest, Self.usualUsageLength)) + 2
        let twoColumns = width.map { $0 - column >= Self.minimumHelpColumn } ?? true
        let indent = twoColumns ? column : 4
        for spec in all {
            let aliases = spec.aliases.isEmpty ? "" : " (also /" + spec.aliases.joined(separator: ", /") + ")"
            let help = spec.help + aliases
            guard let width else {
                lines.append(spec.usage.padding(toLength: column) + help)
                continue
            }
            var wrapped = LineWrapper.lines(of: help, width: width - indent)
            if twoColumns, spec.usage.count + 2 <= column {
                lines.append(spec.usage.padding(toLength: column) + wrapped.removeFirst())
            } else {
                lines.append(spec.usage)
            }
            lines += wrapped.map { String(repeating: " ", count: indent) + $0 }
        }
        lines.append("")
        // The keys, broken between them, never inside one.
        let keys = [
            "Enter sends", "\"\"\" opens and closes a multi-line message", "Alt-Enter adds a line",
            "Esc or Ctrl-C stops a reply", "Ctrl-C clears the line", "Ctrl-D leaves", "Alt-N new chat",
            "Alt-S settings",
        ]
        var line = "Keys:"
        for (index, key) in keys.enumerated() {
            let item = key + (index == keys.count - 1 ? "." : ";")
            if line.count + 1 + item.count > (width ?? Self.pipedKeysWidth), line != "Keys:" {
                lines.append(line)
                line = item
            } else {
                line += " " + item
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// Usages up to this long set the description column in a terminal; longer ones (`/say`'s,
    /// `/code`'s) have their description on the next line rather than push every other one right.
    static let usualUsageLength = 22
    /// The fewest columns a description is given beside the usages before it goes under them.
    static let minimumHelpColumn = 30
    /// Piped, the keys are given in lines of about this length.
    static let pipedKeysWidth = 100

    /// `/help CMD`.
    public static func helpText(for spec: CommandSpec) -> String {
        var text = "usage: \(spec.usage)\n\(spec.help)"
        if !spec.aliases.isEmpty { text += "\naliases: /" + spec.aliases.joined(separator: ", /") }
        return text
    }

    /// Damerau-Levenshtein distance (adjacent swaps count one), for "did you mean".
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}

/// The words nearest to one that was not found: "did you mean" for commands and model names.
public enum Nearest {
    /// Up to `limit` of `candidates`, nearest to `word` first (those containing it, then by edit distance).
    public static func names(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
        let lowered = word.lowercased()
        return candidates.map { candidate -> (String, Int) in
            let name = candidate.lowercased()
            let distance = name.contains(lowered) || lowered.contains(name) ? 0 : CommandCatalog.editDistance(lowered, name)
            return (candidate, distance)
        }
        .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        .prefix(limit).map(\.0)
    }
}
