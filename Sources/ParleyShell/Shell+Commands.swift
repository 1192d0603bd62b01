import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession

extension Shell {
    /// Carries out a slash command.
    func execute(_ command: Command) async -> Outcome {
        switch command {
        case let .help(spec):
            console.print(spec.map(CommandTable.helpText(for:)) ?? CommandTable.helpText())
        case let .model(name):
            if let name {
                choose(model: name)
                console.notice("Model: \(name)")
            } else {
                await showModels()
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
            if !(await turn(.regenerate)) { markFailure() }
        case .retry:
            if !(await turn(.retry)) { markFailure() }
        case let .edit(number):
            await edit(number)
        case .history:
            showHistory()
        case let .think(number):
            showReasoning(number)
        case .newChat:
            session.clear()
            console.notice("New conversation.")
        case .stats:
            showStats()
        case .debug:
            showDebug()
        case .quit:
            return .quit
        }
        return .done
    }

    private func markFailure() {
        if !session.canRetry, session.messages.last?.status == .complete { return }
        anyFailure = true
    }

    private func showModels() async {
        let current = session.settings.model
        do {
            let models = try await modelList()
            var lines = ["Model: \(current ?? "none chosen")"]
            for (index, model) in models.enumerated() {
                let mark = model.id == current ? "*" : " "
                lines.append("\(mark) \(index + 1). \(model.id)")
            }
            lines.append("/model NAME switches.")
            console.print(lines.joined(separator: "\n"))
        } catch {
            console.print("Model: \(current ?? "none chosen")")
            console.error("The list of models could not be read: \(error)")
        }
    }

    private func showSettings() {
        let settings = session.settings
        func source(_ current: AnyHashable?, _ launch: AnyHashable?, flag: Bool) -> String {
            if current != launch { return "this conversation" }
            if current == nil { return "default" }
            return flag ? "command line" : "remembered"
        }
        let options = configuration.settings
        let rows: [(String, String, String)] = [
            ("model", settings.model ?? "none", source(settings.model, launchSettings.model, flag: options.model != nil)),
            ("system", settings.systemPrompt.map { "\"\($0)\"" } ?? "none",
             source(settings.systemPrompt, launchSettings.systemPrompt, flag: true)),
            ("temperature", settings.temperature.map(SettingValue.format) ?? "server default",
             source(settings.temperature, launchSettings.temperature, flag: true)),
            ("top_p", settings.topP.map(SettingValue.format) ?? "server default", source(settings.topP, launchSettings.topP, flag: true)),
            ("max tokens", settings.maxTokens.map(String.init) ?? "auto", source(settings.maxTokens, launchSettings.maxTokens, flag: true)),
            ("endpoint", configuration.endpoint.baseURL, configuration.endpoint.baseURLSource),
            ("api key", configuration.endpoint.keySource.map { "from \($0)" } ?? "none", ""),
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
        for (index, message) in session.messages.enumerated() {
            let who = message.role == .user ? "you" : model
            let status = message.status == .complete ? "" : " [\(message.status.rawValue)]"
            let text = TerminalSanitizer.clean(message.text)
            let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let more = text.contains("\n") || firstLine.count > 70 ? "…" : ""
            lines.append("#\(index + 1) \(who): \(firstLine.prefix(70))\(more)\(status)")
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
            console.error("Message \(number) is not one of your messages; /history shows their numbers.")
            anyFailure = true
            return
        }
        guard let editor else {
            console.error("/edit needs a terminal to edit in.")
            anyFailure = true
            return
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
