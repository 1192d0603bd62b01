/// `/trim`: the oldest turns left out of what is sent, for a conversation longer than the model's
/// context window. They stay in the conversation (and the store); the system prompt is always sent.
extension Session {
    /// Why a trim cannot be made.
    public struct TrimRefusal: Error, Sendable, Equatable {
        public var sentence: String
    }

    /// The indices where turns begin (a user message), from the first message still sent.
    var turnStarts: [Int] {
        messages.indices.filter { $0 >= sentFrom && messages[$0].role == .user }
    }

    /// Leaves out the `turns` oldest turns still sent, or (nil) as many as it takes for the rest to fit
    /// in `window` tokens with room for a reply. The last turn is always kept. Returns how many were
    /// left out.
    public mutating func trim(turns: Int?, window: Int?) throws(TrimRefusal) -> Int {
        let starts = turnStarts
        guard starts.count > 1 else {
            throw TrimRefusal(sentence: "There is nothing to trim: only the last turn is sent, and it must be.")
        }
        let count: Int
        if let turns {
            guard turns < starts.count else {
                throw TrimRefusal(sentence: "Only \(starts.count - 1) turn(s) can be trimmed: the last one is always sent.")
            }
            count = turns
        } else {
            guard let window else {
                throw TrimRefusal(
                    sentence: "How many turns? The server has not said how long its window is: /trim N leaves out the N oldest.")
            }
            count = Self.turnsToDrop(starts: starts, messages: messages, system: settings.systemPrompt, budget: window * 3 / 4)
        }
        sentFrom = starts[count]
        return count
    }

    /// The fewest oldest turns to leave out so that what is sent is within `budget` tokens (estimated
    /// as a token for every four characters, and a few for each message); at most all but the last.
    static func turnsToDrop(starts: [Int], messages: [Message], system: String?, budget: Int) -> Int {
        let estimate = { (text: String) in text.utf8.count / 4 + 4 }
        let fixed = system.map(estimate) ?? 0
        for dropped in 0..<(starts.count - 1) {
            let sent = messages[starts[dropped]...].reduce(fixed) { $0 + estimate($1.text) }
            if sent <= budget { return dropped }
        }
        return starts.count - 1
    }
}
