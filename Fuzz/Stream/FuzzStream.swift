import Foundation
import FuzzDriver
import ParleyAPI
import ParleyWire

/// The SSE decoder and the chat stream parser, on any bytes a server may send:
/// - the decoder gives the same events whether the bytes come whole or in pieces;
/// - the parser (its fast paths: events read in place, the chunk scanner, the template) gives the same
///   text and the same failure whole, in pieces, and into batches;
/// - where every event reads in full (JSONDecoder, as the parser's own slow path reads one), the parser
///   gives what that plain reading gives.
@main
enum FuzzStream {
    static func main() {
        runFuzzer(check)
    }

    static func check(_ input: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(input)
        var random = InputRandom(input)
        let pieces = random.pieces(of: bytes.count, longest: 17).map { bytes[$0] }

        var whole = ServerSentEventDecoder()
        let events = whole.feed(bytes)
        var split = ServerSentEventDecoder()
        var splitEvents: [ServerSentEvent] = []
        for piece in pieces { splitEvents += split.feed(piece) }
        require(splitEvents == events, "the decoder's events differ when the bytes come in pieces")
        require(split.hasPendingEvent == whole.hasPendingEvent, "hasPendingEvent differs when the bytes come in pieces")

        let parsed = parse([bytes[...]])
        let parsedInPieces = parse(pieces)
        require(
            parsedInPieces == parsed,
            "the parser differs in pieces: \(parsedInPieces.events) \(parsedInPieces.failure.map(String.init(describing:)) ?? "")"
                + " against \(parsed.events) \(parsed.failure.map(String.init(describing:)) ?? "")")
        let batched = parseInBatches(pieces)
        require(batched == parsed, "the parser differs into batches: \(batched.events) against \(parsed.events)")

        switch reference(events) {
        case let .events(reference):
            require(parsed.failure == nil, "the parser fails (\(parsed.failure!)) where every event reads in full")
            require(parsed.events == reference, "the parser gives \(parsed.events) where the plain reading gives \(reference)")
        case let .error(code, message):
            require(
                parsed.failure == .errorEvent(code: code, message: message),
                "the parser ends on \(parsed.failure.map(String.init(describing:)) ?? "no error") where the plain reading finds "
                    + "the error event \(message)")
        case .unread: break
        }
    }

    /// What the parser gives for the pieces: its events (text runs joined), and the error it ended on.
    struct Outcome: Equatable {
        var events: [ChatEvent]
        var failure: APIError?
    }

    static func parse(_ pieces: [ArraySlice<UInt8>]) -> Outcome {
        var parser = ChatStreamParser()
        var events: [ChatEvent] = []
        do throws(APIError) {
            for piece in pieces { try parser.feed(piece) { events.append($0) } }
            events += try parser.finish()
        } catch {
            return Outcome(events: joined(events), failure: error)
        }
        return Outcome(events: joined(events), failure: nil)
    }

    static func parseInBatches(_ pieces: [ArraySlice<UInt8>]) -> Outcome {
        var parser = ChatStreamParser()
        var events: [ChatEvent] = []
        do throws(APIError) {
            for piece in pieces {
                var batch = ChatEventBatch()
                defer { events += batch.events }
                try parser.feed(piece, into: &batch)
            }
            events += try parser.finish()
        } catch {
            return Outcome(events: joined(events), failure: error)
        }
        return Outcome(events: joined(events), failure: nil)
    }

    /// Neighbouring content (or reasoning) as one event: how the text is cut is not the parser's promise.
    static func joined(_ events: [ChatEvent]) -> [ChatEvent] {
        var batch = ChatEventBatch()
        for event in events { batch.add(event) }
        return batch.events
    }

    /// What the plain reading gives: events, an error event, or nothing it can compare.
    enum Reading {
        case events([ChatEvent])
        case error(code: String?, message: String)
        case unread
    }

    /// The plain reading: each event up to `[DONE]` decoded in full by JSONDecoder, with the parser's
    /// rules (an error event, an event without choices or usage), think tags split the parser's way.
    /// Unread when an event does not read (not JSON) or the stream has no `[DONE]`: the parser's failure
    /// then is not compared, since its fast paths may read more than JSONDecoder does.
    static func reference(_ events: [ServerSentEvent]) -> Reading {
        var out: [ChatEvent] = []
        var thinkTags = ThinkTagSplitter()
        var finishReason: String?
        var usage: Usage?
        for event in events {
            if event.data == "[DONE]" {
                out += thinkTags.finish()
                out.append(.finished(finishReason: finishReason, usage: usage))
                return .events(joined(out))
            }
            let data = Data(event.data.utf8)
            if event.type == "error" || event.data.contains("\"error\""), let body = ErrorEnvelope.parse(data) {
                return .error(code: body.code, message: body.message ?? "no message")
            }
            guard let chunk = try? JSONDecoder().decode(ChatStreamChunk.self, from: data) else { return .unread }
            if let value = chunk.usage { usage = value }
            guard let choices = chunk.choices else {
                if chunk.usage == nil { return .unread }
                continue
            }
            if let choice = choices.first {
                if let text = choice.delta?.reasoning, !text.isEmpty { out.append(.reasoning(text)) }
                if let text = choice.delta?.content, !text.isEmpty { out += thinkTags.split(text) }
                if let reason = choice.finishReason { finishReason = reason }
            }
        }
        return .unread
    }
}
