import ParleyWire

/// Where a conversation's turn stands.
public enum SessionState: Sendable, Equatable {
    case idle
    /// The request is on its way; no reply yet.
    case sending
    /// A retryable failure: the request goes again at `retryAt`.
    case waitingForModel(retryAt: Double, attempt: Int)
    case streaming
    /// Cancel was asked; the request is closing.
    case cancelling
}

/// What happens to the session: the user's intents and the request's news.
public enum SessionEvent: Sendable, Equatable {
    case submit(String)
    case regenerate
    case retry
    /// `/edit N` finished: user message `number` (1-based over all messages) now reads `text`.
    case edit(number: Int, text: String)
    case headers
    case content(String)
    case reasoning(String)
    /// The reply stops because it reached its token limit; `finished` follows.
    case limitReached
    case finished(Usage?)
    case failed(TurnFailure)
    case cancel
    case retryTimer
    /// The store that must keep every message could not keep the one just submitted: it is taken
    /// back (its attachments wait again) and nothing is sent.
    case unkept
}

/// What the shell must do. The session does no I/O itself.
public enum SessionEffect: Sendable, Equatable {
    case startRequest(ChatRequest)
    case cancelRequest
    case scheduleRetry(after: Double)
    /// The model asked for may not exist: show the server's names nearest to it.
    case suggestModels(near: String)
    /// Keep the change on disk; comes before the request it precedes.
    case persist(PersistChange)
    case render(RenderEvent)
}

/// A change to the conversation that the store must follow.
public enum PersistChange: Sendable, Equatable {
    /// Message `index` (0-based) is now `message`.
    case save(index: Int, message: Message)
    /// Every message from `index` on is gone.
    case truncate(from: Int)
}

/// What the screen should show.
public enum RenderEvent: Sendable, Equatable {
    case replyStarted
    case content(String)
    case reasoning(String)
    /// The reply ended; `message` is as kept (status, usage, timings).
    case replyEnded(Message)
    case failed(String)
    case waiting(reason: String, seconds: Double, attempt: Int)
    /// A short note, not an error of the request.
    case notice(String)
    /// What was asked cannot be done (nothing to retry, no such message, no model): said as an error,
    /// and the run (a script's) fails.
    case refused(String)
    /// Reply `number` is being asked for again (`/regen`): the reply that comes replaces it.
    case replacing(Int)
}

/// The pure state machine of a conversation: `handle(event)` changes the state and returns the effects
/// the shell carries out. Cancel, failure and completion all end in `idle` with the conversation consistent.
public struct Session: Sendable, Equatable {
    public private(set) var state: SessionState = .idle
    public private(set) var messages: [Message] = []
    public var settings: ChatSettings
    public var retryPolicy: RetryPolicy

    /// The reply being received.
    private var reply = Message(role: .assistant, text: "")
    private var sentAt = 0.0
    private var firstTokenAt: Double?
    private var reasoningStartedAt: Double?
    private var reasoningEndedAt: Double?
    private var waited = 0.0
    /// The last request failed (or was cancelled before any text): `/retry` may send it again.
    public private(set) var canRetry = false
    /// The model's context window in tokens, as the server last said it (for `/trim`'s default).
    public internal(set) var contextWindow: Int?
    /// The first message sent with each request (`/trim`): those before it stay, but are not sent.
    public internal(set) var sentFrom = 0
    /// Images and texts waiting to go with the next message.
    public private(set) var pendingAttachments: [Attachment] = []

    /// Adds attachments for the next message, images up to `Attachment.maxPerMessage`; returns the
    /// images refused.
    public mutating func attach(_ attachments: [Attachment]) -> [Attachment] {
        var room = max(0, Attachment.maxPerMessage - pendingAttachments.filter(\.isImage).count)
        var refused: [Attachment] = []
        for attachment in attachments {
            if attachment.isImage {
                guard room > 0 else {
                    refused.append(attachment)
                    continue
                }
                room -= 1
            }
            pendingAttachments.append(attachment)
        }
        return refused
    }

    /// Removes pending attachment `number` (1-based), or all of them with nil; false when there is none such.
    public mutating func detach(_ number: Int?) -> Bool {
        guard let number else {
            pendingAttachments = []
            return true
        }
        guard pendingAttachments.indices.contains(number - 1) else { return false }
        pendingAttachments.remove(at: number - 1)
        return true
    }

