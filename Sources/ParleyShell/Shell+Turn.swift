import Foundation
import ParleyAPI
import ParleyRender
import ParleySession
import ParleyWire

/// A turn: the session's effects carried out (requests, waits, the store, the screen) until it is idle.
extension Shell {
    /// Runs one turn from `event` until the session is idle again; true when the reply completed.
    func turn(_ event: SessionEvent) async -> Bool {
        unkept = nil
        var effects = feed(event)
        var completed = false
        while !effects.isEmpty {
            let effect = effects.removeFirst()
            switch effect {
            case let .startRequest(request):
                effects += await stream(request)
            case let .scheduleRetry(delay):
                effects += await waitForRetry(delay)
            case let .suggestModels(near):
                await suggestModels(near: near)
            case .cancelRequest, .render, .persist:
                break
            }
            if session.isIdle, effects.isEmpty, let last = session.messages.last, last.role == .assistant {
                completed = last.status == .complete
            }
        }
        return completed
    }

    /// Hands an event to the session and carries out at once what is immediate (the screen, the
    /// store, cancelling); returns the effects left to carry out.
    func feed(_ event: SessionEvent) -> [SessionEffect] {
        var rest: [SessionEffect] = []
        for effect in session.handle(event, now: now, jitter: services.clock.jitter()) {
            switch effect {
            case let .render(render): show(render)
            case let .persist(change):
                // With a store that must keep everything, a new message it could not keep is not sent;
                // anything else it could not keep (an edit, a reply, a truncation) is said.
                if !keeper.apply(change, settings: session.settings), keeper.mustKeep {
                    let reason = keeper.lastFailure ?? "The conversation store failed."
                    if case .submit = event, case .save(_, let message) = change, message.role == .user {
                        unkept = reason
                        return feed(.unkept)
                    }
                    fail("\(reason) It was not kept.")
                }
            case .cancelRequest: activeRequest?.cancel()
            default: rest.append(effect)
            }
        }
        return rest
    }

    /// Sends `request` and feeds what comes back to the session. A cancel key is the session's to
    /// decide on: it asks for the request to be stopped (`.cancelRequest`).
    func stream(_ request: ChatRequest) async -> [SessionEffect] {
        lastRequest = request
        eventLog.reset()
        let log = eventLog
        // The raw events are for /debug, which a one-shot run never reaches.
        let record: (@Sendable (String) -> Void)? = isOneShot ? nil : { @Sendable text in log.record(text) }
        let batches = services.chat.streamChatBatches(request, rawEvents: record)
        let consumer = Task { @MainActor () -> [SessionEffect] in
            var effects: [SessionEffect] = []
            do {
                for try await batch in batches {
                    for event in batch {
                        switch event {
                        case .opened: effects += feed(.headers)
                        case let .content(text): effects += feed(.content(text))
                        case let .reasoning(text): effects += feed(.reasoning(text))
                        case let .finished(reason, usage):
                            if reason == "length" { effects += feed(.limitReached) }
                            effects += feed(.finished(usage))
                        }
                    }
                    console.flush()  // once per piece of the body: what came is on the screen now
                }
                if Task.isCancelled { return effects + feed(.failed(.cancelled)) }
            } catch {
                return effects + feed(.failed(turnFailure(error)))
            }
            return effects
        }
        activeRequest = consumer
        defer { activeRequest = nil }
        return await whileWatchingKeys(consumer) { [unowned self] in
            // A key that arrives once this request has ended is not for the next one.
            guard activeRequest == consumer else { return }
            _ = feed(.cancel)
        }
    }

    /// A request's error as the session takes it: a typed failure.
    func turnFailure(_ error: Error) -> TurnFailure {
        switch error {
        case let failure as TurnFailure: return failure
        case is CancellationError: return .cancelled
        case let error as APIError: return TurnFailure(error)
        default: return TurnFailure(.badReply, sentence: "\(error)")
        }
    }

    /// The task's value; meanwhile a cancel key calls `onCancel` on the main actor, and text typed
    /// waits for the next prompt.
    func whileWatchingKeys<Value>(_ task: Task<Value, Never>, onCancel: @escaping @MainActor () -> Void) async -> Value {
        let watcher = services.keys.watch(onCancel: { Task { @MainActor in onCancel() } })
        let value = await task.value
        if let typed = watcher?.finish() { editor?.typeAhead(typed) }
        return value
    }

    /// Whether a wait is counted down on one live status line (else a line per try).
    var countsDownLive: Bool { services.keys.isKeyboard && console.showsStatusLine }

