import Foundation

/// One event of a `text/event-stream`.
public struct ServerSentEvent: Sendable, Equatable {
    public var type: String
    public var data: String
    public var id: String?

    public init(type: String = "message", data: String, id: String? = nil) {
        self.type = type
        self.data = data
        self.id = id
    }
}

/// An event as the decoder's own bytes, valid only during the call that hands it over: the hot path
/// reads it without making a string.
public struct ServerSentEventBytes {
    /// The `event` field; empty for the default, "message".
    public let type: UnsafeBufferPointer<UInt8>
    public let data: UnsafeBufferPointer<UInt8>
    public let id: String?

    public var isMessage: Bool { type.isEmpty || type.elementsEqual("message".utf8) }

    /// Whether the data is exactly `[DONE]`.
    public var isDone: Bool {
        data.count == 6 && data[0] == UInt8(ascii: "[") && data[1] == UInt8(ascii: "D") && data[2] == UInt8(ascii: "O")
            && data[3] == UInt8(ascii: "N") && data[4] == UInt8(ascii: "E") && data[5] == UInt8(ascii: "]")
    }

    public var event: ServerSentEvent {
        ServerSentEvent(
            type: type.isEmpty ? "message" : String(decoding: type, as: UTF8.self),
            data: String(decoding: data, as: UTF8.self), id: id)
    }
}

/// Decodes `text/event-stream` bytes into events, exactly as the WHATWG HTML standard's
/// "event stream interpretation" says: LF, CRLF or CR end a line; a line starting with `:` is a
/// comment; `field: value` loses one leading space of its value; `data` lines join with LF; a blank
/// line dispatches; an event without data is not dispatched; a stream ending mid-event drops it.
///
/// Bytes may arrive split anywhere, also inside a CRLF pair or a UTF-8 sequence: lines are kept as
/// bytes until they are complete, and only whole lines are decoded.
public struct ServerSentEventDecoder: Sendable {
    private var line: [UInt8] = []
    private var previousWasCR = false
    private var atStreamStart = true
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: [UInt8] = []
    private var lastEventID: String?

    /// Whether the bytes so far end in the middle of an event (which `finish` would drop).
    public var hasPendingEvent: Bool { hasData || !line.isEmpty }

    public init() {}

