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

    /// - Parameters:
    ///   - listed: the server's model ids, or the sentence saying why the list could not be read.
    ///   - canAsk: whether the user is at a prompt to pick one.
    public static func decide(listed: Result<[String], ListError>, canAsk: Bool) -> ModelChoice {
        let models: [String]
        switch listed {
        case let .success(ids): models = ids
        case let .failure(error):
            return .refuse("No model is chosen, and the server's list of models could not be read: \(error.sentence)")
        }
        if models.count == 1 { return .use(models[0]) }
        if canAsk, !models.isEmpty { return .pick(notice: "Choose a model first; the message is sent once one is chosen.") }
        let few = models.prefix(5).joined(separator: ", ")
        let listing = models.isEmpty ? "The server lists no models." : "It offers: \(few)\(models.count > 5 ? ", …" : "")."
        return .refuse("No model is chosen: give one with -m NAME or /model NAME. \(listing)")
    }

    /// Why the list of models could not be read, as a sentence.
    public struct ListError: Error, Sendable, Equatable {
        public var sentence: String
        public init(_ sentence: String) { self.sentence = sentence }
    }
}
