import XCTest
@testable import ParleyCommands

final class CommandParserTests: XCTestCase {
    struct Refused: Error, CustomStringConvertible { var description: String }

    /// Range checks like the shell's (ParleyAPI's SettingValue), kept local so this module stays pure.
    let checks = CommandParser.Checks(
        temperature: { text in
            guard let value = Double(text), (0...2).contains(value) else { throw Refused(description: "Temperature must be from 0 to 2.") }
            return value
        },
        topP: { text in
            guard let value = Double(text), (0...1).contains(value) else { throw Refused(description: "top_p must be from 0 to 1.") }
            return value
        },
        maxTokens: { text in
            if text == "auto" { return nil }
            guard let value = Int(text), value > 0 else { throw Refused(description: "Max tokens must be positive.") }
            return value
        })

    func parse(_ line: String) -> ParsedInput { CommandParser.parse(line, checks: checks) }

    func testMessagesAndEmptyLines() {
        XCTAssertEqual(parse("hello there"), .message("hello there"))
        XCTAssertEqual(parse("   "), .empty)
        XCTAssertEqual(parse("//etc is a folder"), .message("/etc is a folder"))
        XCTAssertEqual(parse("/usr/bin/env is a path"), .message("/usr/bin/env is a path"))
    }

    func testEachCommandParses() {
        XCTAssertEqual(parse("/help"), .command(.help(nil)))
        XCTAssertEqual(parse("/help temp"), .command(.help(CommandTable.lookup("temp"))))
        XCTAssertEqual(parse("/help /edit"), .command(.help(CommandTable.lookup("edit"))))
        XCTAssertEqual(parse("/model"), .command(.model(nil)))
        XCTAssertEqual(parse("/model gpt-4o-mini"), .command(.model("gpt-4o-mini")))
        XCTAssertEqual(parse("/system"), .command(.system(.show)))
        XCTAssertEqual(parse("/system --clear"), .command(.system(.clear)))
        XCTAssertEqual(parse("/system You are terse."), .command(.system(.set("You are terse."))))
        XCTAssertEqual(parse("/temp"), .command(.temperature(nil)))
        XCTAssertEqual(parse("/temp 0.7"), .command(.temperature(0.7)))
        XCTAssertEqual(parse("/temperature 2"), .command(.temperature(2)))
        XCTAssertEqual(parse("/top_p 0.9"), .command(.topP(0.9)))
        XCTAssertEqual(parse("/max 256"), .command(.maxTokens(.limit(256))))
        XCTAssertEqual(parse("/max auto"), .command(.maxTokens(.auto)))
        XCTAssertEqual(parse("/max"), .command(.maxTokens(.show)))
        XCTAssertEqual(parse("/settings"), .command(.settings))
        XCTAssertEqual(parse("/reset"), .command(.reset))
        XCTAssertEqual(parse("/regen"), .command(.regenerate))
        XCTAssertEqual(parse("/retry"), .command(.retry))
        XCTAssertEqual(parse("/edit 3"), .command(.edit(3)))
        XCTAssertEqual(parse("/history"), .command(.history))
        XCTAssertEqual(parse("/think"), .command(.think(nil)))
        XCTAssertEqual(parse("/think 2"), .command(.think(2)))
        XCTAssertEqual(parse("/new"), .command(.newChat))
        XCTAssertEqual(parse("/stats"), .command(.stats))
        XCTAssertEqual(parse("/debug"), .command(.debug))
        XCTAssertEqual(parse("/quit"), .command(.quit))
        XCTAssertEqual(parse("/exit"), .command(.quit))
        XCTAssertEqual(parse("  /QUIT  "), .command(.quit))
    }

