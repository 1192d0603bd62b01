import ParleyCommands
import ParleyWire
import XCTest

@testable import ParleyShell

/// Each command's argument, read by its own type from the one list (`SlashCommands`).
final class CommandParsingTests: XCTestCase {
    /// What a line becomes: the command value, a message, nothing, or a refusal's sentence.
    enum Parsed: Equatable, CustomStringConvertible {
        case command(String)
        case message(String)
        case empty
        case refused(String)
        var description: String {
            switch self {
            case let .command(text), let .message(text), let .refused(text): return text
            case .empty: return "empty"
            }
        }
    }

    func parse(_ line: String, idle: Bool = true) -> Parsed {
        switch SlashCommands.parse(line, idle: idle) {
        case let .command(command): return .command(String(describing: command))
        case let .message(text): return .message(text)
        case .empty: return .empty
        case let .refused(reason): return .refused(reason)
        }
    }

    /// The same command, written as a value.
    func command(_ value: any SlashCommand) -> Parsed { .command(String(describing: value)) }

    func testMessagesAndEmptyLines() {
        XCTAssertEqual(parse("hello there"), .message("hello there"))
        XCTAssertEqual(parse("   "), .empty)
        XCTAssertEqual(parse("//etc is a folder"), .message("/etc is a folder"))
        XCTAssertEqual(parse("/usr/bin/env is a path"), .message("/usr/bin/env is a path"))
    }

    func testEachCommandParses() throws {
        XCTAssertEqual(parse("/help"), command(HelpCommand(topic: nil)))
        XCTAssertEqual(parse("/help temp"), command(HelpCommand(topic: TemperatureCommand.spec)))
        XCTAssertEqual(parse("/help /edit"), command(HelpCommand(topic: EditCommand.spec)))
        XCTAssertEqual(parse("/model"), command(ModelCommand(argument: "")))
        XCTAssertEqual((try XCTUnwrap(ModelCommand(argument: "--refresh"))).action, .list(refresh: true))
        XCTAssertEqual((try XCTUnwrap(ModelCommand(argument: "gpt-4o-mini"))).action, .switchTo("gpt-4o-mini"))
        XCTAssertEqual(SystemCommand(argument: "").action, .show)
        XCTAssertEqual(SystemCommand(argument: "--clear").action, .clear)
        XCTAssertEqual(SystemCommand(argument: "You are terse.").action, .set("You are terse."))
        XCTAssertEqual(parse("/temp"), command(TemperatureCommand(value: nil)))
        XCTAssertEqual(parse("/temp 0.7"), command(TemperatureCommand(value: 0.7)))
        XCTAssertEqual(parse("/temperature 2"), command(TemperatureCommand(value: 2)))
        XCTAssertEqual(parse("/top_p 0.9"), command(TopPCommand(value: 0.9)))
        XCTAssertEqual(parse("/max 256"), command(MaxTokensCommand(action: .limit(256))))
        XCTAssertEqual(parse("/max auto"), command(MaxTokensCommand(action: .auto)))
        XCTAssertEqual(parse("/max"), command(MaxTokensCommand(action: .show)))
        XCTAssertEqual(parse("/settings"), command(SettingsCommand()))
        XCTAssertEqual(parse("/reset"), command(ResetCommand()))
        XCTAssertEqual(parse("/regen"), command(RegenerateCommand()))
        XCTAssertEqual(parse("/retry"), command(RetryCommand()))
        XCTAssertEqual(parse("/edit 3"), command(EditCommand(number: 3)))
        XCTAssertEqual(parse("/history"), command(HistoryCommand()))
        XCTAssertEqual((try ThinkCommand(argument: "")).number, nil)
        XCTAssertEqual((try ThinkCommand(argument: "2")).number, 2)
        XCTAssertEqual(parse("/new"), command(NewCommand()))
        XCTAssertEqual(parse("/stats"), command(StatsCommand()))
        XCTAssertEqual(parse("/debug"), command(DebugCommand()))
        XCTAssertEqual(parse("/quit"), command(QuitCommand()))
        XCTAssertEqual(parse("/exit"), command(QuitCommand()))
        XCTAssertEqual(parse("  /QUIT  "), command(QuitCommand()))
    }

    func testEveryListedCommandIsItsOwnType() {
        let names = SlashCommands.all.map { $0.spec.name }
        XCTAssertEqual(Set(names).count, names.count, "no name twice")
        let words = SlashCommands.all.flatMap { [$0.spec.name] + $0.spec.aliases }
        XCTAssertEqual(Set(words).count, words.count, "no alias shared")
        XCTAssertEqual(SlashCommands.catalog.all.map(\.name), names, "/help and Tab read the same list")
    }

