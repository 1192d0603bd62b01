import ParleyWire
import XCTest

@testable import ParleySession

/// Every transition of the session, from each state, as a table; then the turns built from them.
final class SessionTests: XCTestCase {
    let settings = ChatSettings(model: "m", systemPrompt: "Be brief.", temperature: 0.5)
    let retryable = TurnFailure(.badReply, sentence: "warming up", isRetryable: true, retryAfter: 3)
    let fatal = TurnFailure(.badReply, sentence: "bad request", isRetryable: false)

    /// A session brought to `state` with one exchange behind it.
    func session(in state: SessionState) -> Session {
        var session = Session(settings: settings)
        _ = session.handle(.submit("first"), now: 0)
        _ = session.handle(.headers, now: 0.1)
        _ = session.handle(.content("one"), now: 0.2)
        _ = session.handle(.finished(nil), now: 0.3)
        switch state {
        case .idle: break
        case .sending: _ = session.handle(.submit("second"), now: 1)
        case .streaming:
            _ = session.handle(.submit("second"), now: 1)
            _ = session.handle(.headers, now: 1.1)
        case .waitingForModel:
            _ = session.handle(.submit("second"), now: 1)
            _ = session.handle(.failed(retryable), now: 1.1)
        case .cancelling:
            _ = session.handle(.submit("second"), now: 1)
            _ = session.handle(.cancel, now: 1.1)
        }
        return session
    }

    struct Row {
        var from: SessionState
        var event: SessionEvent
        var to: SessionState
        var effects: [String]  // the effects' kinds, in order
        var line: UInt = #line
    }

    static func kind(_ effect: SessionEffect) -> String {
        switch effect {
        case .startRequest: return "start"
        case .cancelRequest: return "cancel"
        case .scheduleRetry: return "schedule"
        case .suggestModels: return "suggest"
        case let .persist(change):
            switch change {
            case .save: return "save"
            case .truncate: return "truncate"
            }
        case let .render(render):
            switch render {
            case .replyStarted: return "render.started"
            case .content: return "render.content"
            case .reasoning: return "render.reasoning"
            case let .replyEnded(message): return "render.ended.\(message.status.rawValue)"
            case .failed: return "render.failed"
            case .waiting: return "render.waiting"
            case .notice: return "render.notice"
            case .refused: return "render.refused"
            case .replacing: return "render.replacing"
            }
        }
    }

    static func request(in effects: [SessionEffect]) -> ChatRequest? {
        for effect in effects { if case let .startRequest(request) = effect { return request } }
        return nil
    }

    static let waiting = SessionState.waitingForModel(retryAt: 4.1, attempt: 2)

