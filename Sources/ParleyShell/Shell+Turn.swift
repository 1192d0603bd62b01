import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyTerminal

extension Shell {
    /// Makes sure a model is chosen: when none is, and the server lists exactly one, that one.
    func ensureModel() async -> Bool {
        if session.settings.model != nil { return true }
        let models: [ModelInfo]
        do {
            models = try await modelList()
        } catch {
            console.error("No model is chosen, and the server's list of models could not be read: \(error)")
            return false
        }
        if models.count == 1 {
            choose(model: models[0].id)
            return true
        }
        if isInteractive, !models.isEmpty {
            console.notice("Choose a model first; the message is sent once one is chosen.")
            return await pickModel(refresh: false)
        }
        let few = models.prefix(5).map(\.id).joined(separator: ", ")
        let listing = models.isEmpty ? "The server lists no models." : "It offers: \(few)\(models.count > 5 ? ", …" : "")."
        console.error("No model is chosen: give one with -m NAME or /model NAME. \(listing)")
        return false
    }

    /// After a 404: the server's models nearest to the one asked for.
    func suggestModels() async {
        guard let models = try? await modelList(), !models.isEmpty else { return }
        let near = Nearest.names(to: session.settings.model ?? "", among: models.map(\.id)).joined(separator: ", ")
        console.notice("The server has: \(near)\(models.count > 3 ? ", …" : ""). /model NAME switches.")
    }

    func modelList(refresh: Bool = false) async throws -> [ModelInfo] {
        if let cachedModels, !refresh { return cachedModels }
        let models = try await client.listModels()
        cachedModels = models
        return models
    }

    /// Fetches the model list off the main actor (which the line editor blocks), for Tab completion.
    func prefetchModelNames() {
        let client = self.client
        let names = modelNames
        Task.detached {
            if let models = try? await client.listModels() { names.names = models.map(\.id) }
        }
    }

    func choose(model: String) {
        session.settings.model = model
        try? keeper.store?.setPreference(Self.modelPreference(configuration.endpoint.baseURL), model)
    }

    /// Runs one turn from `event` until the session is idle again; true when the reply completed.
    func turn(_ event: SessionEvent) async -> Bool {
        var effects = feed(event)
        var completed = false
        while !effects.isEmpty {
            let effect = effects.removeFirst()
            switch effect {
            case let .startRequest(request):
                effects += await stream(request)
            case let .scheduleRetry(delay):
                effects += await waitForRetry(delay)
            case .cancelRequest, .render, .persist:
                break
            }
            if session.isIdle, effects.isEmpty, let last = session.messages.last, last.role == .assistant {
                completed = last.status == .complete
            }
        }
        return completed
    }

    /// Hands an event to the session and renders at once; returns the effects left to carry out.
    func feed(_ event: SessionEvent) -> [SessionEffect] {
        var rest: [SessionEffect] = []
        for effect in session.handle(event, now: now, jitter: jitter.next()) {
            switch effect {
            case let .render(render): show(render)
            case let .persist(change): keeper.apply(change, settings: session.settings)
            default: rest.append(effect)
            }
        }
        return rest
    }

    /// Sends `request` and feeds what comes back to the session. Esc or Ctrl-C (when stdin is a
    /// terminal) cancels it.
    func stream(_ request: ChatRequest) async -> [SessionEffect] {
        lastRequest = request
        eventLog.reset()
        let log = eventLog
        // The raw events are for /debug, which a one-shot run never reaches.
        let record: (@Sendable (String) -> Void)? = isOneShot ? nil : { @Sendable text in log.record(text) }
        let batches = client.streamChatBatches(request, rawEvents: record)
        let consumer = Task { @MainActor () -> [SessionEffect] in
            var effects: [SessionEffect] = []
            do {
                for try await batch in batches {
                    for event in batch {
                        switch event {
                        case .opened: effects += feed(.headers)
                        case let .content(text): effects += feed(.content(text))
                        case let .reasoning(text): effects += feed(.reasoning(text))
                        case let .finished(_, usage): effects += feed(.finished(usage))
                        }
                    }
                    console.outSink.flush()  // once per piece of the body: what came is on the screen now
                }
                if Task.isCancelled { return cancelled() }
            } catch is CancellationError {
                return cancelled()
            } catch let error as APIError {
                let effects = feed(.failed(Self.turnFailure(error, endpoint: configuration.endpoint)))
                if case let .http(failure) = error, failure.status == 404 { await suggestModels() }
                return effects
            } catch {
                return feed(.failed(TurnFailure(sentence: "\(error)")))
            }
            return effects
        }
        return await valueCancellableByKeys(consumer)
    }

    /// The task's value; meanwhile Esc or Ctrl-C (when stdin is a terminal) cancels it, and text typed
    /// waits for the next prompt.
    func valueCancellableByKeys<Value>(_ task: Task<Value, Never>) async -> Value {
        let watcher = TerminalDevice.isTerminal(0) ? KeyWatcher(onCancel: { task.cancel() }) : nil
        watcher?.start()
        let value = await task.value
        stop(watcher)
        return value
    }

