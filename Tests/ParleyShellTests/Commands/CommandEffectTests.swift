import Foundation
import ParleyAPI
import ParleySession
import ParleyWire
import XCTest

@testable import ParleyShell

/// Commands as values: given the context, each returns effects and changes nothing itself; what it
/// needs asked (the person, the server, a program) comes back through the effect's continuation.
final class CommandEffectTests: XCTestCase {
    /// An effect in a word and its text, to compare lists of them.
    @MainActor static func describe(_ effects: [CommandEffect]) -> [String] {
        effects.map { effect in
            switch effect {
            case let .print(text, _): "print: \(text)"
            case let .notice(text): "notice: \(text)"
            case let .warning(text): "warning: \(text)"
            case let .fail(text): "fail: \(text)"
            case let .settings(settings): "settings: \(ChatSetting.allCases.compactMap { settings.text(of: $0) })"
            case let .session(session): "session: \(session.messages.count) messages, \(session.pendingAttachments.count) pending"
            case let .turn(event): "turn: \(event)"
            case let .chooseModel(name): "model: \(name)"
            case let .delete(conversation): "delete: \(conversation.title)"
            case let .write(data, path): "write: \(data.count) bytes to \((path as NSString).lastPathComponent)"
            case let .remember(text): "remember: \(text)"
            case let .ask(prompt, _, _): "ask: \(prompt)"
            case .models: "models"
            case let .speech(requests, _): "speech: \(requests.count) requests"
            case .newConversation: "new conversation"
            default: "\(effect)"
            }
        }
    }

    /// `command` run over the harness's shell as it is now.
    @MainActor static func effects(_ command: any SlashCommand, _ harness: Harness) throws -> [CommandEffect] {
        try command.run(harness.shell.commandContext)
    }

    func testASettingIsAnEffectAndTheSessionIsLeftToTheShell() async throws {
        try await onMain {
            let shell = try Harness()
            let effects = try Self.effects(TemperatureCommand(argument: "0.5"), shell)
            XCTAssertEqual(Self.describe(effects), ["settings: [\"m\", \"0.5\"]", "notice: Temperature: 0.5"])
            XCTAssertNil(shell.shell.session.settings.temperature, "the command changed nothing itself")
            _ = await shell.shell.perform(effects)
            XCTAssertEqual(shell.shell.session.settings.temperature, 0.5)
            XCTAssertEqual(shell.output.said(.notice), ["Temperature: 0.5"], "said as a notice, not as output or an error")
        }
    }

    func testARefusalIsThrownAndSaidAsAnError() async throws {
        try await onMain {
            let shell = try Harness()
            XCTAssertThrowsError(try Self.effects(ThinkCommand(argument: ""), shell)) { error in
                XCTAssertEqual(error as? CommandFailure, CommandFailure("No reply has reasoning yet."))
            }
            await shell.enter("/think")
            XCTAssertEqual(shell.output.said(.error), ["No reply has reasoning yet."])
            XCTAssertTrue(shell.failed)
        }
    }

