/// Splits reasoning written inline as `<think>...</think>` out of the content, even when a tag
/// arrives split across pieces.
public struct ThinkTagSplitter: Sendable {
    private static let open = "<think>"
    private static let close = "</think>"
    private var inside = false
    private var held = ""  // a possible start of a tag

    public init() {}

    /// Outside a thought and holding nothing: text without `<` passes through as it is.
    public var isPlain: Bool { !inside && held.isEmpty }

    public mutating func split(_ text: String) -> [ChatEvent] {
        var events: [ChatEvent] = []
        split(text) { events.append($0) }
        return events
    }

    /// Splits `text`, calling `emit` for each run of content or reasoning it completes.
    public mutating func split(_ text: String, emit events: (ChatEvent) -> Void) {
        if isPlain, !text.utf8.contains(UInt8(ascii: "<")) { return events(.content(text)) }  // the common case
        var run = ""
        func emit() {
            guard !run.isEmpty else { return }
            events(inside ? .reasoning(run) : .content(run))
            run = ""
        }
        // By Unicode scalars, not Characters: a character that joins the next (a prepended mark) must
        // not hide a tag after it, nor make the reading depend on where the pieces were cut.
        for scalar in text.unicodeScalars {
            held.unicodeScalars.append(scalar)
            let tag = inside ? Self.close : Self.open
            if held.unicodeScalars.elementsEqual(tag.unicodeScalars) {
                emit()
                held = ""
                inside.toggle()
            } else if !tag.unicodeScalars.starts(with: held.unicodeScalars) {
                // Not a tag: the first scalar is text; the rest may begin one.
                run.unicodeScalars.append(held.unicodeScalars.removeFirst())
                while !held.isEmpty, !tag.unicodeScalars.starts(with: held.unicodeScalars) {
                    run.unicodeScalars.append(held.unicodeScalars.removeFirst())
                }
            }
        }
        emit()
    }

    /// The reply ended: what was held as a possible tag is text after all.
    public mutating func finish() -> [ChatEvent] {
        defer { held = "" }
        guard !held.isEmpty else { return [] }
        return [inside ? .reasoning(held) : .content(held)]
    }
}
