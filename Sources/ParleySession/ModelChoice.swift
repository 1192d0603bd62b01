/// The rule for a message that is to be sent while no model is chosen: the server's only model is
/// taken; at a prompt the user picks from several; otherwise nothing is sent, and the sentence says
/// what the server offers.
public enum ModelChoice: Sendable, Equatable {
    /// The one model the server lists.
    case use(String)
    /// Ask the user to pick one of those listed.
    case pick(notice: String)
    /// Nothing can be sent; the sentence says why and what to do.
    case refuse(String)

    /// What is said wherever a model is needed and none is chosen (with what follows from it).
    public static let noModel = "No model is chosen: give one with -m NAME or /model NAME."

    /// - Parameters:
    ///   - listed: the server's model ids, or why the list could not be read.
    ///   - canAsk: whether the user is at a prompt to pick one.
    ///   - policy: the retry policy, which says what a bundled model that does not answer means.
    public static func decide(listed: Result<[String], TurnFailure>, canAsk: Bool, policy: RetryPolicy) -> ModelChoice {
        let models: [String]
        switch listed {
        case let .success(ids): models = ids
        case let .failure(failure):
            // Nothing configured and nothing answering: that, not a failed list, is the news.
            let adjusted = policy.adjusted(failure)
            if adjusted.kind == .cannotConnect, policy.notAnswering != nil { return .refuse(adjusted.sentence) }
            return .refuse("No model is chosen, and the server's list of models could not be read: \(failure.sentence)")
        }
        if models.count == 1 { return .use(models[0]) }
        if canAsk, !models.isEmpty { return .pick(notice: "Choose a model first; the message is sent once one is chosen.") }
        let few = models.prefix(5).joined(separator: ", ")
        let listing = models.isEmpty ? "The server lists no models." : "It offers: \(few)\(models.count > 5 ? ", …" : "")."
        return .refuse("\(noModel) \(listing)")
    }
}