    func testDeleteAsksAndTheAnswerDecides() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("hi")], interactive: true)
            await shell.enter("hello")
            guard case let .ask(prompt, _, then) = try XCTUnwrap(Self.effects(DeleteCommand(argument: ""), shell).first) else {
                return XCTFail("/delete at a prompt asks first")
            }
            XCTAssertEqual(prompt, "Delete \"hello\"? [y/N] ")
            XCTAssertEqual(Self.describe(then("y")), ["delete: hello", "notice: Deleted \"hello\"."])
            XCTAssertEqual(Self.describe(then("n")), ["notice: Nothing was deleted."])
            XCTAssertEqual(Self.describe(then(nil)), ["notice: Nothing was deleted."], "Esc leaves it")
            XCTAssertEqual(
                Self.describe(try Self.effects(DeleteCommand(argument: "--yes"), shell)), ["delete: hello", "notice: Deleted \"hello\"."])
        }
    }

    func testModelByNumberIsChosenFromTheListTheServerGives() async throws {
        try await onMain {
            let shell = try Harness(models: ["alpha", "beta"], model: "alpha")
            guard case let .models(refresh, then) = try XCTUnwrap(Self.effects(ModelCommand(argument: "2"), shell).first) else {
                return XCTFail("/model N reads the list first")
            }
            XCTAssertFalse(refresh)
            XCTAssertEqual(
                Self.describe(then(.success([ModelInfo(id: "alpha"), ModelInfo(id: "beta")]))), ["model: beta", "notice: Model: beta"])
            XCTAssertEqual(
                Self.describe(then(.success([ModelInfo(id: "gamma", status: "offline")]))),
                ["fail: There is no model 2; /model lists 1."])
            XCTAssertEqual(
                Self.describe(then(.failure(URLError(.badServerResponse)))),
                ["fail: There is no list of models to pick 2 from; give the name."])
        }
    }

    func testSaveRefusesAFileThatIsThereBeforeWritingAnything() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("hi")])
            await shell.enter("hello")
            let path = shell.directory.appendingPathComponent("notes.md").path
            XCTAssertEqual(
                Self.describe(try Self.effects(SaveCommand(argument: path), shell)),
                [
                    "write: \(Data(Transcript.markdown(title: "hello", settings: shell.shell.session.settings, messages: shell.shell.session.messages).utf8).count) bytes to notes.md",
                    "notice: Saved 2 messages to \(path).",
                ])
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("mine".utf8)))
            XCTAssertThrowsError(try Self.effects(SaveCommand(argument: path), shell)) { error in
                XCTAssertEqual(error as? CommandFailure, CommandFailure("\(path) exists; /save \(path) --force replaces it."))
            }
            XCTAssertEqual(Self.describe(try Self.effects(SaveCommand(argument: path + " --force"), shell)).count, 2)
        }
    }

    func testEditResendsThroughTheSessionOnlyWhenTheLineHoldsText() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("hi")], interactive: true)
            await shell.enter("hello")
            guard case let .ask(prompt, initial, then) = try XCTUnwrap(Self.effects(EditCommand(argument: "1"), shell).first) else {
                return XCTFail("/edit asks for the new text")
            }
            XCTAssertEqual(prompt, "edit #1 › ")
            XCTAssertEqual(initial, "hello")
            XCTAssertEqual(Self.describe(then("hello again")), ["remember: hello again", "turn: edit(number: 1, text: \"hello again\")"])
            XCTAssertEqual(Self.describe(then("  ")), ["notice: Edit abandoned; nothing changed."])
            XCTAssertThrowsError(try Self.effects(EditCommand(argument: "2"), shell), "message 2 is a reply")
        }
    }

    func testSayAsksTheSpeechModelAndRefusesWhatIsNotWAV() async throws {
        try await onMain {
            let shell = try Harness(replies: [ScriptedChat.text("hi there")])
            await shell.enter("hello")
            var context = shell.shell.commandContext
            context.configuration.ttsModel = "tts-1"  // as the profile's tts_model names it
            guard case let .speech(requests, then) = try XCTUnwrap(SayCommand(argument: "").run(context).first) else {
                return XCTFail("/say with a speech model asks it")
            }
            XCTAssertEqual(requests.map(\.input), ["hi there"])
            XCTAssertEqual(requests.map(\.model), ["tts-1"])
            XCTAssertEqual(
                Self.describe(then(.success([[1, 2, 3]]))), ["fail: The speech model tts-1 sent something that is not a WAV file."])
        }
    }

    func testAFailureInAContinuationEndsTheListAndAnAskWithoutAPromptFails() async throws {
        try await onMain {
            let shell = try Harness()
            _ = await shell.shell.perform([.copy("text") { _ in [.fail("could not")] }, .notice("after")])
            XCTAssertEqual(shell.output.said(.error), ["could not"])
            XCTAssertEqual(shell.output.said(.notice), [], "nothing after a failed effect is carried out")
            _ = await shell.shell.perform([.ask(prompt: "Sure? ", initialText: nil) { _ in [.notice("answered")] }, .notice("after")])
            XCTAssertEqual(shell.output.said(.error).last, "Sure? needs an answer at a terminal's prompt.")
            XCTAssertEqual(shell.output.said(.notice), [])
            XCTAssertTrue(shell.failed)
        }
    }

    func testSpeechStopsAskingOnceAPieceIsNotAudio() async throws {
        try await onMain {
            let shell = try Harness()
            shell.chat.speechAudio = [1, 2, 3]
            let requests = (1...3).map { SpeechRequest(model: "tts", input: "piece \($0)", voice: "alloy") }
            var pieces: [[UInt8]] = []
            _ = await shell.shell.perform([
                .speech(requests) { result in
                    pieces = (try? result.get()) ?? []
                    return []
                }
            ])
            XCTAssertEqual(shell.chat.speechRequests.map(\.input), ["piece 1"], "the first piece was not WAV: no more were asked for")
            XCTAssertEqual(pieces, [[1, 2, 3]])
        }
    }
}
