import ParleyWire
import XCTest

@testable import ParleyShell

/// `/help`, `/quit`, `/model`, `/system`, `/temp`, `/top_p`, `/max`, `/settings`, `/reset` in-process,
/// over test doubles: what each prints, what it changes, what it refuses.
final class SettingCommandTests: XCTestCase {
    func testHelpListsEveryCommandOrOne() async throws {
        try await onMain {
            let shell = try Harness()
            await shell.enter("/help")
            let all = shell.take()
            for type in SlashCommands.all { XCTAssertTrue(all.out.contains(type.spec.usage), type.spec.name) }
            await shell.enter("/help /temp")
            let one = shell.take().out
            XCTAssertEqual(one, "usage: /temp [0-2]\nshow or set the temperature\naliases: /temperature\n")
            await shell.enter("/help nope")
            let refused = shell.take().err
            XCTAssertTrue(refused.hasPrefix("error: There is no command /nope."), refused)
            let failed = shell.failed
            XCTAssertTrue(failed, "a refusal fails a script")
        }
    }

    func testQuitEndsTheShellAndNothingElseDoes() async throws {
        try await onMain {
            let shell = try Harness()
            let quit = await shell.enter("/quit")
            XCTAssertEqual(quit, .quit)
            let exit = await shell.enter("/exit")
            XCTAssertEqual(exit, .quit)
            let settings = await shell.enter("/settings")
            XCTAssertEqual(settings, .done)
            let refused = await shell.enter("/quit now")
            XCTAssertEqual(refused, .done, "/quit takes no argument")
        }
    }

    func testModelListsAndSwitchesByNameOrNumber() async throws {
        try await onMain {
            let shell = try Harness(models: ["alpha", "beta"], model: "alpha")
            await shell.enter("/model")
            let listed = shell.take()
            XCTAssertEqual(
                listed.out, "*  1. alpha\n   2. beta\n/model NAME or /model N switches.\n", "a script cannot pick: it is told how")
            await shell.enter("/model 2")
            let model = shell.session.settings.model
            XCTAssertEqual(model, "beta")
            XCTAssertEqual(shell.take().err, "Model: beta\n")
            await shell.enter("/model gamma")
            XCTAssertEqual(
                shell.take().err, "warning: the server does not list gamma (nearest: alpha, beta); using it anyway.\nModel: gamma\n")
            await shell.enter("/model 7")
            XCTAssertEqual(shell.take().err, "error: There is no model 7; /model lists 2.\n")
            await shell.enter("/model --refresh")
            let refreshes = shell.models.refreshes
            XCTAssertEqual(refreshes, 1)
            // Remembered for the endpoint.
            let remembered = try shell.store?.preference(Shell.modelPreference("http://127.0.0.1:9/v1"))
            XCTAssertEqual(remembered, "gamma")
        }
    }

    func testModelAtAPromptPicksOneOrKeepsTheCurrent() async throws {
        try await onMain {
            let shell = try Harness(models: ["alpha", "beta"], model: "alpha", interactive: true, answers: [.line("2"), .interrupted])
            await shell.enter("/model")
            XCTAssertEqual(shell.session.settings.model, "beta")
            let prompt = shell.lines?.prompts.first?.prompt
            XCTAssertEqual(prompt, "Model number or name (Esc to keep alpha): ")
            await shell.enter("/model")
            XCTAssertEqual(shell.session.settings.model, "beta")
            XCTAssertTrue(shell.take().err.hasSuffix("Kept beta.\n"))
        }
    }

    func testSystemShowsSetsAndClears() async throws {
        try await onMain {
            let shell = try Harness()
            await shell.enter("/system")
            XCTAssertEqual(shell.take().out, "No system prompt is set.\n")
            await shell.enter("/system Be terse.")
            XCTAssertEqual(shell.session.settings.systemPrompt, "Be terse.")
            await shell.enter("/system")
            let shown = shell.take()
            XCTAssertEqual([shown.out, shown.err], ["System prompt: Be terse.\n", "System prompt set.\n"])
            await shell.enter("/system --clear")
            XCTAssertNil(shell.session.settings.systemPrompt)
        }
    }

    func testNumbersAreSetInRangeAndRefusedOutOfIt() async throws {
        try await onMain {
            let shell = try Harness()
            await shell.enter("/temp 0.5")
            await shell.enter("/top_p 0.9")
            await shell.enter("/max 256")
            let settings = shell.session.settings
            XCTAssertEqual([settings.temperature, settings.topP], [0.5, 0.9])
            XCTAssertEqual(settings.maxTokens, 256)
            XCTAssertEqual(shell.take().err, "Temperature: 0.5\ntop_p: 0.9\nMax tokens: 256\n")
            await shell.enter("/temp")
            await shell.enter("/max")
            XCTAssertEqual(shell.take().out, "Temperature: 0.5\nMax tokens: 256\n")
            for line in ["/temp 3", "/temp -1", "/top_p 1.5", "/max 0", "/max lots"] {
                await shell.enter(line)
                let said = shell.take().err
                XCTAssertTrue(said.hasPrefix("error: ") && said.contains("Usage: /"), "\(line): \(said)")
            }
            XCTAssertEqual(shell.session.settings.temperature, 0.5, "refused values change nothing")
            await shell.enter("/max auto")
            XCTAssertNil(shell.session.settings.maxTokens)
            // The next request carries them.
            await shell.enter("hello")
            let request = shell.chat.requests.last
            XCTAssertEqual(request?.temperature, 0.5)
            XCTAssertEqual(request?.topP, 0.9)
        }
    }

    func testSettingsSaysWhereEachComesFromAndResetRestoresTheCommandLine() async throws {
        try await onMain {
            let shell = try Harness { $0.temperature = "0.2" }
            await shell.enter("/temp 1")
            await shell.enter("/settings")
            let table = shell.take().out
            XCTAssertTrue(table.contains("temperature  1  (conversation)"), table)
            XCTAssertTrue(table.contains("model        m  (command line)"), table)
            XCTAssertTrue(table.contains("endpoint     http://127.0.0.1:9/v1  (PARLEY_BASE_URL)"), table)
            XCTAssertTrue(table.contains("api key      none  (no key variable for this endpoint is set"), table)
            _ = shell.take()
            await shell.enter("/reset")
            XCTAssertEqual(shell.session.settings.temperature, 0.2, "the command line's value, not none")
            XCTAssertEqual(
                shell.take().err,
                "Settings are back to those parley started with (the command line's, the config's, or the server's defaults).\n")
        }
    }

    func testSettingsOfAConversationAreKept() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("hi")])
            await shell.enter("hello")
            await shell.enter("/temp 1.5")
            let id = try XCTUnwrap(shell.shell.keeper.conversationID)
            let stored = try shell.store?.conversation(id: id)?.settings
            XCTAssertEqual(stored?.temperature, 1.5)
        }
    }
}