    let table: [Row] = [
        // idle
        Row(from: .idle, event: .submit("hi"), to: .sending, effects: ["save", "start"]),
        Row(from: .idle, event: .regenerate, to: .sending, effects: ["render.replacing", "truncate", "start"]),
        Row(from: .idle, event: .retry, to: .idle, effects: ["render.refused"]),
        Row(from: .idle, event: .edit(number: 1, text: "new"), to: .sending, effects: ["save", "truncate", "start"]),
        Row(from: .idle, event: .edit(number: 2, text: "x"), to: .idle, effects: ["render.refused"]),
        Row(from: .idle, event: .headers, to: .idle, effects: []),
        Row(from: .idle, event: .content("x"), to: .idle, effects: []),
        Row(from: .idle, event: .finished(nil), to: .idle, effects: []),
        Row(from: .idle, event: .failed(TurnFailure(.badReply, sentence: "x")), to: .idle, effects: []),
        Row(from: .idle, event: .cancel, to: .idle, effects: []),
        Row(from: .idle, event: .retryTimer, to: .idle, effects: []),
        // sending
        Row(from: .sending, event: .headers, to: .streaming, effects: ["render.started"]),
        Row(from: .sending, event: .content("x"), to: .streaming, effects: ["render.content"]),
        Row(from: .sending, event: .reasoning("x"), to: .streaming, effects: ["render.reasoning"]),
        Row(from: .sending, event: .finished(nil), to: .idle, effects: ["save", "render.ended.complete"]),
        Row(
            from: .sending, event: .failed(TurnFailure(.badReply, sentence: "warming up", isRetryable: true, retryAfter: 3)), to: waiting,
            effects: ["schedule", "render.waiting"]),
        Row(
            from: .sending, event: .failed(TurnFailure(.badReply, sentence: "bad request")), to: .idle,
            effects: ["render.ended.failed", "render.failed"]),
        Row(from: .sending, event: .cancel, to: .cancelling, effects: ["cancel"]),
        Row(from: .sending, event: .submit("again"), to: .sending, effects: []),
        Row(from: .sending, event: .retryTimer, to: .sending, effects: []),
        // streaming
        Row(from: .streaming, event: .content("x"), to: .streaming, effects: ["render.content"]),
        Row(from: .streaming, event: .reasoning("x"), to: .streaming, effects: ["render.reasoning"]),
        Row(from: .streaming, event: .finished(Usage(completionTokens: 1)), to: .idle, effects: ["save", "render.ended.complete"]),
        Row(
            from: .streaming, event: .failed(TurnFailure(.badReply, sentence: "cut")), to: .idle,
            effects: ["render.ended.failed", "render.failed"]),
        Row(from: .streaming, event: .cancel, to: .cancelling, effects: ["cancel"]),
        Row(from: .streaming, event: .headers, to: .streaming, effects: []),
        Row(from: .streaming, event: .regenerate, to: .streaming, effects: []),
        // waitingForModel
        Row(from: waiting, event: .retryTimer, to: .sending, effects: ["start"]),
        Row(from: waiting, event: .cancel, to: .idle, effects: ["render.notice"]),
        Row(from: waiting, event: .content("x"), to: waiting, effects: []),
        Row(from: waiting, event: .submit("x"), to: waiting, effects: []),
        // cancelling
        Row(
            from: .cancelling, event: .failed(TurnFailure(.badReply, sentence: "cancelled")), to: .idle, effects: ["render.ended.cancelled"]
        ),
        Row(from: .cancelling, event: .finished(nil), to: .idle, effects: ["render.ended.cancelled"]),
        Row(from: .cancelling, event: .content("late"), to: .cancelling, effects: []),
        Row(from: .cancelling, event: .cancel, to: .cancelling, effects: []),
    ]

    func testTransitionTable() {
        for row in table {
            var machine = session(in: row.from)
            XCTAssertEqual(machine.state, row.from, "setup", line: row.line)
            let effects = machine.handle(row.event, now: 1.1, jitter: 0.5)
            XCTAssertEqual(machine.state, row.to, "\(row.from) + \(row.event)", line: row.line)
            XCTAssertEqual(effects.map(Self.kind), row.effects, "\(row.from) + \(row.event)", line: row.line)
        }
    }

    func testEveryStateEndsIdleAfterCancelOrFailure() {
        for state in [SessionState.idle, .sending, .streaming, Self.waiting, .cancelling] {
            // While waiting no request is in flight, so only a cancel can come.
            for ending in state == Self.waiting ? [SessionEvent.cancel] : [.cancel, .failed(fatal)] {
                var machine = session(in: state)
                _ = machine.handle(ending, now: 2)
                if machine.state == .cancelling { _ = machine.handle(.failed(TurnFailure(.badReply, sentence: "cancelled")), now: 2.1) }
                XCTAssertEqual(machine.state, .idle, "\(state) + \(ending)")
                XCTAssertEqual(machine.messages.first?.text, "first", "the conversation is kept")
            }
        }
    }

    func testARequestCarriesTheConversationAndSettingsButNoReasoning() throws {
        var machine = Session(settings: settings)
        _ = machine.handle(.submit("Q1"), now: 0)
        _ = machine.handle(.reasoning("secret thoughts"), now: 0.1)
        _ = machine.handle(.content("A1"), now: 0.2)
        _ = machine.handle(.finished(nil), now: 0.3)
        let effects = machine.handle(.submit("Q2"), now: 1)
        guard let request = Self.request(in: effects) else { return XCTFail("\(effects)") }
        XCTAssertEqual(request.model, "m")
        XCTAssertEqual(request.temperature, 0.5)
        XCTAssertEqual(
            request.messages,
            [
                ChatMessage(role: .system, text: "Be brief."), ChatMessage(role: .user, text: "Q1"),
                ChatMessage(role: .assistant, text: "A1"), ChatMessage(role: .user, text: "Q2"),
            ])
        XCTAssertEqual(machine.messages[1].reasoning, "secret thoughts")
    }