    public init(settings: ChatSettings = ChatSettings(), retryPolicy: RetryPolicy = RetryPolicy()) {
        self.settings = settings
        self.retryPolicy = retryPolicy
    }

    /// The number the next message will have (messages count from 1, the system prompt aside).
    public var nextMessageNumber: Int { messages.count + 1 }

    public var isIdle: Bool { state == .idle }

    /// Starts a new, empty conversation (idle only).
    public mutating func clear() {
        guard state == .idle else { return }
        messages = []
        sentFrom = 0
        canRetry = false
    }

    /// Replaces the conversation's messages, e.g. when one is opened (idle only).
    public mutating func load(_ messages: [Message]) {
        guard state == .idle else { return }
        self.messages = messages
        sentFrom = 0
        canRetry = messages.last?.role == .user || messages.last?.status == .failed
    }

    /// The request for the conversation as it stands: the system prompt, then every message with text.
    /// Reasoning is never sent back.
    public func request() -> ChatRequest? {
        guard let model = settings.model else { return nil }
        var wire: [ChatMessage] = []
        if let system = settings.systemPrompt, !system.isEmpty { wire.append(ChatMessage(role: .system, text: system)) }
        for message in messages[min(sentFrom, messages.count)...] where message.role == .user || !message.text.isEmpty {
            wire.append(message.wire)
        }
        return ChatRequest(
            model: model, messages: wire, temperature: settings.temperature, topP: settings.topP,
            maxTokens: settings.maxTokens)
    }