    func testFilesAreReplacedOnlyWithForceAndDeletionsOnlyWithYes() throws {
        XCTAssertEqual(try SaveCommand(argument: "notes.md").target, SaveTarget("notes.md"))
        XCTAssertEqual(try SaveCommand(argument: "my notes.md --force").target, SaveTarget("my notes.md", replacing: true))
        XCTAssertEqual(try SaveCommand(argument: "--force notes.md").target, SaveTarget("notes.md", replacing: true))
        XCTAssertEqual(try SaveCommand(argument: "--forceful.md").target, SaveTarget("--forceful.md"), "a whole word only")
        let say = try SayCommand(argument: "")
        XCTAssertEqual([say.number, say.save?.path] as [AnyHashable?], [nil, nil])
        XCTAssertEqual(try SayCommand(argument: "--save reply.wav").save, SaveTarget("reply.wav"))
        let sayTwo = try SayCommand(argument: "2 --save reply.wav --force")
        XCTAssertEqual(sayTwo.number, 2)
        XCTAssertEqual(sayTwo.save, SaveTarget("reply.wav", replacing: true))
        let code = try CodeCommand(argument: "")
        XCTAssertEqual(code.language, .curl)
        XCTAssertNil(code.save)
        let python = try CodeCommand(argument: "python --save my snippet.py --force")
        XCTAssertEqual(python.language, .python)
        XCTAssertEqual(python.save, SaveTarget("my snippet.py", replacing: true))
        XCTAssertEqual(try CodeCommand(argument: "--force --save ask.sh").save, SaveTarget("ask.sh", replacing: true))
        for (argument, number, confirmed) in [("3", 3, false), ("3 --yes", 3, true), ("--yes 3", 3, true), ("--yes", nil, true)]
            as [(String, Int?, Bool)]
        {
            let delete = try DeleteCommand(argument: argument)
            XCTAssertEqual(delete.number, number, argument)
            XCTAssertEqual(delete.confirmed, confirmed, argument)
        }
        for (line, reason) in [
            ("/save --force", "Save to which file?"), ("/say --save", "--save needs a file name."),
            ("/say 2 --force", "--force goes with --save FILE."), ("/code ts --force", "--force goes with --save FILE."),
            ("/delete 3 4 --yes", "\"3 4\" is not a conversation number."),
            ("/code rust", "\"rust\" is not curl, python or ts."),
        ] {
            guard case let .refused(text) = parse(line) else {
                XCTFail("\(line) was taken")
                continue
            }
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

    func testOnlyANearNameIsSuggested() {
        guard case let .refused(help) = parse("/help nope") else { return XCTFail() }
        XCTAssertEqual(help, "There is no command /nope.", "top_p is two edits from nope: too far to be a slip")
        guard case let .refused(unknown) = parse("/nope") else { return XCTFail() }
        XCTAssertFalse(unknown.contains("Did you mean"), unknown)
        guard case let .refused(near) = parse("/help hepl") else { return XCTFail() }
        XCTAssertEqual(near, "There is no command /hepl. Did you mean /help?")
        guard case let .refused(longer) = parse("/settigns") else { return XCTFail() }
        XCTAssertTrue(longer.contains("Did you mean /settings?"), longer)
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
        XCTAssertEqual(parse("/temp 1", idle: false), .refused("/temp waits until the reply has ended."))
        XCTAssertEqual(parse("/quit", idle: false), command(QuitCommand()))
        XCTAssertEqual(parse("/temp 1", idle: true), command(TemperatureCommand(value: 1)))
    }

    func testHelpIsPrintedFromTheTable() {
        let help = SlashCommands.catalog.helpText()
        for spec in SlashCommands.catalog.all {
            XCTAssertTrue(help.contains(spec.usage) && help.contains(spec.help), spec.name)
        }
        XCTAssertEqual(
            CommandCatalog.helpText(for: TemperatureCommand.spec),
            "usage: /temp [0-2]\nshow or set the temperature\naliases: /temperature")
    }

    /// Each command's description as `/help` laid it out: the text after its usage and the indented
    /// lines under it, joined.
    private func descriptions(in help: String) -> [String: String] {
        var found: [String: String] = [:]
        var current: String?
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let spec = SlashCommands.catalog.all.first(where: { line == $0.usage || line.hasPrefix($0.usage + "  ") }) {
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
        let expected = Dictionary(
            uniqueKeysWithValues: SlashCommands.catalog.all.map { spec in
                (spec.name, spec.help + (spec.aliases.isEmpty ? "" : " (also /" + spec.aliases.joined(separator: ", /") + ")"))
            })
        for width in [50, 80, 120] {
            let help = SlashCommands.catalog.helpText(width: width)
            let lines = help.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.filter { $0.count > width }, [], "width \(width)")
            XCTAssertEqual(descriptions(in: help), expected, "width \(width)")
            XCTAssertTrue(help.contains("Keys: Enter sends;") && help.hasSuffix("Alt-S settings."), "width \(width)")
            XCTAssertFalse(lines.contains { $0.hasSuffix("Alt-Enter") || $0.hasPrefix("adds") }, "a key is never broken")
        }
        // Two columns: the description beside its usage, the long usages' under them, wrapping under it.
        let wide = SlashCommands.catalog.helpText(width: 80).split(separator: "\n").map(String.init)
        XCTAssertTrue(wide.contains("/temp [0-2]             show or set the temperature (also /temperature)"))
        let code = wide.firstIndex(of: "/code [curl|python|ts] [--save FILE [--force]]")!
        XCTAssertEqual(wide[code + 1], String(repeating: " ", count: 24) + "a snippet that repeats this conversation's last request")
        let max = wide.firstIndex { $0.hasPrefix("/max [N|auto]") }!
        XCTAssertEqual(wide[max + 1], String(repeating: " ", count: 24) + "/max_tokens)")
        // Too narrow for two: every description under its usage.
        let narrow = SlashCommands.catalog.helpText(width: 50).split(separator: "\n").map(String.init)
        XCTAssertEqual(narrow[0], "/help [command]")
        XCTAssertEqual(narrow[1], "    list commands, or show one command's help")
        // Piped: one line a command, whatever its length.
        let piped = SlashCommands.catalog.helpText().split(separator: "\n").map(String.init)
        XCTAssertEqual(
            Array(piped.prefix(SlashCommands.catalog.all.count)).map { $0.split(separator: " ").first.map(String.init) },
            SlashCommands.catalog.all.map { "/" + $0.name })
        XCTAssertEqual(descriptions(in: SlashCommands.catalog.helpText()), expected)
    }

    func completions(_ before: String, models: () -> [String], paths: (String) -> [String]) -> (word: String, candidates: [String]) {
        CommandParser.completions(for: before, catalog: SlashCommands.catalog, models: models, paths: paths)
    }

    func testCompletionReadsTheTable() {
        let models = { ["SmolLM2-135M-Instruct", "gpt-4o", "gpt-4o-mini"] }
        let none: (String) -> [String] = { _ in [] }
        XCTAssertEqual(completions("/te", models: models, paths: none).candidates, ["/temp"])
        XCTAssertEqual(Set(completions("/se", models: models, paths: none).candidates), ["/settings", "/search"])
        XCTAssertEqual(completions("/model gpt", models: models, paths: none).candidates, ["gpt-4o", "gpt-4o-mini"])
        XCTAssertEqual(completions("/max a", models: models, paths: none).candidates, ["auto"])
        XCTAssertEqual(completions("/help ed", models: models, paths: none).candidates, ["edit"])
        XCTAssertEqual(completions("hello", models: models, paths: none).candidates, [])
        XCTAssertEqual(completions("/model gpt-4o-", models: models, paths: none).word, "gpt-4o-")
    }

    func testPathsCompleteAsTheyAreTyped() {
        let models = { [String]() }
        var asked: [String] = []
        let files: (String) -> [String] = { partial in
            asked.append(partial)
            return ["~/holiday pictures/", "~/holiday pictures/beach.png", "~/holiday pictures/it's.jpg"].filter { $0.hasPrefix(partial) }
        }
        // /attach: backslashes and quotes are read, and the candidates written the same way.
        let escaped = completions(#"/attach one.png ~/holiday\ pictures/b"#, models: models, paths: files)
        XCTAssertEqual(asked.last, "~/holiday pictures/b")
        XCTAssertEqual(escaped.word, #"~/holiday\ pictures/b"#)
        XCTAssertEqual(escaped.candidates, [#"~/holiday\ pictures/beach.png"#])
        let quoted = completions(#"/attach "~/holiday pictures/"#, models: models, paths: files)
        XCTAssertEqual(quoted.word, #""~/holiday pictures/"#)
        XCTAssertEqual(
            quoted.candidates, [#""~/holiday pictures/"#, #""~/holiday pictures/beach.png""#, #""~/holiday pictures/it's.jpg""#],
            "a directory leaves the quote open, a file closes it")
        XCTAssertEqual(
            completions(#"/attach ~/holiday\ pictures/it"#, models: models, paths: files).candidates,
            [#"~/holiday\ pictures/it\'s.jpg"#])
        XCTAssertEqual(completions("/attach one.png ", models: models, paths: files).word, "", "a new word")
        // /save: one file, the rest of the line as it stands, spaces and all.
        let save = completions("/save  --force  ~/holiday pictures/be", models: models, paths: files)
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
        XCTAssertEqual(CommandCatalog.editDistance("tmep", "temp"), 1)
        XCTAssertEqual(CommandCatalog.editDistance("temp", "temp"), 0)
        XCTAssertEqual(CommandCatalog.editDistance("", "abc"), 3)
    }
}
