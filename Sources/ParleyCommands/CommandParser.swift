import Foundation

/// A slash command with its arguments checked.
public enum Command: Sendable, Equatable {
    case help(CommandSpec?)
    case model(String?)
    case system(SystemArgument)
    case temperature(Double?)
    case topP(Double?)
    case maxTokens(MaxTokensArgument)
    case settings
    case reset
    case regenerate
    case retry
    case edit(Int)
    case history
    case think(Int?)
    case attach([String])
    case detach(Int?)
    case copy(number: Int?, code: Bool)
    case say(number: Int?, save: SaveTarget?)
    case code(language: String, save: SaveTarget?)
    case newChat
    case chats
    case open(String)
    case rename(String)
    case delete(number: Int?, confirmed: Bool)
    case search(String)
    case save(SaveTarget)
    case stats
    case debug
    case quit

    public enum SystemArgument: Sendable, Equatable { case show, clear, set(String) }
    public enum MaxTokensArgument: Sendable, Equatable { case show, auto, limit(Int) }
}

/// A file a command writes (`/save FILE`, `--save FILE`), and whether it may replace one that is
/// there (`--force`): no command overwrites a file unasked.
public struct SaveTarget: Sendable, Equatable {
    public var path: String
    public var replacing: Bool
    public init(_ path: String, replacing: Bool = false) {
        self.path = path
        self.replacing = replacing
    }
}

/// What a line of input is.
public enum ParsedInput: Sendable, Equatable {
    case message(String)
    case command(Command)
    /// Nothing to do (an empty line).
    case empty
    /// A command that cannot run as given; nothing is sent.
    case refused(String)
}

/// Parses lines into messages and commands. Pure.
public enum CommandParser {
    /// Range checks for numbers; the caller passes the shared ones (`SettingValue` in ParleyAPI).
    public struct Checks: Sendable {
        public var temperature: @Sendable (String) throws -> Double
        public var topP: @Sendable (String) throws -> Double
        public var maxTokens: @Sendable (String) throws -> Int?

        public init(temperature: @escaping @Sendable (String) throws -> Double,
                    topP: @escaping @Sendable (String) throws -> Double,
                    maxTokens: @escaping @Sendable (String) throws -> Int?) {
            self.temperature = temperature
            self.topP = topP
            self.maxTokens = maxTokens
        }
    }

    /// - Parameter idle: whether the conversation is between replies; commands the table allows
    ///   only then are refused otherwise.
    public static func parse(_ line: String, checks: Checks, idle: Bool = true) -> ParsedInput {
        let trimmed = line.trimmingWhitespace
        if trimmed.isEmpty { return .empty }
        // "//text" sends "/text"; a path like "/usr/bin" is not taken for a command.
        if trimmed.hasPrefix("//") { return .message(String(line.dropFirst(line.prefix { $0 == " " }.count + 1))) }
        guard trimmed.hasPrefix("/") else { return .message(line) }
        let body = trimmed.dropFirst()
        let word = String(body.prefix { !$0.isWhitespace })
        if word.contains("/") { return .message(line) }
        let argument = String(body.dropFirst(word.count)).trimmingWhitespace
        guard let spec = CommandTable.lookup(word) else {
            if word.isEmpty { return .refused("Type a command after the slash; /help lists them.") }
            if let near = CommandTable.suggestion(for: word) {
                return .refused("Unknown command /\(word). Did you mean /\(near.name)? (/help lists them)")
            }
            return .refused("Unknown command /\(word); /help lists them. Start a message with // to send a slash.")
        }
        if !idle, spec.availability == .idle {
            return .refused("/\(spec.name) waits until the reply has ended.")
        }
        return command(spec, argument: argument, checks: checks)
    }

