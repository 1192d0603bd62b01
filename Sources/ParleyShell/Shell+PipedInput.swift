import ParleySession
import ParleyWire

/// `cmd | parley "PROMPT"`: what is piped in goes with the prompt, in the same message, before it.
extension Shell {
    /// `prompt` with standard input before it when stdin is a pipe or a file (and `--no-stdin` was not
    /// given); the prompt alone when stdin is empty. Nil, after saying why, when stdin is too large or
    /// not text: nothing is sent then.
    func withPipedInput(_ prompt: String) -> String? {
        guard configuration.readsStdin, services.input.isPiped else { return prompt }
        guard let piped = readPipedText() else { return nil }
        guard !piped.allSatisfy(\.isWhitespace) else { return prompt }
        // Blank lines before it and white space after it go; a first line's indent stays.
        var text = Substring(piped)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isNewline { text.removeFirst() }
        var message = ""
        message.reserveCapacity(text.utf8.count + 2 + prompt.utf8.count)
        message += text
        message += "\n\n"
        message += prompt
        return message
    }

    /// Standard input as text; its bytes are let go when this returns (held once, not twice, after).
    private func readPipedText() -> String? {
        guard let bytes = services.input.readAll(limit: configuration.attachLimit) else {
            fail(
                "Standard input holds more than \(Attachment.size(configuration.attachLimit)); nothing was sent (--attach-limit raises it)."
            )
            return nil
        }
        switch ContentSniffer.text(bytes) {
        case let .success(text):
            return text
        case let .failure(notText):
            fail("Standard input is not text (\(notText.problem)); nothing was sent. --no-stdin leaves it unread.")
            return nil
        }
    }

}
