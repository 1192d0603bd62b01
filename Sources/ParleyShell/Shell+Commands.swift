import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyStore

extension Shell {
    /// Carries out a slash command.
    func execute(_ command: Command) async -> Outcome {
        let settingsBefore = session.settings
        defer { if session.settings != settingsBefore { keeper.saveSettings(session.settings) } }
        switch command {
        case let .help(spec):
            console.print(spec.map(CommandTable.helpText(for:)) ?? CommandTable.helpText(width: console.columns))
        case let .model(argument):
            switch argument {
            case nil: await pickModel(refresh: false)
            case "--refresh"?: await pickModel(refresh: true)
            case let name?: await switchModel(to: name)
            }
        case let .system(argument):
            switch argument {
            case .show:
                console.print(session.settings.systemPrompt.map { "System prompt: \($0)" } ?? "No system prompt is set.")
            case .clear:
                session.settings.systemPrompt = nil
                console.notice("System prompt cleared.")
            case let .set(text):
                session.settings.systemPrompt = text
                console.notice("System prompt set.")
            }
        case let .temperature(value):
            if let value {
                session.settings.temperature = value
                console.notice("Temperature: \(SettingValue.format(value))")
            } else {
                console.print("Temperature: \(session.settings.temperature.map(SettingValue.format) ?? "server default")")
            }
        case let .topP(value):
            if let value {
                session.settings.topP = value
                console.notice("top_p: \(SettingValue.format(value))")
            } else {
                console.print("top_p: \(session.settings.topP.map(SettingValue.format) ?? "server default")")
            }
        case let .maxTokens(argument):
            switch argument {
            case .show:
                console.print("Max tokens: \(session.settings.maxTokens.map(String.init) ?? "auto")")
            case .auto:
                session.settings.maxTokens = nil
                console.notice("Max tokens: auto")
            case let .limit(limit):
                session.settings.maxTokens = limit
                console.notice("Max tokens: \(limit)")
            }
        case .settings:
            showSettings()
        case .reset:
            let model = session.settings.model
            session.settings = launchSettings
            session.settings.model = model
            console.notice("Settings are back to their defaults.")
        case .regenerate:
            if !(await turn(.regenerate)) { anyFailure = true }
        case .retry:
            if !(await turn(.retry)) { anyFailure = true }
        case let .edit(number):
            await edit(number)
        case .history:
            showHistory()
        case let .think(number):
            showReasoning(number)
        case let .attach(paths):
            await attach(paths)
        case let .detach(number):
            detach(number)
        case let .copy(number, code):
            copy(number, code: code)
        case let .say(number, save):
            await say(number, save: save)
        case let .code(language, save):
            code(language, save: save)
        case .newChat:
            session.clear()
            keeper.startNew()
            console.notice("New conversation.")
        case .chats:
            showChats()
        case let .open(target):
            openCommand(target)
        case let .rename(title):
            rename(title)
        case let .delete(number, confirmed):
            delete(number, confirmed: confirmed)
        case let .search(text):
            search(text)
        case let .save(target):
            save(to: target)
        case .stats:
            showStats()
        case .debug:
            showDebug()
        case .quit:
            return .quit
        }
        return .done
    }

    // MARK: - Conversations

    /// The store, or nil after saying it is not there.
    private func requireStore() -> Store? {
        if let store = keeper.store { return store }
        fail(storeWarning ?? "Conversations are not being kept.")
        return nil
    }

    private func listed() -> [ConversationSummary] {
        (try? keeper.store?.conversations(limit: 200)) ?? []
    }

    private func showChats() {
        guard requireStore() != nil else { return }
        let list = listed()
        guard !list.isEmpty else {
            console.print("No conversations yet.")
            return
        }
        let columns = console.columns  // asked of the terminal once, not for each line
        let lines = list.enumerated().map { index, chat -> String in
            let current = chat.id == keeper.conversationID ? "*" : " "
            let count = chat.messageCount == 1 ? "1 message" : "\(chat.messageCount) messages"
            let head = "\(current)\(String(index + 1).leftPadded(to: 3)). "
            let tail = " · \(count) · \(RelativeTime.describe(chat.updated))"
            let title = TerminalSanitizer.clean(chat.title)
            // In a terminal, a long title is cut to keep each conversation on one line.
            return head + (columns.map { title.cut(to: max(10, $0 - head.terminalColumns - tail.terminalColumns)) } ?? title) + tail
        }
        console.print(lines.joined(separator: "\n"))
    }

    /// N as `/chats` numbers them, else an id (or its start) or a title.
    private func findConversation(_ target: String) -> StoredConversation? {
        guard let store = requireStore() else { return nil }
        do {
            if let number = Int(target) {
                let list = listed()
                guard list.indices.contains(number - 1) else {
                    fail("There is no conversation \(number); /chats lists \(list.count).")
                    return nil
                }
                return try store.conversation(id: list[number - 1].id)
            }
            if let found = try store.find(target) { return found }
            fail("No conversation matches \"\(target)\"; /chats lists them.")
        } catch {
            fail("\(error)")
        }
        return nil
    }

