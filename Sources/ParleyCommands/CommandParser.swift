import Foundation

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
    /// A slash command from the catalog, with the rest of the line (trimmed) as its argument.
    case command(CommandSpec, argument: String)
    /// Nothing to do (an empty line).
    case empty
    /// A command that cannot run as given; nothing is sent.
    case refused(String)
}

/// Why a command's argument cannot be used. With `showsUsage`, the command's usage follows the
/// sentence ("Which message? Usage: /edit N").
public struct CommandRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var showsUsage: Bool

    public init(_ reason: String, showsUsage: Bool = true) {
        self.reason = reason
        self.showsUsage = showsUsage
    }

    public var description: String { reason }

    /// The sentence as said for `spec`.
    public func sentence(for spec: CommandSpec) -> String {
        showsUsage ? (reason.isEmpty ? "" : reason + " ") + "Usage: \(spec.usage)" : reason
    }
}

/// Reads lines into messages and commands; what each command's argument means is the command's own
/// business. Pure.
public enum CommandParser {
    /// - Parameter idle: whether the conversation is between replies; commands the catalog allows
    ///   only then are refused otherwise.
    public static func parse(_ line: String, catalog: CommandCatalog, idle: Bool = true) -> ParsedInput {
        let trimmed = line.trimmingWhitespace
        if trimmed.isEmpty { return .empty }
        // "//text" sends "/text"; a path like "/usr/bin" is not taken for a command.
        // (What goes before it is the whitespace `trimmed` took away: spaces, and tabs and the like too.)
        if trimmed.hasPrefix("//") { return .message(String(line.drop { $0.isWhitespace }.dropFirst())) }
        guard trimmed.hasPrefix("/") else { return .message(line) }
        let body = trimmed.dropFirst()
        let word = String(body.prefix { !$0.isWhitespace })
        if word.contains("/") { return .message(line) }
        let argument = String(body.dropFirst(word.count)).trimmingWhitespace
        guard let spec = catalog.lookup(word) else {
            if word.isEmpty { return .refused("Type a command after the slash; /help lists them.") }
            if let near = catalog.suggestion(for: word) {
                return .refused("Unknown command /\(word). Did you mean /\(near.name)? (/help lists them)")
            }
            return .refused("Unknown command /\(word); /help lists them. Start a message with // to send a slash.")
        }
        if !idle, spec.availability == .idle {
            return .refused("/\(spec.name) waits until the reply has ended.")
        }
        return .command(spec, argument: argument)
    }

    /// A positive whole number, or a refusal naming what it is not ("\"two\" is not a message number.").
    public static func number(_ text: String, of what: String) throws(CommandRefusal) -> Int {
        guard let number = Int(text), number > 0 else { throw CommandRefusal("\"\(text)\" is not \(what) number.") }
        return number
    }

    /// A flag such as `--force` or `--yes`, as a word at either end of `argument`, taken out: the rest
    /// (a file name inside keeps its spaces), and whether the flag was there.
    public static func flag(_ name: String, in argument: String) -> (rest: String, present: Bool) {
        if argument == name { return ("", true) }
        if argument.hasPrefix(name + " ") { return (String(argument.dropFirst(name.count)).trimmingWhitespace, true) }
        if argument.hasSuffix(" " + name) { return (String(argument.dropLast(name.count)).trimmingWhitespace, true) }
        return (argument, false)
    }

    /// `--save FILE [--force]` taken out of `argument`: what is before it, and the file (nil without
    /// `--save`). The file is the rest of the line, spaces and all.
    public static func saveOption(in argument: String) throws(CommandRefusal) -> (rest: String, save: SaveTarget?) {
        let (argument, force) = flag("--force", in: argument)
        guard let range = argument.range(of: "--save") else {
            if force { throw CommandRefusal("--force goes with --save FILE.") }
            return (argument, nil)
        }
        let path = argument[range.upperBound...].trimmingWhitespace
        if path.isEmpty { throw CommandRefusal("--save needs a file name.") }
        return (argument[..<range.lowerBound].trimmingWhitespace, SaveTarget(path, replacing: force))
    }

    /// Completions for the text before the cursor: the word they would replace, as typed, and what
    /// may replace it. Command names after a lone `/word`, then the argument kind the command's row
    /// names; `models` and `paths` supply the lists (`paths` is given a path as it reads, `~` and all).
    public static func completions(
        for before: String, catalog: CommandCatalog, models: () -> [String],
        paths: (String) -> [String]
    ) -> (word: String, candidates: [String]) {
        guard before.hasPrefix("/") else { return ("", []) }
        let parts = before.split(separator: " ", omittingEmptySubsequences: false)
        if parts.count == 1 {
            let word = parts[0].dropFirst().lowercased()
            return (String(parts[0]), catalog.all.map(\.name).filter { $0.hasPrefix(word) }.map { "/" + $0 })
        }
        guard let spec = catalog.lookup(String(parts[0].dropFirst())) else { return ("", []) }
        let word = String(parts.last ?? "")
        switch spec.completes {
        case .nothing: return (word, [])
        case .model: return (word, models().filter { $0.hasPrefix(word) })
        case .command: return (word, catalog.all.map(\.name).filter { $0.hasPrefix(word) })
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
    public var trimmingWhitespace: String {
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
        // By scalar, as `scan` reads: a quote or space with a combining mark after it is still one.
        var typed = ""
        let opening = word.unicodeScalars.first
        switch opening {
        case "'":
            // Nothing is special inside single quotes but the quote itself: closed, escaped, reopened.
            typed = "'" + path.unicodeScalars.map { $0 == "'" ? #"'\''"# : String($0) }.joined()
        case "\"":
            typed = "\"" + path.unicodeScalars.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined()
        default:
            for scalar in path.unicodeScalars {
                if scalar == " " || scalar == "\t" || scalar == "'" || scalar == "\"" || scalar == "\\" {
                    typed.unicodeScalars.append("\\")
                }
                typed.unicodeScalars.append(scalar)
            }
            return typed
        }
        return typed + (path.hasSuffix("/") ? "" : String(opening!))
    }

    /// The words of `text`, each as typed and as it reads, and whether the last is still open (not
    /// ended by a space). Read by Unicode scalar, not by character: a quote, a backslash or a space
    /// that a combining mark follows is still a quote, a backslash or a space.
    private static func scan(_ text: String) -> (words: [(typed: Substring, value: String)], open: Bool) {
        var words: [(typed: Substring, value: String)] = []
        var current = String.UnicodeScalarView()
        var start: String.Index?
        var quote: Unicode.Scalar?
        var escaped = false
        for index in text.unicodeScalars.indices {
            let character = text.unicodeScalars[index]
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
                if let begun = start { words.append((text[begun..<index], String(current))) }
                current = String.UnicodeScalarView()
                start = nil
            } else {
                current.append(character)
                start = start ?? index
            }
        }
        if let begun = start { words.append((text[begun...], String(current))) }
        return (words, start != nil)
    }

    /// `~` and `~/...` in the user's home, as `HOME` names it.
    public static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
