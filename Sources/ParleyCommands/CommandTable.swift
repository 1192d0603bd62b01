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
    public enum ArgumentKind: Sendable, Equatable { case nothing, model, paths, file, command, fixed([String]) }

    public var usage: String { arguments.isEmpty ? "/\(name)" : "/\(name) \(arguments)" }
}

/// The one table of slash commands.
public enum CommandTable {
    public static let all: [CommandSpec] = [
        spec("help", ["?"], "[command]", "list commands, or show one command's help", completes: .command),
        spec("model", [], "[name|N|--refresh]", "list the server's models to pick one, or switch to model name or N (--refresh asks the server again)",
             completes: .model),
        spec("system", [], "[text|--clear]", "show, set or clear the system prompt", completes: .fixed(["--clear"])),
        spec("temp", ["temperature"], "[0-2]", "show or set the temperature"),
        spec("top_p", ["topp"], "[0-1]", "show or set top_p"),
        spec("max", ["max_tokens"], "[N|auto]", "show or set the most tokens a reply may have", completes: .fixed(["auto"])),
        spec("settings", [], "", "show every setting and where it comes from"),
        spec("reset", [], "", "return every setting to its default"),
        spec("regen", ["regenerate"], "", "ask again for the last reply (it is replaced)"),
        spec("retry", [], "", "send again the message whose request failed"),
        spec("edit", [], "N", "edit your message N; Enter resends it and drops what came after"),
        spec("history", [], "", "list this conversation's messages, numbered"),
        spec("think", [], "[N]", "show the reasoning of reply N (default: the last)"),
        spec("attach", [], "PATH...", "add images (JPEG, PNG, GIF, WebP) to the next message", completes: .paths),
        spec("detach", [], "[N|all]", "remove pending image N, or all of them", completes: .fixed(["all"])),
        spec("copy", [], "[N|code]", "copy reply N (default the last) to the clipboard, or its last code block", completes: .fixed(["code"])),
        spec("say", [], "[N] [--save FILE.wav [--force]]", "read reply N (default the last) aloud, or save it as audio", completes: .fixed(["--save"])),
        spec("code", [], "[curl|python|ts] [--save FILE [--force]]", "a snippet that repeats this conversation's last request",
             completes: .fixed(["curl", "python", "ts"])),
        spec("new", [], "", "start a new conversation"),
        spec("chats", [], "", "list the conversations, most recent first"),
        spec("open", [], "N|ID|TITLE", "open a conversation (N as /chats numbers them)"),
        spec("rename", [], "TITLE", "give this conversation a title"),
        spec("delete", [], "[N] [--yes]", "delete this conversation, or conversation N of /chats", completes: .fixed(["--yes"])),
        spec("search", [], "TEXT", "find messages in every conversation"),
        spec("save", [], "FILE [--force]", "save this conversation as Markdown, or JSON for a .json FILE", completes: .file),
        spec("stats", [], "", "token usage and timings of the last reply"),
        spec("debug", [], "", "the last request's JSON and the events received (key redacted)"),
        spec("quit", ["exit", "q"], "", "leave parley (Ctrl-D too)", availability: .always),
    ]

    private static func spec(_ name: String, _ aliases: [String], _ arguments: String, _ help: String,
                             availability: CommandAvailability = .idle,
                             completes: CommandSpec.ArgumentKind = .nothing) -> CommandSpec {
        CommandSpec(name: name, aliases: aliases, arguments: arguments, help: help, availability: availability,
                    completes: completes)
    }

    /// The command named `word` (a name or alias, whole word, without the slash).
    public static func lookup(_ word: String) -> CommandSpec? {
        let lowered = word.lowercased()
        return all.first { $0.name == lowered || $0.aliases.contains(lowered) }
    }

    /// The command whose name is nearest to `word`, if near enough to be a likely typo.
    public static func suggestion(for word: String) -> CommandSpec? {
        let lowered = word.lowercased()
        var best: (spec: CommandSpec, distance: Int)?
        for spec in all {
            for name in [spec.name] + spec.aliases {
                let distance = editDistance(lowered, name)
                if distance < (best?.distance ?? Int.max) { best = (spec, distance) }
            }
            if spec.name.hasPrefix(lowered), lowered.count >= 2, (best?.distance ?? Int.max) > 1 { best = (spec, 1) }
        }
        guard let best, best.distance <= max(1, min(2, lowered.count / 2)) else { return nil }
        return best.spec
    }

    /// `/help`: every command, one line each. Given a `width` (a terminal's columns), descriptions
    /// line up in a column after the usual usages and wrap within it; a longer usage has its
    /// description on the next line, and a terminal too narrow for two columns has every description
    /// under its usage. Without a width (piped), each command keeps one line.
    public static func helpText(width: Int? = nil) -> String {
        var lines: [String] = []
        let widest = all.map { $0.usage.count }.max() ?? 0
        let column = (width == nil ? widest : min(widest, usualUsageLength)) + 2
        let twoColumns = width.map { $0 - column >= minimumHelpColumn } ?? true
        let indent = twoColumns ? column : 4
        for spec in all {
            let aliases = spec.aliases.isEmpty ? "" : " (also /" + spec.aliases.joined(separator: ", /") + ")"
            let help = spec.help + aliases
            guard let width else {
                lines.append(spec.usage.padding(toLength: column) + help)
                continue
            }
            var wrapped = wordWrap(help, width: width - indent)
            if twoColumns, spec.usage.count + 2 <= column {
                lines.append(spec.usage.padding(toLength: column) + wrapped.removeFirst())
            } else {
                lines.append(spec.usage)
            }
            lines += wrapped.map { String(repeating: " ", count: indent) + $0 }
        }
        lines.append("")
        // The keys, broken between them, never inside one.
        let keys = ["Enter sends", "\"\"\" opens and closes a multi-line message", "Alt-Enter adds a line",
                    "Esc or Ctrl-C stops a reply", "Ctrl-C clears the line", "Ctrl-D leaves", "Alt-N new chat",
                    "Alt-S settings"]
        var line = "Keys:"
        for (index, key) in keys.enumerated() {
            let item = key + (index == keys.count - 1 ? "." : ";")
            if line.count + 1 + item.count > (width ?? pipedKeysWidth), line != "Keys:" {
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

    /// `text` in lines of at most `width` characters, broken at spaces; a word longer than a line
    /// has a line of its own.
    static func wordWrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        lines.append(line)
        return lines
    }

    /// `/help CMD`.
    public static func helpText(for spec: CommandSpec) -> String {
        var text = "usage: \(spec.usage)\n\(spec.help)"
        if !spec.aliases.isEmpty { text += "\naliases: /" + spec.aliases.joined(separator: ", /") }
        return text
    }

    /// Damerau-Levenshtein distance (adjacent swaps count one), for "did you mean".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
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
            let distance = name.contains(lowered) || lowered.contains(name) ? 0 : CommandTable.editDistance(lowered, name)
            return (candidate, distance)
        }
        .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        .prefix(limit).map(\.0)
    }
}