    private func openCommand(_ target: String) {
        guard let conversation = findConversation(target) else { return }
        openConversation(conversation)
        console.notice("Opened \"\(TerminalSanitizer.clean(conversation.title))\" (\(session.messages.count) messages); /history lists them.")
    }

    func openConversation(_ conversation: StoredConversation) {
        let messages = (try? keeper.store?.messages(in: conversation.id)) ?? []
        session.load(messages.map(ConversationKeeper.message))
        var settings = ConversationKeeper.settings(conversation.settings)
        if settings.model == nil { settings.model = session.settings.model }
        session.settings = settings
        keeper.use(conversation.id)
    }

    private func rename(_ title: String) {
        guard let store = requireStore() else { return }
        guard let id = keeper.conversationID else {
            fail("Nothing to rename yet: the conversation starts with its first message.")
            return
        }
        do {
            try store.rename(id, to: title)
            console.notice("Renamed to \"\(title)\".")
        } catch {
            fail("\(error)")
        }
    }

    private func delete(_ number: Int?, confirmed: Bool) {
        guard let store = requireStore() else { return }
        let conversation: StoredConversation?
        if let number {
            conversation = findConversation(String(number))
        } else if let id = keeper.conversationID {
            conversation = try? store.conversation(id: id)
        } else {
            fail("Nothing to delete: this conversation has no message yet.")
            return
        }
        guard let conversation else { return }
        let title = TerminalSanitizer.clean(conversation.title)
        if !confirmed {
            guard let editor else {
                fail("In a script, /delete needs --yes: /delete \(number.map(String.init) ?? "N") --yes")
                return
            }
            guard case let .line(answer) = editor.readLine(prompt: "Delete \"\(title)\"? [y/N] "),
                  ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
                console.notice("Nothing was deleted.")
                return
            }
        }
        do {
            try store.delete(conversation.id)
            if conversation.id == keeper.conversationID {
                session.clear()
                keeper.startNew()
            }
            console.notice("Deleted \"\(title)\".")
        } catch {
            fail("\(error)")
        }
    }

    private func search(_ text: String) {
        guard let store = requireStore() else { return }
        let hits: [SearchHit]
        do {
            hits = try store.search(text)
        } catch {
            fail("\(error)")
            return
        }
        guard !hits.isEmpty else {
            console.print("No message contains \"\(text)\".")
            return
        }
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let model = session.settings.model.map(Self.shortModelName) ?? "assistant"
        let columns = console.columns
        let lines = hits.map { hit -> String in
            let content = TerminalSanitizer.clean(hit.content)
            let line = content.split(separator: "\n").first { line in words.contains { line.localizedCaseInsensitiveContains($0) } }
                .map(String.init) ?? content
            let who = hit.role == "user" ? "you" : model
            let title = TerminalSanitizer.clean(hit.conversationTitle)
            guard let columns else {
                return "\(title) #\(hit.messageNumber) \(who): " + highlight(String(line.prefix(160)), words)
            }
            // In a terminal, one line a hit: a shorter title, and the part of the line with the match.
            let head = "\(title.cut(to: 30)) #\(hit.messageNumber) \(who): "
            return head + highlight(Self.excerpt(of: line, around: words, room: max(20, columns - head.terminalColumns)), words)
        }
        console.print(lines.joined(separator: "\n"))
    }

    /// At most `room` columns of `line`, showing the first of `words` found in it: its start, or
    /// a part from a little before the match, "…" marking what is left out.
    nonisolated static func excerpt(of line: String, around words: [String], room: Int) -> String {
        let total = line.terminalColumns
        guard total > room else { return line }
        let match = words.compactMap { line.range(of: $0, options: .caseInsensitive) }.min { $0.lowerBound < $1.lowerBound }
        guard let match, line[..<match.upperBound].terminalColumns > room - 1 else { return line.cut(to: room) }
        // From a third of the room before the match, but no later than the end needs.
        let skip = max(1, min(line[..<match.lowerBound].terminalColumns - room / 3, total - (room - 1)))
        var dropped = 0
        let rest = line.drop { character in
            guard dropped < skip else { return false }
            dropped += LineWrapper.columns(of: character)
            return true
        }
        return ("…" + rest).cut(to: room)
    }

    /// `line` with each of `words` in bold yellow (when styles are on).
    private func highlight(_ line: String, _ words: [String]) -> String {
        guard console.style.enabled else { return line }
        var result = line
        for word in words {
            var searchStart = result.startIndex
            while let range = result.range(of: word, options: .caseInsensitive, range: searchStart..<result.endIndex) {
                let marked = Style.bold + Style.yellow + result[range] + Style.reset
                result.replaceSubrange(range, with: marked)
                searchStart = result.index(range.lowerBound, offsetBy: marked.count)
            }
        }
        return result
    }

    private func save(to target: SaveTarget) {
        guard mayWrite(target, command: "/save \(target.path)") else { return }
        let path = target.path
        let expanded = PathWords.expandTilde(path)
        let title = (keeper.conversationID.flatMap { try? keeper.store?.conversation(id: $0) })?.title
            ?? session.messages.first.map { ConversationKeeper.title(from: $0.text) } ?? "Untitled"
        let data = expanded.lowercased().hasSuffix(".json")
            ? Transcript.json(title: title, settings: session.settings, messages: session.messages)
            : Data(Transcript.markdown(title: title, settings: session.settings, messages: session.messages).utf8)
        write(data, to: path, saying: "Saved \(session.messages.count) messages to \(path).")
    }

    /// `/model`: the server's models, numbered, the current one marked, with their status when the
    /// server gives one; in a terminal, a prompt of its own picks one by number or name (Esc leaves).
    /// Returns whether a model was chosen.
    @discardableResult
    func pickModel(refresh: Bool) async -> Bool {
        let current = session.settings.model
        let models: [ModelInfo]
        do {
            models = try await modelList(refresh: refresh)
        } catch {
            console.print("Model: \(current ?? "none chosen")")
            fail("The list of models could not be read: \(error)")
            return false
        }
        guard !models.isEmpty else {
            console.print("The server lists no models; /model NAME chooses one by name.")
            return false
        }
        let showStatus = models.contains { $0.status != nil }
        let width = models.map { TerminalSanitizer.clean($0.id).count }.max() ?? 0
        let lines = models.enumerated().map { index, model -> String in
            let mark = model.id == current ? "*" : " "
            let id = TerminalSanitizer.clean(model.id)
            let status = showStatus ? "  " + ModelStatus.styled(model.status, style: console.style) : ""
            return "\(mark)\(String(index + 1).leftPadded(to: 3)). " + id.padding(toLength: width, withPad: " ", startingAt: 0) + status
        }
        console.print(lines.joined(separator: "\n"))
        guard let editor else {
            console.print("/model NAME or /model N switches.")
            return false
        }
        let keep = current.map { "keep \($0)" } ?? "leave"
        switch editor.readLine(prompt: "Model number or name (Esc to \(keep)): ") {
        case let .line(answer) where !answer.trimmingCharacters(in: .whitespaces).isEmpty:
            return await switchModel(to: answer.trimmingCharacters(in: .whitespaces))
        default:
            console.notice(current.map { "Kept \($0)." } ?? "No model chosen.")
            return false
        }
    }

    /// `/model NAME|N`: switches, warning when the model is offline or not on the server's list.
    @discardableResult
    func switchModel(to argument: String) async -> Bool {
        let models = (try? await modelList()) ?? []
        var name = argument
        if let number = Int(argument) {
            guard models.indices.contains(number - 1) else {
                fail(models.isEmpty ? "There is no list of models to pick \(number) from; give the name." : "There is no model \(number); /model lists \(models.count).")
                return false
            }
            name = models[number - 1].id
        }
        if let listed = models.first(where: { $0.id == name }) {
            if ModelStatus.normal(listed.status) == "offline" {
                console.notice("Warning: \(name) is Offline; requests may fail until it is back.")
            }
        } else if !models.isEmpty {
            let near = Nearest.names(to: name, among: models.map(\.id)).joined(separator: ", ")
            console.notice("Warning: the server does not list \(name) (nearest: \(near)); using it anyway.")
        }
        choose(model: name)
        console.notice("Model: \(name)")
        return true
    }

    func showSettings() {
        let settings = session.settings
        let flags = configuration.flagSettings
        let profile = configuration.profileSettings
        /// Where a setting's value comes from: the conversation, the command line, the config, or the default.
        func source(_ current: AnyHashable?, _ launch: AnyHashable?, _ flag: AnyHashable?, _ config: AnyHashable?) -> String {
            if current != launch { return "conversation" }
            if current == nil { return "default" }
            if flag != nil { return "command line" }
            if config != nil { return "config" }
            return "remembered"
        }
        let rows: [(String, String, String)] = [
            ("model", settings.model ?? "none", source(settings.model, launchSettings.model, flags.model, profile.model)),
            ("system", settings.systemPrompt.map { "\"\($0)\"" } ?? "none",
             source(settings.systemPrompt, launchSettings.systemPrompt, flags.systemPrompt, profile.systemPrompt)),
            ("temperature", settings.temperature.map(SettingValue.format) ?? "server default",
             source(settings.temperature, launchSettings.temperature, flags.temperature, profile.temperature)),
            ("top_p", settings.topP.map(SettingValue.format) ?? "server default",
             source(settings.topP, launchSettings.topP, flags.topP, profile.topP)),
            ("max tokens", settings.maxTokens.map(String.init) ?? "auto",
             source(settings.maxTokens, launchSettings.maxTokens, flags.maxTokens, profile.maxTokens)),
            ("endpoint", configuration.endpoint.baseURL, configuration.endpoint.baseURLSource),
            ("api key", configuration.endpoint.keySource.map { "from \($0)" } ?? "none", configuration.endpoint.keyReason),
        ]
        let width = rows.map { $0.0.count }.max() ?? 0
        console.print(rows.map { name, value, source in
            name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value + (source.isEmpty ? "" : "  (\(source))")
        }.joined(separator: "\n"))
    }

    private func showHistory() {
        guard !session.messages.isEmpty else {
            console.print("No messages yet.")
            return
        }
        let model = session.settings.model.map(Self.shortModelName) ?? "assistant"
        var lines: [String] = []
        let columns = console.columns
        for (index, message) in session.messages.enumerated() {
            let who = message.role == .user ? "you" : model
            let status = message.status == .complete ? "" : " [\(message.status.rawValue)]"
            let images = message.attachments.isEmpty ? "" : " [" + message.attachments.map { TerminalSanitizer.clean($0.name) }.joined(separator: ", ") + "]"
            let text = TerminalSanitizer.clean(message.text)
            let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let head = "#\(index + 1) \(who): "
            let tail = images + status
            // The start of the message: in a terminal, as much as its line has room for.
            let room = columns.map { max(20, $0 - head.terminalColumns - tail.terminalColumns) } ?? 71
            let start = text.contains("\n") ? firstLine + "…" : firstLine
            lines.append(head + start.cut(to: room) + tail)
        }
        console.print(lines.joined(separator: "\n"))
    }

    private func showReasoning(_ number: Int?) {
        let index: Int?
        if let number {
            index = session.messages.indices.contains(number - 1) ? number - 1 : nil
        } else {
            index = session.messages.lastIndex { $0.role == .assistant && !$0.reasoning.isEmpty }
        }
        guard let index, session.messages[index].role == .assistant else {
            console.error(number.map { "Message \($0) is not a reply; /history shows the numbers." } ?? "No reply has reasoning yet.")
            return
        }
        let reasoning = session.messages[index].reasoning
        guard !reasoning.isEmpty else {
            console.print("Reply #\(index + 1) has no reasoning.")
            return
        }
        console.out.line("Reasoning of reply #\(index + 1):", codes: Style.bold)
        console.out.line(reasoning, codes: Style.dim)
    }

    private func showStats() {
        guard let reply = session.messages.last(where: { $0.role == .assistant }), let timings = reply.timings else {
            console.print("No reply yet.")
            return
        }
        var lines: [String] = []
        if let usage = reply.usage {
            lines.append("tokens: \(usage.promptTokens.map(String.init) ?? "?") in, \(usage.completionTokens.map(String.init) ?? "?") out")
        } else {
            lines.append("tokens: the server sent no usage figures")
        }
        if let first = timings.timeToFirstToken { lines.append(String(format: "time to first token: %.0f ms", first * 1000)) }
        lines.append(String(format: "duration: %.2f s", timings.duration))
        if let rate = timings.tokensPerSecond(reply.usage) { lines.append(String(format: "speed: %.1f tokens/s", rate)) }
        console.print(lines.joined(separator: "\n"))
    }

    private func showDebug() {
        guard let request = lastRequest else {
            console.print("No request yet.")
            return
        }
        let body = (try? JSONSerialization.jsonObject(with: Data(request.jsonBody())))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        var lines = ["POST \(configuration.endpoint.url("chat/completions"))"]
        if let source = configuration.endpoint.keySource { lines.append("Authorization: Bearer *** (from \(source))") }
        lines.append(body)
        let events = eventLog.all
        lines.append("\(events.count) event(s) received:")
        lines += events.map { "data: " + TerminalSanitizer.clean($0) }
        console.print(lines.joined(separator: "\n"))
    }

    private func edit(_ number: Int) async {
        guard session.messages.indices.contains(number - 1), session.messages[number - 1].role == .user else {
            return fail("Message \(number) is not one of your messages; /history shows their numbers.")
        }
        guard let editor else {
            return fail("/edit needs a terminal to edit in.")
        }
        let old = session.messages[number - 1].text
        switch editor.readLine(prompt: "edit #\(number) › ", initialText: old) {
        case let .line(text) where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            editor.remember(text)
            _ = await turn(.edit(number: number, text: text))
        default:
            console.notice("Edit abandoned; nothing changed.")
        }
    }
}
