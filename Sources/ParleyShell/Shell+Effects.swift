import Foundation
import ParleyCommands
import ParleySession
import ParleyStore
import ParleyWire

/// Slash commands carried out: a command is given the context and returns effects; each effect is
/// done here through the service whose job it is.
extension Shell {
    /// What a command sees now.
    var commandContext: CommandContext {
        CommandContext(
            session: session, configuration: configuration, launchSettings: launchSettings,
            conversationID: keeper.conversationID, store: keeper.store,
            storeProblem: storeWarning ?? "Conversations are not being kept.", columns: console.columns, style: console.style,
            canAsk: editor != nil, canPlay: { [speech = services.speech] in speech.canPlay }, prompt: promptText(),
            lastRequest: lastRequest,
            events: { [eventLog] in eventLog.all }, pathKind: Self.pathKind)
    }

    /// Runs a command; the conversation's settings are kept when it changed them.
    func execute(_ command: any SlashCommand) async -> Outcome {
        let settingsBefore = session.settings
        defer { if session.settings != settingsBefore { keeper.saveSettings(session.settings) } }
        do {
            return await perform(try command.run(commandContext))
        } catch {
            fail(error.sentence)
            return .done
        }
    }

    /// Carries out `effects` in order. One that fails says why and ends the rest.
    func perform(_ effects: [CommandEffect]) async -> Outcome {
        await carryOut(effects) == .quit ? .quit : .done
    }

    private enum EffectOutcome { case done, failed, quit }

    /// `effects` in order, up to the first that fails (or quits); a continuation's effects are part
    /// of the effect that asked, so one of them failing ends the list too.
    private func carryOut(_ effects: [CommandEffect]) async -> EffectOutcome {
        for effect in effects {
            let outcome = await perform(effect)
            if outcome != .done { return outcome }
        }
        return .done
    }

    private func perform(_ effect: CommandEffect) async -> EffectOutcome {
        switch effect {
        case let .print(text, codes): console.print(text, codes: codes)
        case let .raw(text): console.raw(text)
        case let .notice(text): console.notice(text)
        case let .warning(text): console.warning(text)
        case let .fail(sentence):
            fail(sentence)
            return .failed
        case .showPending: showPendingAttachments(pictures: [])
        case let .settings(settings): session.settings = settings
        case let .session(changed): session = changed
        case let .turn(event):
            if case let .edit(number, text) = event, session.messages.indices.contains(number - 1) {
                noteTranscriptTurn(text, attachments: session.messages[number - 1].attachments)
            }
            guard await turn(event) else {
                anyFailure = true
                return .failed
            }
        case let .chooseModel(model): choose(model: model)
        case let .attach(sources): await attach(sources)
        case let .enter(line): return await process(line, transcript: false) == .quit ? .quit : .done
        case let .remember(line): editor?.remember(line)
        case .quit: return .quit
        case .newConversation:
            session.clear()
            keeper.startNew()
        case let .open(conversation, messages): openConversation(conversation, messages: messages)
        case let .rename(id, title): return storeWrite { try $0.rename(id, to: title) }
        case let .delete(conversation):
            guard storeWrite({ try $0.delete(conversation.id) }) == .done else { return .failed }
            if conversation.id == keeper.conversationID {
                session.clear()
                keeper.startNew()
            }
        case let .fork(messages, title): fork(messages, title: title)
        case let .write(data, path): return write(data, to: path)
        case .ask, .models, .copy, .speech, .synthesize, .play, .compose: return await performAsking(effect)
        }
        return .done
    }

    /// The effects that ask the person, the server or a program, then go on with the answer.
    private func performAsking(_ effect: CommandEffect) async -> EffectOutcome {
        let next: [CommandEffect]
        switch effect {
        case let .ask(prompt, initialText, then):
            // Commands ask only where a person can answer (`canAsk`); a script never gets here.
            guard let editor else {
                fail("\(prompt.trimmingCharacters(in: .whitespaces)) needs an answer at a terminal's prompt.")
                return .failed
            }
            let answer: String? =
                if case let .line(text) = editor.readLine(prompt: prompt, initialText: initialText) { text } else { nil }
            next = then(answer)
        case let .models(refresh, then):
            do {
                next = then(.success(try await services.models.models(refresh: refresh)))
            } catch {
                next = then(.failure(error))
            }
        case let .copy(text, then): next = then(services.clipboard.copy(text))
        case let .speech(requests, then):
            var pieces: [[UInt8]] = []
            do {
                // Speech is WAV: once a piece is not, the rest are not asked for.
                for request in requests where pieces.last.map(WAV.isValid) ?? true {
                    pieces.append(try await services.chat.speech(request))
                }
                next = then(.success(pieces))
            } catch {
                next = then(.failure(error))
            }
        case let .synthesize(text, then): next = then(services.speech.synthesize(text))
        case let .play(pieces):
            for piece in pieces {
                guard await services.speech.play(piece) else {
                    console.notice("Stopped.")
                    break
                }
            }
            return .done
        case let .compose(text, then): next = then(services.composer.compose(text))
        default: return .done  // the others are `perform`'s
        }
        return await carryOut(next)
    }

    /// A change to the store, or why it could not be made.
    private func storeWrite(_ change: (any ConversationStore) throws -> Void) -> EffectOutcome {
        guard let store = keeper.store else {
            fail(storeWarning ?? "Conversations are not being kept.")
            return .failed
        }
        do {
            try change(store)
            return .done
        } catch {
            fail("\(error)")
            return .failed
        }
    }

    /// Writes `data` to `path` (`~` allowed), the user's alone (0600).
    private func write(_ data: Data, to path: String) -> EffectOutcome {
        do {
            try DataDirectory.writePrivate(data, to: URL(fileURLWithPath: PathWords.expandTilde(path)))
            return .done
        } catch {
            fail("Cannot write \(path): \(error)")
            return .failed
        }
    }

    func openConversation(_ conversation: StoredConversation, messages: [Message]) {
        session.load(messages)
        var settings = ConversationKeeper.settings(conversation.settings)
        if settings.model == nil { settings.model = session.settings.model }
        session.settings = settings
        keeper.use(conversation.id)
    }

    /// A new conversation holding copies of `messages`, with this one's settings.
    private func fork(_ messages: [Message], title: String?) {
        session.load(messages)
        keeper.startNew()
        for (index, message) in messages.enumerated() {
            keeper.apply(.save(index: index, message: message), settings: session.settings)
        }
        if let title, let id = keeper.conversationID { try? keeper.store?.rename(id, to: title) }
        keeper.saveSettings(session.settings)
    }

    static func pathKind(_ path: String) -> CommandContext.PathKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .none }
        return isDirectory.boolValue ? .directory : .file
    }
}