    func testTheUserMessageIsPersistedBeforeItsRequestAndTheReplyWhenItEnds() {
        var machine = Session(settings: settings)
        let submitted = machine.handle(.submit("hello"), now: 0)
        XCTAssertEqual(submitted.map(Self.kind), ["save", "start"])
        XCTAssertEqual(submitted.first, .persist(.save(index: 0, message: Message(role: .user, text: "hello"))))
        _ = machine.handle(.content("partial"), now: 1)
        let cancelled = machine.handle(.cancel, now: 2) + machine.handle(.failed(TurnFailure(.badReply, sentence: "cancelled")), now: 2.1)
        guard case let .persist(.save(index, message)) = cancelled[1] else { return XCTFail("\(cancelled)") }
        XCTAssertEqual(index, 1)
        XCTAssertEqual(message.status, .cancelled)
        XCTAssertEqual(message.text, "partial")
        XCTAssertEqual(machine.handle(.retry, now: 3).first, .persist(.truncate(from: 1)))
    }

    func testCancelKeepsThePartialTextMarked() {
        var machine = session(in: .streaming)
        _ = machine.handle(.content("half a rep"), now: 1.2)
        _ = machine.handle(.cancel, now: 1.3)
        _ = machine.handle(.failed(TurnFailure(.badReply, sentence: "cancelled")), now: 1.31)
        XCTAssertEqual(
            machine.messages.last,
            Message(
                role: .assistant, text: "half a rep", status: .cancelled,
                timings: Timings(sentAt: 1, firstTokenAt: 1.2, endedAt: 1.31)))
        XCTAssertEqual(machine.nextMessageNumber, 5)
    }

    func testFailureKeepsPartialTextAndOffersRetryWhichReplacesIt() {
        var machine = session(in: .streaming)
        _ = machine.handle(.content("partial"), now: 1.2)
        _ = machine.handle(.failed(TurnFailure(.badReply, sentence: "cut")), now: 1.3)
        XCTAssertEqual(machine.messages.last?.status, .failed)
        XCTAssertTrue(machine.canRetry)
        let effects = machine.handle(.retry, now: 2)
        guard let request = Self.request(in: effects) else { return XCTFail("\(effects)") }
        XCTAssertEqual(request.messages.last, ChatMessage(role: .user, text: "second"))
        XCTAssertEqual(machine.messages.count, 3, "the failed partial reply is gone")
    }

    func testRegenerateReplacesTheLastReply() {
        var machine = session(in: .idle)
        XCTAssertEqual(machine.handle(.regenerate, now: 1).first, .render(.replacing(2)), "reply 2 is the one replaced")
        _ = machine.handle(.content("another"), now: 1.1)
        _ = machine.handle(.finished(nil), now: 1.2)
        XCTAssertEqual(machine.messages.map(\.text), ["first", "another"])
    }

    func testNothingToRegenerateOrRetry() {
        var machine = Session(settings: settings)
        XCTAssertEqual(machine.handle(.regenerate, now: 0).map(Self.kind), ["render.refused"])
        XCTAssertEqual(machine.handle(.retry, now: 0).map(Self.kind), ["render.refused"])
        XCTAssertEqual(machine.state, .idle)
    }

    func testEditReplacesTheMessageAndDropsWhatFollowed() {
        var machine = session(in: .idle)
        _ = machine.handle(.submit("second"), now: 1)
        _ = machine.handle(.content("two"), now: 1.1)
        _ = machine.handle(.finished(nil), now: 1.2)
        let effects = machine.handle(.edit(number: 1, text: "first, edited"), now: 2)
        guard let request = Self.request(in: effects) else { return XCTFail("\(effects)") }
        XCTAssertEqual(request.messages.dropFirst().map(\.content), [.text("first, edited")])
        XCTAssertEqual(machine.messages.map(\.text), ["first, edited"])
    }