    /// Feeds bytes; returns the events they complete, in order.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        feed(bytes) { events.append($0) }
        return events
    }

    /// Feeds bytes, calling `emit` for each event they complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes, emit: (ServerSentEvent) -> Void) where Bytes.Element == UInt8 {
        feedBytes(bytes) { emit($0.event) }
    }

    /// Feeds bytes, calling `emit` for each event they complete, as bytes (no string made).
    public mutating func feedBytes<Bytes: Collection>(_ bytes: Bytes, emit: (ServerSentEventBytes) -> Void) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            feed(buffer: buffer, emit: emit)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { feed(buffer: $0, emit: emit) }
        }
    }

    /// Lines that lie whole in `buffer` are read where they lie; only a line split across pieces is
    /// gathered in `line`. Line ends are found with memchr.
    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, emit: (ServerSentEventBytes) -> Void) {
        guard let base = buffer.baseAddress else { return }
        var index = 0
        let count = buffer.count
        // Most streams end lines with LF alone: one look for a CR in the whole piece spares a look in
        // every line.
        let hasCR = memchr(base, 0x0D, count) != nil
        while index < count {
            let byte = base[index]
            if byte == 0x0A {  // LF
                if previousWasCR {
                    previousWasCR = false  // the LF of a CRLF pair
                } else {
                    endGatheredLine(emit: emit)
                }
                index += 1
            } else if byte == 0x0D {  // CR
                previousWasCR = true
                endGatheredLine(emit: emit)
                index += 1
            } else {
                previousWasCR = false
                let end = Self.lineEnd(base + index, count - index, hasCR: hasCR) + index
                if line.isEmpty, end + 1 < count, base[end] == 0x0A, base[end + 1] == 0x0A, !hasData, !atStreamStart,
                    let value = Self.dataValue(UnsafeBufferPointer(start: base + index, count: end - index))
                {
                    // The usual event, "data: ...\n\n", whole in the buffer: dispatched from where it lies.
                    let id = lastEventID
                    eventType.withUnsafeBufferPointer { type in emit(ServerSentEventBytes(type: type, data: value, id: id)) }
                    if !eventType.isEmpty { eventType.removeAll(keepingCapacity: true) }
                    index = end + 2
                } else if line.isEmpty, end < count {
                    endLine(UnsafeBufferPointer(start: base + index, count: end - index), emit: emit)  // whole: read in place
                    if base[end] == 0x0D { previousWasCR = true }
                    index = end + 1
                } else {
                    line.append(contentsOf: UnsafeBufferPointer(start: base + index, count: end - index))
                    index = end
                }
            }
        }
    }

    /// The value of a `data` line, or nil for any other line.
    private static func dataValue(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let (field, value) = fieldAndValue(line[...])
        return isData(field) ? UnsafeBufferPointer(rebasing: value) : nil
    }

    /// A line's field name and value: split at the first colon, one space after it dropped; a line
    /// without a colon is all name, with an empty value.
    private static func fieldAndValue(_ line: Slice<UnsafeBufferPointer<UInt8>>)
        -> (field: Slice<UnsafeBufferPointer<UInt8>>, value: Slice<UnsafeBufferPointer<UInt8>>)
    {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return (line, line[line.endIndex...]) }
        var value = line[(colon + 1)...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        return (line[..<colon], value)
    }

    /// The offset of the first CR or LF in `count` bytes from `start`, or `count`.
    private static func lineEnd(_ start: UnsafePointer<UInt8>, _ count: Int, hasCR: Bool) -> Int {
        let lf = memchr(start, 0x0A, count).map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? count
        guard hasCR else { return lf }
        return memchr(start, 0x0D, lf).map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? lf
    }

    /// The stream ended: an event without its closing blank line is dropped, as the standard says.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType.removeAll()
    }

    private mutating func endGatheredLine(emit: (ServerSentEventBytes) -> Void) {
        var gathered: [UInt8] = []
        swap(&gathered, &line)  // own it while endLine mutates self
        gathered.withUnsafeBufferPointer { endLine($0, emit: emit) }
        gathered.removeAll(keepingCapacity: true)
        swap(&gathered, &line)
    }

    private mutating func endLine(_ whole: UnsafeBufferPointer<UInt8>, emit: (ServerSentEventBytes) -> Void) {
        var line = whole[...]
        if atStreamStart {
            // A UTF-8 byte order mark at the very start of the stream is skipped.
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        }
        if line.isEmpty {
            dispatch(emit: emit)
            return
        }
        if line.first == UInt8(ascii: ":") { return }  // comment
        let (field, value) = Self.fieldAndValue(line)
        // Field names compared as bytes: no string is made for them.
        if Self.isData(field) {
            data.append(contentsOf: value)
            data.append(0x0A)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventType = Array(value)
        } else if field.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        }
        // "retry" and unknown fields do not concern a chat client.
    }

    private static func isData(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        field.count == 4 && field[field.startIndex] == UInt8(ascii: "d") && field[field.startIndex + 1] == UInt8(ascii: "a")
            && field[field.startIndex + 2] == UInt8(ascii: "t") && field[field.startIndex + 3] == UInt8(ascii: "a")
    }

    private mutating func dispatch(emit: (ServerSentEventBytes) -> Void) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType.removeAll(keepingCapacity: true)
        }
        guard hasData else { return }
        data.removeLast()  // the LF after the last data line
        let id = lastEventID
        eventType.withUnsafeBufferPointer { type in
            data.withUnsafeBufferPointer { data in
                emit(ServerSentEventBytes(type: type, data: data, id: id))
            }
        }
    }
}
