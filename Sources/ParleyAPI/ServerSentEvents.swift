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
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            feed(buffer: buffer, emit: emit)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { feed(buffer: $0, emit: emit) }
        }
    }

    /// Runs of ordinary bytes are copied into the line at once; only CR and LF are looked at alone.
    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, emit: (ServerSentEvent) -> Void) {
        var index = 0
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            if byte == 0x0A {  // LF
                if previousWasCR {
                    previousWasCR = false  // the LF of a CRLF pair
                } else {
                    endLine(emit: emit)
                }
                index += 1
            } else if byte == 0x0D {  // CR
                previousWasCR = true
                endLine(emit: emit)
                index += 1
            } else {
                previousWasCR = false
                var end = index + 1
                while end < count, buffer[end] != 0x0A, buffer[end] != 0x0D { end += 1 }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<end]))
                index = end
            }
        }
    }

    /// The stream ended: an event without its closing blank line is dropped, as the standard says.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType.removeAll()
    }

    private mutating func endLine(emit: (ServerSentEvent) -> Void) {
        defer { line.removeAll(keepingCapacity: true) }
        if atStreamStart {
            // A UTF-8 byte order mark at the very start of the stream is skipped.
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty {
            dispatch(emit: emit)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }  // comment
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        // Field names compared as bytes: no string is made for them.
        if field.elementsEqual("data".utf8) {
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

    private mutating func dispatch(emit: (ServerSentEvent) -> Void) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType.removeAll(keepingCapacity: true)
        }
        guard hasData else { return }
        data.removeLast()  // the LF after the last data line
        let type = eventType.isEmpty ? "message" : String(decoding: eventType, as: UTF8.self)
        emit(ServerSentEvent(type: type, data: String(decoding: data, as: UTF8.self), id: lastEventID))
    }
}