    func testFilesAreReplacedOnlyWithForceAndDeletionsOnlyWithYes() {
        XCTAssertEqual(parse("/save notes.md"), .command(.save(SaveTarget("notes.md"))))
        XCTAssertEqual(parse("/save my notes.md --force"), .command(.save(SaveTarget("my notes.md", replacing: true))))
        XCTAssertEqual(parse("/save --force notes.md"), .command(.save(SaveTarget("notes.md", replacing: true))))
        XCTAssertEqual(parse("/save --forceful.md"), .command(.save(SaveTarget("--forceful.md"))), "a whole word only")
        XCTAssertEqual(parse("/say"), .command(.say(number: nil, save: nil)))
        XCTAssertEqual(parse("/say --save reply.wav"), .command(.say(number: nil, save: SaveTarget("reply.wav"))))
        XCTAssertEqual(parse("/say 2 --save reply.wav --force"), .command(.say(number: 2, save: SaveTarget("reply.wav", replacing: true))))
        XCTAssertEqual(parse("/code"), .command(.code(language: "curl", save: nil)))
        XCTAssertEqual(parse("/code python --save my snippet.py --force"),
                       .command(.code(language: "python", save: SaveTarget("my snippet.py", replacing: true))))
        XCTAssertEqual(parse("/code --force --save ask.sh"), .command(.code(language: "curl", save: SaveTarget("ask.sh", replacing: true))))
        XCTAssertEqual(parse("/delete 3"), .command(.delete(number: 3, confirmed: false)))
        XCTAssertEqual(parse("/delete 3 --yes"), .command(.delete(number: 3, confirmed: true)))
        XCTAssertEqual(parse("/delete --yes 3"), .command(.delete(number: 3, confirmed: true)))
        XCTAssertEqual(parse("/delete --yes"), .command(.delete(number: nil, confirmed: true)))
        for (line, reason) in [("/save --force", "Save to which file?"), ("/say --save", "--save needs a file name."),
                               ("/say 2 --force", "--force goes with --save FILE."), ("/code ts --force", "--force goes with --save FILE."),
                               ("/delete 3 4 --yes", "\"3 4\" is not a conversation number.")] {
            guard case let .refused(text) = parse(line) else { XCTFail("\(line) was taken"); continue }
            XCTAssertTrue(text.hasPrefix(reason), "\(line): \(text)")
        }
    }

    func testNamesMatchAsWholeWords() {
        guard case let .refused(reason) = parse("/set") else { return XCTFail("/set must not run /settings") }
        XCTAssertTrue(reason.contains("Unknown command /set"), reason)
        guard case .refused = parse("/tempo 1") else { return XCTFail("/tempo is not /temp") }
    }

    func testUnknownCommandSuggestsTheNearest() {
        XCTAssertEqual(parse("/tmep 1"), .refused("Unknown command /tmep. Did you mean /temp? (/help lists them)"))
        guard case let .refused(reason) = parse("/hepl") else { return XCTFail() }
        XCTAssertTrue(reason.contains("/help"), reason)
        guard case let .refused(far) = parse("/xyzzy") else { return XCTFail() }
        XCTAssertFalse(far.contains("Did you mean"), far)
    }

    func testRangesAndUsage() {
        for line in ["/temp 3", "/temp -1", "/temp hot", "/top_p 1.5", "/max 0", "/max -3", "/max lots"] {
            guard case let .refused(reason) = parse(line) else { return XCTFail("\(line) must be refused") }
            XCTAssertTrue(reason.contains("Usage: /"), "\(line): \(reason)")
        }
        XCTAssertEqual(parse("/edit"), .refused("Which message? /history shows their numbers. Usage: /edit N"))
        guard case .refused = parse("/edit two") else { return XCTFail() }
        guard case .refused = parse("/edit 0") else { return XCTFail() }
        XCTAssertEqual(parse("/regen now"), .refused("/regen takes no argument. Usage: /regen"))
    }

    func testTheTableSaysWhenEachCommandMayRun() {
        XCTAssertEqual(CommandParser.parse("/temp 1", checks: checks, idle: false), .refused("/temp waits until the reply has ended."))
        XCTAssertEqual(CommandParser.parse("/quit", checks: checks, idle: false), .command(.quit))
        XCTAssertEqual(CommandParser.parse("/temp 1", checks: checks, idle: true), .command(.temperature(1)))
    }

