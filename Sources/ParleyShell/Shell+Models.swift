import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyWire

/// The server's models: choosing one when none is (the session's rule); `/model`'s list and switch
/// are `ModelCommand`'s.
extension Shell {
    /// The session's rule applied to the server's list (read once, then kept).
    func modelChoice(canAsk: Bool) async -> ModelChoice {
        let listed: Result<[String], TurnFailure>
        do {
            listed = .success(try await services.models.models(refresh: false).map(\.id))
        } catch {
            listed = .failure(turnFailure(error))
        }
        return ModelChoice.decide(listed: listed, canAsk: canAsk, policy: session.retryPolicy)
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
            _ = await perform(ModelCommand(argument: "").run(commandContext))
            return session.settings.model != nil
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
}
