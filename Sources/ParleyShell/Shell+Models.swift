import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyWire

/// The server's models: choosing one when none is (the session's rule), `/model`'s list and switch.
extension Shell {
    /// The session's rule applied to the server's list (read once, then kept).
    func modelChoice(canAsk: Bool) async -> ModelChoice {
        let listed: Result<[String], ModelChoice.ListError>
        do {
            listed = .success(try await services.models.models(refresh: false).map(\.id))
        } catch {
            let failure = turnFailure(error)
            // Nothing configured and nothing answering: that, not a failed list, is the news.
            if failure.kind == .cannotConnect, configuration.endpoint.isBundledModel { return .refuse(failure.sentence) }
            listed = .failure(ModelChoice.ListError("\(error)"))
        }
        return ModelChoice.decide(listed: listed, canAsk: canAsk)
    }

    /// Makes sure a model is chosen before a message is sent.
    func ensureModel() async -> Bool {
        if session.settings.model != nil { return true }
        switch await modelChoice(canAsk: isInteractive && editor != nil) {
        case let .use(model):
            choose(model: model)
            return true
        case let .pick(notice):
            console.notice(notice)
            return await pickModel(refresh: false)
        case let .refuse(sentence):
            console.error(sentence)
            return false
        }
    }

    /// After a model was not found: the server's models nearest to it.
    func suggestModels(near model: String) async {
        guard let models = try? await services.models.models(refresh: false), !models.isEmpty else { return }
        let near = Nearest.names(to: model, among: models.map(\.id)).joined(separator: ", ")
        console.notice("The server has: \(near)\(models.count > 3 ? ", …" : ""). /model NAME switches.")
    }

    /// Sets the model, and remembers it for this endpoint.
    func choose(model: String) {
        session.settings.model = model
        try? keeper.store?.setPreference(Self.modelPreference(configuration.endpoint.storedURL), model)
    }

    /// `/model`: the server's models, numbered, the current one marked, with their status when the
    /// server gives one; at a prompt, a prompt of its own picks one by number or name (Esc leaves).
    /// Returns whether a model was chosen.
    @discardableResult
    func pickModel(refresh: Bool) async -> Bool {
        let current = session.settings.model
        let models: [ModelInfo]
        do {
            models = try await services.models.models(refresh: refresh)
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
            // Ids are padded only to line the statuses up after them.
            let status =
                showStatus
                ? id.padding(toLength: width, withPad: " ", startingAt: 0).dropFirst(id.count) + "  "
                    + ModelStatus.styled(model.status, style: console.style) : ""
            return "\(mark)\(String(index + 1).leftPadded(to: 3)). " + id + status
        }
        console.print(lines.joined(separator: "\n"))
        guard let editor else {
            console.print("/model NAME or /model N switches.")
            return false
        }
        let keep = current.map { "keep \($0)" } ?? "leave"
        switch editor.readLine(prompt: "Model number or name (Esc to \(keep)): ", initialText: nil) {
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
        let models = (try? await services.models.models(refresh: false)) ?? []
        var name = argument
        if let number = Int(argument) {
            guard models.indices.contains(number - 1) else {
                fail(
                    models.isEmpty
                        ? "There is no list of models to pick \(number) from; give the name."
                        : "There is no model \(number); /model lists \(models.count).")
                return false
            }
            name = models[number - 1].id
        }
        if let listed = models.first(where: { $0.id == name }) {
            if ModelStatus(listed.status) == .offline {
                console.warning("\(name) is Offline; requests may fail until it is back.")
            }
        } else if !models.isEmpty {
            let near = Nearest.names(to: name, among: models.map(\.id)).joined(separator: ", ")
            console.warning("the server does not list \(name) (nearest: \(near)); using it anyway.")
        }
        choose(model: name)
        console.notice("Model: \(name)")
        return true
    }
}