    func testHelpIsPrintedFromTheTable() {
        let help = CommandTable.helpText()
        for spec in CommandTable.all {
            XCTAssertTrue(help.contains(spec.usage) && help.contains(spec.help), spec.name)
        }
        XCTAssertEqual(CommandTable.helpText(for: CommandTable.lookup("temp")!),
                       "usage: /temp [0-2]\nshow or set the temperature\naliases: /temperature")
    }

    /// Each command's description as `/help` laid it out: the text after its usage and the indented
    /// lines under it, joined.
    private func descriptions(in help: String) -> [String: String] {
        var found: [String: String] = [:]
        var current: String?
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let spec = CommandTable.all.first(where: { line == $0.usage || line.hasPrefix($0.usage + "  ") }) {
                current = spec.name
                found[spec.name] = line.dropFirst(spec.usage.count).trimmingCharacters(in: .whitespaces)
            } else if let name = current, line.hasPrefix(" ") {
                found[name] = [found[name]!, line.trimmingCharacters(in: .whitespaces)].filter { !$0.isEmpty }.joined(separator: " ")
            } else {
                current = nil
            }
        }
        return found
    }

    func testHelpFitsTheTerminalItIsShownIn() {
        let expected = Dictionary(uniqueKeysWithValues: CommandTable.all.map { spec in
            (spec.name, spec.help + (spec.aliases.isEmpty ? "" : " (also /" + spec.aliases.joined(separator: ", /") + ")"))
        })
        for width in [50, 80, 120] {
            let help = CommandTable.helpText(width: width)
            let lines = help.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.filter { $0.count > width }, [], "width \(width)")
            XCTAssertEqual(descriptions(in: help), expected, "width \(width)")
            XCTAssertTrue(help.contains("Keys: Enter sends;") && help.hasSuffix("Alt-S settings."), "width \(width)")
            XCTAssertFalse(lines.contains { $0.hasSuffix("Alt-Enter") || $0.hasPrefix("adds") }, "a key is never broken")
        }
        // Two columns: the description beside its usage, the long usages' under them, wrapping under it.
        let wide = CommandTable.helpText(width: 80).split(separator: "\n").map(String.init)
        XCTAssertTrue(wide.contains("/temp [0-2]             show or set the temperature (also /temperature)"))
        let code = wide.firstIndex(of: "/code [curl|python|ts] [--save FILE [--force]]")!
        XCTAssertEqual(wide[code + 1], String(repeating: " ", count: 24) + "a snippet that repeats this conversation's last request")
        let max = wide.firstIndex { $0.hasPrefix("/max [N|auto]") }!
        XCTAssertEqual(wide[max + 1], String(repeating: " ", count: 24) + "/max_tokens)")
        // Too narrow for two: every description under its usage.
        let narrow = CommandTable.helpText(width: 50).split(separator: "\n").map(String.init)
        XCTAssertEqual(narrow[0], "/help [command]")
        XCTAssertEqual(narrow[1], "    list commands, or show one command's help")
        // Piped: one line a command, whatever its length.
        let piped = CommandTable.helpText().split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(piped.prefix(CommandTable.all.count)).map { $0.split(separator: " ").first.map(String.init) },
                       CommandTable.all.map { "/" + $0.name })
        XCTAssertEqual(descriptions(in: CommandTable.helpText()), expected)
    }

    func testCompletionReadsTheTable() {
        let models = { ["SmolLM2-135M-Instruct", "gpt-4o", "gpt-4o-mini"] }
        let none: (String) -> [String] = { _ in [] }
        XCTAssertEqual(CommandParser.completions(for: "/te", models: models, paths: none).candidates, ["/temp"])
        XCTAssertEqual(Set(CommandParser.completions(for: "/se", models: models, paths: none).candidates), ["/settings", "/search"])
        XCTAssertEqual(CommandParser.completions(for: "/model gpt", models: models, paths: none).candidates, ["gpt-4o", "gpt-4o-mini"])
        XCTAssertEqual(CommandParser.completions(for: "/max a", models: models, paths: none).candidates, ["auto"])
        XCTAssertEqual(CommandParser.completions(for: "/help ed", models: models, paths: none).candidates, ["edit"])
        XCTAssertEqual(CommandParser.completions(for: "hello", models: models, paths: none).candidates, [])
        XCTAssertEqual(CommandParser.completions(for: "/model gpt-4o-", models: models, paths: none).word, "gpt-4o-")
    }

    func testPathsCompleteAsTheyAreTyped() {
        let models = { [String]() }
        var asked: [String] = []
        let files: (String) -> [String] = { partial in
            asked.append(partial)
            return ["~/holiday pictures/", "~/holiday pictures/beach.png", "~/holiday pictures/it's.jpg"].filter { $0.hasPrefix(partial) }
        }
        // /attach: backslashes and quotes are read, and the candidates written the same way.
        let escaped = CommandParser.completions(for: #"/attach one.png ~/holiday\ pictures/b"#, models: models, paths: files)
        XCTAssertEqual(asked.last, "~/holiday pictures/b")
        XCTAssertEqual(escaped.word, #"~/holiday\ pictures/b"#)
        XCTAssertEqual(escaped.candidates, [#"~/holiday\ pictures/beach.png"#])
        let quoted = CommandParser.completions(for: #"/attach "~/holiday pictures/"#, models: models, paths: files)
        XCTAssertEqual(quoted.word, #""~/holiday pictures/"#)
        XCTAssertEqual(quoted.candidates, [#""~/holiday pictures/"#, #""~/holiday pictures/beach.png""#, #""~/holiday pictures/it's.jpg""#],
                       "a directory leaves the quote open, a file closes it")
        XCTAssertEqual(CommandParser.completions(for: #"/attach ~/holiday\ pictures/it"#, models: models, paths: files).candidates,
                       [#"~/holiday\ pictures/it\'s.jpg"#])
        XCTAssertEqual(CommandParser.completions(for: "/attach one.png ", models: models, paths: files).word, "", "a new word")
        // /save: one file, the rest of the line as it stands, spaces and all.
        let save = CommandParser.completions(for: "/save  --force  ~/holiday pictures/be", models: models, paths: files)
        XCTAssertEqual(asked.last, "~/holiday pictures/be")
        XCTAssertEqual(save.word, "~/holiday pictures/be")
        XCTAssertEqual(save.candidates, ["~/holiday pictures/beach.png"])
    }

    func testPathWordsAsTypedAndAsRead() {
        XCTAssertEqual(PathWords.lastWord(#"a 'b c"#).typed, "'b c")
        XCTAssertEqual(PathWords.lastWord(#"a 'b c"#).value, "b c")
        XCTAssertEqual(PathWords.lastWord(#"a b\ c"#).typed, #"b\ c"#)
        XCTAssertEqual(PathWords.lastWord("a b ").typed, "")
        XCTAssertEqual(PathWords.typed("a b/it's", like: "a"), #"a\ b/it\'s"#)
        XCTAssertEqual(PathWords.typed("a b/", like: "'a"), "'a b/")
        XCTAssertEqual(PathWords.typed("a b.png", like: "\"a"), "\"a b.png\"")
        // What is typed reads back as the path.
        for path in ["a b/it's.png", #"back\slash"#, "tab\tname", #"say "hi".png"#] {
            for start in ["", "'", "\""] {
                XCTAssertEqual(PathWords.split(PathWords.typed(path, like: start)), [path], "begun with \(start)")
            }
        }
    }

    func testEditDistanceCountsASwapOnce() {
        XCTAssertEqual(CommandTable.editDistance("tmep", "temp"), 1)
        XCTAssertEqual(CommandTable.editDistance("temp", "temp"), 0)
        XCTAssertEqual(CommandTable.editDistance("", "abc"), 3)
    }
}