    static func command(_ spec: CommandSpec, argument: String, checks: Checks) -> ParsedInput {
        func usage(_ reason: String? = nil) -> ParsedInput {
            .refused((reason.map { $0 + " " } ?? "") + "Usage: \(spec.usage)")
        }
        func noArgument(_ command: Command) -> ParsedInput {
            argument.isEmpty ? .command(command) : usage("/\(spec.name) takes no argument.")
        }
        func checked<T>(_ check: (String) throws -> T) -> Result<T, Error> {
            Result { try check(argument) }
        }
        switch spec.name {
        case "help":
            if argument.isEmpty { return .command(.help(nil)) }
            let name = argument.hasPrefix("/") ? String(argument.dropFirst()) : argument
            guard let target = CommandTable.lookup(name) else {
                let near = CommandTable.suggestion(for: name).map { " Did you mean /\($0.name)?" } ?? ""
                return .refused("There is no command /\(name).\(near)")
            }
            return .command(.help(target))
        case "model":
            return .command(.model(argument.isEmpty ? nil : argument))
        case "system":
            if argument.isEmpty { return .command(.system(.show)) }
            if argument == "--clear" { return .command(.system(.clear)) }
            return .command(.system(.set(argument)))
        case "temp":
            if argument.isEmpty { return .command(.temperature(nil)) }
            switch checked(checks.temperature) {
            case let .success(value): return .command(.temperature(value))
            case let .failure(error): return usage("\(error)")
            }
        case "top_p":
            if argument.isEmpty { return .command(.topP(nil)) }
            switch checked(checks.topP) {
            case let .success(value): return .command(.topP(value))
            case let .failure(error): return usage("\(error)")
            }
        case "max":
            if argument.isEmpty { return .command(.maxTokens(.show)) }
            switch checked(checks.maxTokens) {
            case let .success(value): return .command(.maxTokens(value.map { .limit($0) } ?? .auto))
            case let .failure(error): return usage("\(error)")
            }
        case "edit":
            guard let number = Int(argument), number > 0 else {
                return usage(argument.isEmpty ? "Which message? /history shows their numbers." : "\"\(argument)\" is not a message number.")
            }
            return .command(.edit(number))
        case "think":
            if argument.isEmpty { return .command(.think(nil)) }
            guard let number = Int(argument), number > 0 else { return usage("\"\(argument)\" is not a message number.") }
            return .command(.think(number))
        case "open":
            return argument.isEmpty ? usage("Which conversation? /chats lists them.") : .command(.open(argument))
        case "rename":
            return argument.isEmpty ? usage("What title?") : .command(.rename(argument))
        case "search":
            return argument.isEmpty ? usage("Search for what?") : .command(.search(argument))
        case "delete":
            let (rest, confirmed) = flag("--yes", in: argument)
            let words = rest.split(separator: " ").map(String.init)
            if words.isEmpty { return .command(.delete(number: nil, confirmed: confirmed)) }
            guard words.count == 1, let number = Int(words[0]), number > 0 else {
                return usage("\"\(words.joined(separator: " "))\" is not a conversation number.")
            }
            return .command(.delete(number: number, confirmed: confirmed))
        case "save":
            let (path, force) = flag("--force", in: argument)
            return path.isEmpty ? usage("Save to which file?") : .command(.save(SaveTarget(path, replacing: force)))
        case "attach":
            let paths = PathWords.split(argument)
            return paths.isEmpty ? usage("Attach which files?") : .command(.attach(paths))
        case "detach":
            if argument.isEmpty || argument == "all" { return .command(.detach(nil)) }
            guard let number = Int(argument), number > 0 else { return usage("\"\(argument)\" is not an image number.") }
            return .command(.detach(number))
        case "copy":
            var number: Int?
            var code = false
            for word in argument.split(separator: " ") {
                if word == "code" { code = true } else if let value = Int(word), value > 0 { number = value } else {
                    return usage("\"\(word)\" is neither a message number nor code.")
                }
            }
            return .command(.copy(number: number, code: code))
        case "say":
            let rest: String, save: SaveTarget?
            switch saveOption(in: argument) {
            case let .success(found): (rest, save) = found
            case let .failure(refusal): return usage(refusal.reason)
            }
            if rest.isEmpty { return .command(.say(number: nil, save: save)) }
            guard let number = Int(rest), number > 0 else { return usage("\"\(rest)\" is not a message number.") }
            return .command(.say(number: number, save: save))
        case "code":
            let rest: String, save: SaveTarget?
            switch saveOption(in: argument) {
            case let .success(found): (rest, save) = found
            case let .failure(refusal): return usage(refusal.reason)
            }
            let language = rest.isEmpty ? "curl" : rest.lowercased()
            guard ["curl", "python", "ts"].contains(language) else { return usage("\"\(rest)\" is not curl, python or ts.") }
            return .command(.code(language: language, save: save))
        case "chats": return noArgument(.chats)
        case "settings": return noArgument(.settings)
        case "reset": return noArgument(.reset)
        case "regen": return noArgument(.regenerate)
        case "retry": return noArgument(.retry)
        case "history": return noArgument(.history)
        case "new": return noArgument(.newChat)
        case "stats": return noArgument(.stats)
        case "debug": return noArgument(.debug)
        case "quit": return noArgument(.quit)
        default: return usage()
        }
    }

    /// A flag such as `--force` or `--yes`, as a word at either end of `argument`, taken out: the rest
    /// (a file name inside keeps its spaces), and whether the flag was there.
    static func flag(_ name: String, in argument: String) -> (rest: String, present: Bool) {
        if argument == name { return ("", true) }
        if argument.hasPrefix(name + " ") { return (String(argument.dropFirst(name.count)).trimmingWhitespace, true) }
        if argument.hasSuffix(" " + name) { return (String(argument.dropLast(name.count)).trimmingWhitespace, true) }
        return (argument, false)
    }