    /// Waits `delay` seconds before the next try. In a terminal one status line counts down and Esc
    /// cancels the wait (the message stays for `/retry`); elsewhere one line per try went to stderr.
    func waitForRetry(_ delay: Double) async -> [SessionEffect] {
        let live = countsDownLive
        let clock = services.clock
        let countdown = Task { @MainActor () -> Bool in
            var left = delay
            do {
                while left > 0 {
                    if live, let waiting = pendingWait {
                        console.status(waitLine(waiting, seconds: Int(left.rounded(.up))))
                    }
                    let step = min(1, left)
                    try await clock.sleep(seconds: step)
                    left -= step
                }
                return true
            } catch {
                return false
            }
        }
        let elapsed = await whileWatchingKeys(countdown, onCancel: { countdown.cancel() })
        if live {
            console.status(nil)
        }
        pendingWait = nil
        return feed(elapsed ? .retryTimer : .cancel)
    }

    /// "SmolLM2 is warming up — retrying in 12 s (try 3) · Esc to cancel"
    func waitLine(_ waiting: (reason: String, attempt: Int), seconds: Int) -> String {
        let model = session.settings.model.map(Self.shortModelName) ?? "The server"
        let cancel = services.keys.isKeyboard ? " · Esc to cancel" : ""
        return "\(model) \(waiting.reason) — retrying in \(seconds) s (try \(waiting.attempt))\(cancel)"
    }

    /// Shows what the session asks to be shown.
    func show(_ render: RenderEvent) {
        switch render {
        case .replyStarted:
            console.reply.begin()
            replyOpen = true
        case let .content(text):
            if !replyOpen {
                console.reply.begin()
                replyOpen = true
            }
            console.reply.content(text)
        case let .reasoning(text):
            if !replyOpen {
                console.reply.begin()
                replyOpen = true
            }
            console.reply.reasoning(text)
        case let .replyEnded(message):
            guard replyOpen else { return }
            replyOpen = false
            let status: String? =
                switch message.status {
                case .complete where message.stoppedAtLimit: "[cut off at the token limit]"
                case .complete: nil
                case .cancelled: "[cancelled]"
                case .failed: "[failed]"
                }
            console.reply.end(status: status)
            defer { transcriptTurn = "" }
            appendToTranscript(message, status: status)
            if isOneShot { console.flush() } else { console.raw("\n") }
        case let .failed(sentence):
            console.error(sentence)
        case let .waiting(reason, seconds, attempt):
            pendingWait = (reason, attempt)
            if !countsDownLive {
                console.notice(waitLine((reason, attempt), seconds: Int(seconds.rounded(.up))))
            }
        case let .notice(text):
            console.notice(text)
        case let .refused(text):
            fail(text)
        case .replacing:
            // A script's transcript would show the new reply under the old one with nothing between:
            // mark it. At the prompt, the /regen just typed says as much.
            if !isInteractive { console.reply.line("[regenerated]\n", codes: Style.yellow) }
            transcriptTurn = "[regenerated]\n\n"
        }
    }

    /// The message the next reply answers, quoted for `--transcript` (nothing when there is none).
    func noteTranscriptTurn(_ text: String, attachments: [Attachment]) {
        if transcript != nil { transcriptTurn = Transcript.quoted(text, attachments: attachments) }
    }

    /// `--transcript`: the message this reply answers (or `[regenerated]`) and the reply, as a pipe
    /// shows them.
    func appendToTranscript(_ reply: Message, status: String?) {
        guard let transcript else { return }
        do {
            try transcript.append(transcriptTurn + Transcript.pipedReply(reply, status: status))
        } catch {
            // Every later turn would go unrecorded: the run ends here, failed.
            fail("\(error) The run stops here: later turns would not be recorded.")
            transcriptFailed = true
        }
    }
}

extension TurnFailure {
    /// An error of the chat client as the session takes it.
    init(_ error: APIError) {
        switch error {
        case let .http(failure):
            self.init(
                .http(status: failure.status, code: failure.code), sentence: error.description, isRetryable: error.isRetryable,
                retryAfter: failure.retryAfter, waitReason: error.waitReason,
                attemptLimit: failure.isTransient ? TurnFailure.transientAttempts : nil, modelNotFound: failure.isModelNotFound)
            contextTooLong = failure.isContextTooLong
            contextWindow = failure.contextWindow
        case .transport(.cannotConnect):
            self.init(.cannotConnect, sentence: error.description, waitReason: error.waitReason)
        case .transport, .invalidBaseURL:
            self.init(.unreachable, sentence: error.description, waitReason: error.waitReason)
        case .streamCut:
            self.init(.cut, sentence: error.description)
        case .errorEvent, .invalidEvent:
            self.init(.badReply, sentence: error.description)
        }
    }
}