    public mutating func handle(_ event: SessionEvent, now: Double, jitter: Double = 0.5) -> [SessionEffect] {
        switch (state, event) {
        case let (.idle, .submit(text)):
            messages.append(Message(role: .user, text: text, attachments: pendingAttachments))
            pendingAttachments = []
            return [.persist(.save(index: messages.count - 1, message: messages[messages.count - 1]))] + send(now: now)

        case (.idle, .regenerate):
            guard let last = messages.lastIndex(where: { $0.role == .user }) else {
                return [.render(.refused("Nothing to regenerate: no message has been sent yet."))]
            }
            let replacing: [SessionEffect] = last + 1 < messages.count ? [.render(.replacing(last + 2))] : []
            return replacing + truncate(from: last + 1) + send(now: now)

        case (.idle, .retry):
            guard canRetry, let last = messages.lastIndex(where: { $0.role == .user }) else {
                return [.render(.refused("Nothing to retry: the last request did not fail. /regen asks for a new reply."))]
            }
            return truncate(from: last + 1) + send(now: now)

        case let (.idle, .edit(number, text)):
            guard messages.indices.contains(number - 1), messages[number - 1].role == .user else {
                return [.render(.refused("Message \(number) is not one of your messages; /history shows their numbers."))]
            }
            messages[number - 1].text = text
            sentFrom = min(sentFrom, number - 1)  // an edited message is sent, trimmed or not
            return [.persist(.save(index: number - 1, message: messages[number - 1]))] + truncate(from: number) + send(now: now)

        case (.sending, .unkept):
            state = .idle
            if let last = messages.last, last.role == .user {
                messages.removeLast()
                pendingAttachments = last.attachments + pendingAttachments
            }
            return []

        case (.sending, .headers):
            state = .streaming
            return [.render(.replyStarted)]

        case let (.sending, .content(text)), let (.streaming, .content(text)):
            if state == .sending { state = .streaming }
            if firstTokenAt == nil { firstTokenAt = now }
            if reasoningStartedAt != nil, reasoningEndedAt == nil { reasoningEndedAt = now }
            reply.text += text
            return [.render(.content(text))]

        case let (.sending, .reasoning(text)), let (.streaming, .reasoning(text)):
            if state == .sending { state = .streaming }
            if firstTokenAt == nil { firstTokenAt = now }
            if reasoningStartedAt == nil { reasoningStartedAt = now }
            reply.reasoning += text
            return [.render(.reasoning(text))]

        case (.sending, .limitReached), (.streaming, .limitReached):
            reply.stoppedAtLimit = true
            return []

        case let (.sending, .finished(usage)), let (.streaming, .finished(usage)):
            reply.usage = usage
            return end(.complete, now: now)

        case let (.sending, .failed(reported)), let (.streaming, .failed(reported)):
            let failure = retryPolicy.adjusted(reported)
            let nothingReceived = reply.text.isEmpty && reply.reasoning.isEmpty
            var policy = retryPolicy
            if let limit = failure.waitLimit { policy.totalWait = min(policy.totalWait, limit) }
            if failure.isRetryable, nothingReceived, let attempt = attemptNumber, attempt < failure.attemptLimit ?? Int.max,
                let delay = policy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, waited: waited, jitter: jitter)
            {
                waited += delay
                state = .waitingForModel(retryAt: now + delay, attempt: attempt + 1)
                return [.scheduleRetry(after: delay), .render(.waiting(reason: failure.waitReason, seconds: delay, attempt: attempt + 1))]
            }
            var effects = end(.failed, now: now)
            // A retry is offered only where it may help, in the mode's own words.
            var advice = canRetry && failure.retryHelps ? retryPolicy.advice.sentence : ""
            if failure.contextTooLong {
                contextWindow = failure.contextWindow ?? contextWindow
                advice = retryPolicy.advice.tooLong
            }
            effects.append(.render(.failed(failure.sentence + advice)))
            if failure.suggestsModels, let model = settings.model { effects.append(.suggestModels(near: model)) }
            return effects

        case (.waitingForModel, .retryTimer):
            let attempt = attemptNumber ?? 1
            state = .sending
            currentAttempt = attempt
            sentAt = now
            guard let request = request() else { return [] }
            return [.startRequest(request)]

        case (.waitingForModel, .cancel):
            state = .idle
            canRetry = true
            resetReply()
            return [.render(.notice("Stopped waiting; the message is kept. /retry sends it again."))]

        case (.sending, .cancel), (.streaming, .cancel):
            state = .cancelling
            return [.cancelRequest]

        case (.cancelling, .finished), (.cancelling, .failed):
            return end(.cancelled, now: now)

        default:
            return []
        }
    }

    // MARK: - Helpers

    private var currentAttempt = 1

    /// The try now in flight or waited for, 1-based.
    private var attemptNumber: Int? {
        switch state {
        case let .waitingForModel(_, attempt): return attempt
        case .sending, .streaming: return currentAttempt
        default: return nil
        }
    }

    private mutating func send(now: Double) -> [SessionEffect] {
        guard let request = request() else {
            canRetry = true
            return [.render(.refused(ModelChoice.noModel + " The message is kept for /retry."))]
        }
        resetReply()
        waited = 0
        currentAttempt = 1
        sentAt = now
        canRetry = false
        state = .sending
        return [.startRequest(request)]
    }

    private mutating func truncate(from index: Int) -> [SessionEffect] {
        guard index < messages.count else { return [] }
        messages.removeSubrange(index...)
        return [.persist(.truncate(from: index))]
    }

    private mutating func resetReply() {
        reply = Message(role: .assistant, text: "")
        firstTokenAt = nil
        reasoningStartedAt = nil
        reasoningEndedAt = nil
    }

    /// Ends the turn in `status`: the reply is kept when it has anything, or its status asks for it.
    private mutating func end(_ status: Message.Status, now: Double) -> [SessionEffect] {
        if reasoningStartedAt != nil, reasoningEndedAt == nil { reasoningEndedAt = now }
        reply.status = status
        reply.timings = Timings(
            sentAt: sentAt, firstTokenAt: firstTokenAt, endedAt: now,
            reasoningStartedAt: reasoningStartedAt, reasoningEndedAt: reasoningEndedAt)
        let ended = reply
        let hasContent = !reply.text.isEmpty || !reply.reasoning.isEmpty
        var effects: [SessionEffect] = []
        if status == .complete || hasContent {
            messages.append(ended)
            effects.append(.persist(.save(index: messages.count - 1, message: ended)))
        }
        canRetry = status != .complete
        state = .idle
        resetReply()
        effects.append(.render(.replyEnded(ended)))
        if status == .complete, ended.stoppedAtLimit {
            let limit = settings.maxTokens.map { " (\($0))" } ?? ""
            effects.append(.render(.notice("The reply reached its token limit\(limit) and stopped there; /max raises it, then /regen.")))
        }
        return effects
    }
}