    struct Refusal: Error { var reason: String }

    /// `--save FILE [--force]` taken out of `argument`: what is before it, and the file (nil without
    /// `--save`). The file is the rest of the line, spaces and all.
    static func saveOption(in argument: String) -> Result<(rest: String, save: SaveTarget?), Refusal> {
        let (argument, force) = flag("--force", in: argument)
        guard let range = argument.range(of: "--save") else {
            return force ? .failure(Refusal(reason: "--force goes with --save FILE.")) : .success((argument, nil))
        }
        let path = argument[range.upperBound...].trimmingWhitespace
        if path.isEmpty { return .failure(Refusal(reason: "--save needs a file name.")) }
        return .success((argument[..<range.lowerBound].trimmingWhitespace, SaveTarget(path, replacing: force)))
    }

    /// Completions for the text before the cursor: the word they would replace, as typed, and what
    /// may replace it. Command names after a lone `/word`, then the argument kind the command's row
    /// names; `models` and `paths` supply the lists (`paths` is given a path as it reads, `~` and all).
    public static func completions(for before: String, models: () -> [String],
                                   paths: (String) -> [String]) -> (word: String, candidates: [String]) {
        guard before.hasPrefix("/") else { return ("", []) }
        let parts = before.split(separator: " ", omittingEmptySubsequences: false)
        if parts.count == 1 {
            let word = parts[0].dropFirst().lowercased()
            return (String(parts[0]), CommandTable.all.map(\.name).filter { $0.hasPrefix(word) }.map { "/" + $0 })
        }
        guard let spec = CommandTable.lookup(String(parts[0].dropFirst())) else { return ("", []) }
        let word = String(parts.last ?? "")
        switch spec.completes {
        case .nothing: return (word, [])
        case .model: return (word, models().filter { $0.hasPrefix(word) })
        case .command: return (word, CommandTable.all.map(\.name).filter { $0.hasPrefix(word) })
        case let .fixed(options): return (word, options.filter { $0.hasPrefix(word) })
        case .paths:
            // Words as a terminal types them: the candidates are typed the same way.
            let last = PathWords.lastWord(String(before.dropFirst(parts[0].count)))
            return (last.typed, paths(last.value).map { PathWords.typed($0, like: last.typed) })
        case .file:
            // One file, the rest of the line as it stands (after a `--force`).
            var file = before.dropFirst(parts[0].count).drop { $0 == " " }
            if file.hasPrefix("--force ") { file = file.dropFirst("--force ".count).drop { $0 == " " } }
            return (String(file), paths(String(file)))
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}

/// Paths as a terminal types them: words split at spaces, except inside quotes or after a backslash
/// (how a dropped file's path arrives), with `~` expanded at the start.
public enum PathWords {
    public static func split(_ text: String) -> [String] {
        scan(text).words.map { expandTilde($0.value) }
    }

    /// The word being typed at the end of `text`: as typed (quotes and backslashes kept; empty after
    /// a space), and the path it spells (`~` not expanded).
    public static func lastWord(_ text: String) -> (typed: String, value: String) {
        let (words, open) = scan(text)
        guard open, let last = words.last else { return ("", "") }
        return (String(last.typed), last.value)
    }

    /// `path` typed the way `word` was begun, so that it reads back as `path`: inside the quote it
    /// opened (closed after a file, left open after a directory), else with a backslash before each
    /// space, tab, quote and backslash.
    public static func typed(_ path: String, like word: String) -> String {
        var typed = ""
        switch word.first {
        case "'":
            // Nothing is special inside single quotes but the quote itself: closed, escaped, reopened.
            typed = "'" + path.replacingOccurrences(of: "'", with: #"'\''"#)
        case "\"":
            typed = "\"" + path.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined()
        default:
            for character in path {
                if character == " " || character == "\t" || character == "'" || character == "\"" || character == "\\" {
                    typed.append("\\")
                }
                typed.append(character)
            }
            return typed
        }
        return typed + (path.hasSuffix("/") ? "" : String(word.first!))
    }

    /// The words of `text`, each as typed and as it reads, and whether the last is still open (not
    /// ended by a space).
    private static func scan(_ text: String) -> (words: [(typed: Substring, value: String)], open: Bool) {
        var words: [(typed: Substring, value: String)] = []
        var current = ""
        var start: String.Index?
        var quote: Character?
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\", quote != "'" {
                escaped = true
                start = start ?? index
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                start = start ?? index
            } else if character == " " || character == "\t" {
                if let begun = start { words.append((text[begun..<index], current)) }
                current = ""
                start = nil
            } else {
                current.append(character)
                start = start ?? index
            }
        }
        if let begun = start { words.append((text[begun...], current)) }
        return (words, start != nil)
    }

    /// `~` and `~/...` in the user's home, as `HOME` names it.
    public static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