    func testRetriesBackOffThenGiveUp() {
        var machine = Session(settings: settings, retryPolicy: RetryPolicy(totalWait: 10))
        _ = machine.handle(.submit("hi"), now: 0)
        var delays: [Double] = []
        var now = 0.0
        while true {
            let effects = machine.handle(.failed(TurnFailure(.badReply, sentence: "busy", isRetryable: true)), now: now)
            guard case let .scheduleRetry(delay) = effects.first else {
                XCTAssertEqual(effects.map(Self.kind), ["render.ended.failed", "render.failed"])
                break
            }
            delays.append(delay)
            now += delay
            _ = machine.handle(.retryTimer, now: now)
        }
        XCTAssertEqual(delays, [2, 4])  // then 8 more would pass the 10 s budget
        XCTAssertEqual(machine.state, .idle)
        XCTAssertTrue(machine.canRetry)
    }

    func testWaitThenRetryThenSuccess() {
        var machine = Session(settings: settings)
        _ = machine.handle(.submit("hi"), now: 0)
        XCTAssertEqual(machine.handle(.failed(retryable), now: 0.1).map(Self.kind), ["schedule", "render.waiting"])
        XCTAssertEqual(machine.state, .waitingForModel(retryAt: 3.1, attempt: 2))
        XCTAssertEqual(machine.handle(.retryTimer, now: 3.1).map(Self.kind), ["start"])
        _ = machine.handle(.headers, now: 3.2)
        _ = machine.handle(.content("done"), now: 3.3)
        XCTAssertEqual(machine.handle(.finished(nil), now: 3.4).map(Self.kind), ["save", "render.ended.complete"])
        XCTAssertEqual(machine.messages.map(\.text), ["hi", "done"])
        XCTAssertFalse(machine.canRetry)
    }

    func testWaitThenCancelKeepsTheMessageForRetry() {
        var machine = Session(settings: settings)
        _ = machine.handle(.submit("hi"), now: 0)
        _ = machine.handle(.failed(retryable), now: 0.1)
        XCTAssertEqual(machine.handle(.cancel, now: 1).map(Self.kind), ["render.notice"])
        XCTAssertEqual(machine.state, .idle)
        XCTAssertEqual(machine.messages.map(\.text), ["hi"])
        XCTAssertTrue(machine.canRetry)
        XCTAssertEqual(machine.handle(.retry, now: 2).map(Self.kind), ["start"])
    }

    func testRetryAfterIsHonouredAndWaitZeroNeverWaits() {
        var machine = Session(settings: settings)
        _ = machine.handle(.submit("hi"), now: 0)
        XCTAssertEqual(machine.handle(.failed(retryable), now: 0).first, .scheduleRetry(after: 3))
        var never = Session(settings: settings, retryPolicy: RetryPolicy(totalWait: 0))
        _ = never.handle(.submit("hi"), now: 0)
        XCTAssertEqual(never.handle(.failed(retryable), now: 0).map(Self.kind), ["render.ended.failed", "render.failed"])
    }

    func testNoModelRefusesAndKeepsTheMessage() {
        var machine = Session(settings: ChatSettings())
        let effects = machine.handle(.submit("hi"), now: 0)
        XCTAssertEqual(effects.map(Self.kind), ["save", "render.refused"], "kept on disk, not sent")
        XCTAssertEqual(machine.state, .idle)
        XCTAssertEqual(machine.messages.map(\.text), ["hi"])
        XCTAssertTrue(machine.canRetry)
    }

    func testTimingsAndTokensPerSecond() {
        let timings = Timings(sentAt: 1, firstTokenAt: 1.5, endedAt: 3.5)
        XCTAssertEqual(timings.timeToFirstToken, 0.5)
        XCTAssertEqual(timings.duration, 2.5)
        XCTAssertEqual(timings.tokensPerSecond(Usage(completionTokens: 40)), 20)
        XCTAssertNil(timings.tokensPerSecond(nil))
    }
}