    /// Stops `watcher`; what was typed meanwhile goes to the line editor's next prompt.
    func stop(_ watcher: KeyWatcher?) {
        guard let watcher else { return }
        watcher.stop()
        editor?.typeAhead(watcher.typed)
    }

    /// Whether a wait is counted down on one live status line (else a line per try).
    var countsDownLive: Bool { TerminalDevice.isTerminal(0) && console.errIsTerminal }

    /// How the session should take an error. The bundled local model refusing connections is
    /// usually still starting (`make run` starts it): that is waited for, 30 s at most; any other
    /// refused connection is said at once.
    nonisolated static func turnFailure(_ error: APIError, endpoint: Endpoint) -> TurnFailure {
        var failure = TurnFailure(error)
        if case .transport(.cannotConnect) = error, endpoint.baseURL == Endpoint.localModelURL,
           endpoint.baseURLSource == Endpoint.localModelSource {
            failure.isRetryable = true
            failure.waitReason = "is not answering yet (scripts/local-model start starts it)"
            failure.waitLimit = 30
        }
        return failure
    }

    private func cancelled() -> [SessionEffect] {
        feed(.cancel) + feed(.failed(TurnFailure(sentence: "cancelled")))
    }

    /// Waits `delay` seconds before the next try. In a terminal one status line counts down and Esc
    /// cancels the wait (the message stays for `/retry`); elsewhere one line per try went to stderr.
    func waitForRetry(_ delay: Double) async -> [SessionEffect] {
        let live = countsDownLive
        let countdown = Task { @MainActor () -> Bool in
            let end = ContinuousClock.now + .seconds(delay)
            do {
                while ContinuousClock.now < end {
                    if live, let waiting = pendingWait {
                        let left = Int((end - ContinuousClock.now).components.seconds) + 1
                        console.errSink.write("\r\u{1B}[K" + console.errStyle.apply(Style.yellow, to: waitLine(waiting, seconds: left)))
                        console.errSink.flush()
                    }
                    try await Task.sleep(for: min(.seconds(1), end - ContinuousClock.now))
                }
                return true
            } catch {
                return false
            }
        }
        let elapsed = await valueCancellableByKeys(countdown)
        if live {
            console.errSink.write("\r\u{1B}[K")
            console.errSink.flush()
        }
        pendingWait = nil
        return feed(elapsed ? .retryTimer : .cancel)
    }

    /// "SmolLM2 is warming up — retrying in 12 s (try 3) · Esc to cancel"
    func waitLine(_ waiting: (reason: String, attempt: Int), seconds: Int) -> String {
        let model = session.settings.model.map(Self.shortModelName) ?? "The server"
        let cancel = TerminalDevice.isTerminal(0) ? " · Esc to cancel" : ""
        return "\(model) \(waiting.reason) — retrying in \(seconds) s (try \(waiting.attempt))\(cancel)"
    }

    /// Shows what the session asks to be shown.
    func show(_ render: RenderEvent) {
        switch render {
        case .replyStarted:
            console.out.begin()
            replyOpen = true
        case let .content(text):
            if !replyOpen { console.out.begin(); replyOpen = true }
            console.out.content(text)
        case let .reasoning(text):
            if !replyOpen { console.out.begin(); replyOpen = true }
            console.out.reasoning(text)
        case let .replyEnded(message):
            guard replyOpen else { return }
            replyOpen = false
            let status: String? = switch message.status {
            case .complete: nil
            case .cancelled: "[cancelled]"
            case .failed: "[failed]"
            }
            console.out.end(status: status)
            if !isOneShot { console.outSink.write("\n") }
            console.outSink.flush()
            appendToTranscript(message)
        case let .failed(sentence):
            let hint = session.canRetry && !sentence.contains("/retry") ? " /retry sends it again." : ""
            console.error(sentence + hint)
        case let .waiting(reason, seconds, attempt):
            pendingWait = (reason, attempt)
            if !countsDownLive {
                console.notice(waitLine((reason, attempt), seconds: Int(seconds.rounded(.up))))
            }
        case let .notice(text):
            console.notice(text)
        case .replacing:
            // A script's transcript would show the new reply under the old one with nothing between:
            // mark it. At the prompt, the /regen just typed says as much.
            if !isInteractive { console.out.line("[regenerated]\n", codes: Style.yellow) }
        }
    }

    /// `--transcript`: the user's message and this reply, as `/save` writes them.
    func appendToTranscript(_ reply: Message) {
        guard let transcript else { return }
        let user = session.messages.last { $0.role == .user }
        let text = (user.map { Transcript.turn($0, model: nil) } ?? "") + Transcript.turn(reply, model: session.settings.model)
        do {
            try transcript.append(text)
        } catch {
            // Every later turn would go unrecorded: the run ends here, failed.
            fail("\(error) The run stops here: later turns would not be recorded.")
            transcriptFailed = true
        }
    }

    var isOneShot: Bool { if case .oneShot = mode { return true } else { return false } }
}
