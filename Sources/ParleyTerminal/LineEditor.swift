import CEditLine
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What reading a line gave.
public enum LineInput: Sendable, Equatable {
    case line(String)
    /// Ctrl-D on an empty line.
    case endOfInput
    /// Ctrl-C or Esc: the line was abandoned.
    case interrupted
    /// A key bound to an action (Alt-N, Alt-S).
    case action(EditorAction)
}

public enum EditorAction: Sendable, Equatable {
    case newChat
    case showSettings
}

/// The libedit line editor: emacs keys, history kept in a file (0600), Tab completion from a
/// completer, a styled prompt, text put in the line before reading (for `/edit`), Alt-Enter for a
/// new line inside the message.
public final class LineEditor {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    private let historyPath: String?
    private var prompt: UnsafeMutablePointer<CChar>?
    private var prefill: String?
    private var result: LineInput?
    /// Whether `~/.editrc` chose vi mode (`bind -v`): a lone Esc then goes to command mode.
    public private(set) var viMode = false
    /// The first line of `~/.editrc` libedit did not take, said once (the other lines are read).
    public private(set) var editrcProblem: String?
    /// Given the text before the cursor, the word being typed at its end (as typed) and what may
    /// replace it, whole.
    public var completer: ((String) -> (word: String, candidates: [String]))?

    /// A marker byte around the prompt's escape sequences, so libedit counts only visible columns.
    public static let promptEscape: CChar = 1
    private static let prefillKeys = "\u{1B}[9999~"
    private static let escapeStandIn: UInt8 = 0x1D  // Ctrl-]: what a lone Esc is read as

    public init(programName: String, historyPath: String?) {
        setlocale(LC_CTYPE, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        TerminalDevice.saveModeAndRestoreOnExit()
        editLine = el_init(programName, parley_stdin(), parley_stdout(), parley_stderr())
        history = history_init()
        self.historyPath = historyPath
        parley_history_setsize(history, &event, 1000)
        parley_history_setunique(history, &event, 1)
        if let historyPath { parley_history_load(history, &event, historyPath) }

        parley_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        parley_el_set_editor(editLine, "emacs")
        parley_el_set_hist(editLine, history)
        parley_el_set_signal(editLine, 1)
        parley_el_setty(editLine, "-d", "-isig")  // Ctrl-C reaches us as a key
        parley_el_set_getcfn(editLine) { editLine, character in
            LineEditor.from(editLine).readCharacter(into: character)
        }
        parley_el_set_prompt_esc(
            editLine,
            { editLine in
                LineEditor.from(editLine).prompt
            }, LineEditor.promptEscape)

        // The user's ~/.editrc (or EDITRC) first, so that parley's own keys below stay parley's.
        editrcProblem = EditrcReader.read(into: editLine, environment: ProcessInfo.processInfo.environment)
        viMode = parley_el_get_editor(editLine).map { String(cString: $0) } == "vi"

        bind("parley-interrupt", "^C") { $0.finish(.interrupted) }
        bind("parley-complete", "^I") { $0.complete() }
        bind("parley-compose", "^X^E") { $0.compose() }
        if viMode {
            // libedit's vi insert mode reads Esc as the start of an arrow key's sequence and waits
            // for the rest; a lone Esc (see `readCharacter`) comes as the stand-in, bound to
            // command mode.
            parley_el_bind(editLine, "^]", "vi-command-mode")
        } else {
            // In vi mode Esc is the key to command mode: no Esc-led keys of parley's there.
            bind("parley-escape", "^]") { $0.finish(.interrupted) }
            bind("parley-new-chat", "\\en") { $0.finish(.action(.newChat)) }
            bind("parley-settings", "\\es") { $0.finish(.action(.showSettings)) }
            bind("parley-newline", "\\e\\r") { editor in
                el_insertstr(editor.editLine, "\n")
                return UInt8(CC_REFRESH)
            }
            parley_el_bind(editLine, "\\e\\n", "parley-newline")
        }
        bind("parley-suspend", "^Z") { $0.suspend() }
        bind("parley-prefill", LineEditor.prefillKeys) { editor in
            if let text = editor.prefill {
                editor.prefill = nil
                el_insertstr(editor.editLine, text)
            }
            return UInt8(CC_REFRESH)
        }
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(prompt)
    }

    private static func from(_ editLine: OpaquePointer?) -> LineEditor {
        Unmanaged<LineEditor>.fromOpaque(parley_el_get_clientdata(editLine)).takeUnretainedValue()
    }

    // Each bound key's Swift code, found by the function's name.
    private var handlers: [String: (LineEditor) -> UInt8] = [:]
    private static let names = [
        "parley-interrupt", "parley-escape", "parley-new-chat", "parley-settings",
        "parley-newline", "parley-complete", "parley-prefill", "parley-suspend", "parley-compose",
    ]

    private func bind(_ name: String, _ keys: String, _ handler: @escaping (LineEditor) -> UInt8) {
        handlers[name] = handler
        let index = LineEditor.names.firstIndex(of: name)!
        parley_el_addfn(editLine, name, name, LineEditor.trampolines[index])
        parley_el_bind(editLine, keys, name)
    }

    // C function pointers cannot capture: one trampoline per bound function, by index.
    private static let trampolines: [parley_el_fn] = [
        { e, _ in from(e).handlers[names[0]]!(from(e)) },
        { e, _ in from(e).handlers[names[1]]!(from(e)) },
        { e, _ in from(e).handlers[names[2]]!(from(e)) },
        { e, _ in from(e).handlers[names[3]]!(from(e)) },
        { e, _ in from(e).handlers[names[4]]!(from(e)) },
        { e, _ in from(e).handlers[names[5]]!(from(e)) },
        { e, _ in from(e).handlers[names[6]]!(from(e)) },
        { e, _ in from(e).handlers[names[7]]!(from(e)) },
        { e, _ in from(e).handlers[names[8]]!(from(e)) },
    ]

    private func finish(_ input: LineInput) -> UInt8 {
        result = input
        return UInt8(CC_EOF)
    }

    /// Reads one line. `prompt` may hold ANSI styles wrapped in `promptEscape` bytes; `initialText`
    /// is put in the line first, ready to edit (newlines and tabs as they are).
    public func readLine(prompt text: String, initialText: String? = nil) -> LineInput {
        free(prompt)
        prompt = strdup(text)
        result = nil
        if let initialText {
            prefill = initialText
            el_push(editLine, LineEditor.prefillKeys)
        }
        // Keys mode before the prompt shows: libedit prints the prompt first and switches at its first
        // read, and a key typed in between met the terminal's line discipline (Ctrl-D became a NUL).
        parley_el_set_prep_term(editLine, 1)
        // A paste arrives marked, and is put in the line whole, its newlines too (see `readPaste`).
        TerminalDevice.bracketPastes(true)
        var count: Int32 = 0
        fatalSignalsTaken = false
        let line = el_gets(editLine, &count)
        TerminalDevice.bracketPastes(false)
        if let result {
            self.result = nil
            if result == .interrupted { FileHandle.standardOutput.write(Data("\n".utf8)) }
            return result
        }
        guard let line, count > 0 else { return .endOfInput }
        var string = String(cString: line)
        if string.hasSuffix("\n") { string.removeLast() }
        return .line(string)
    }

    /// Keys typed before the next prompt (while a reply streamed): read first, as if typed there.
    public func typeAhead(_ bytes: [UInt8]) {
        queued += bytes
    }

    /// Adds an entry to the history and saves the file (mode 0600).
    public func remember(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        parley_history_enter(history, &event, entry)
        guard let historyPath else { return }
        let fd = open(historyPath, O_WRONLY | O_CREAT, 0o600)
        if fd >= 0 {
            fchmod(fd, 0o600)
            close(fd)
        }
        parley_history_save(history, &event, historyPath)
    }

    // MARK: - Keys

    /// Reads one character for libedit: UTF-8 decoded, and a lone Esc (no byte within 40 ms) read as
    /// Ctrl-] so it can be bound; an Esc followed by more is passed on (arrows, Alt keys).
    private var queued: [UInt8] = []

    /// Whether this line's read has taken the fatal signals back from libedit (see `TerminalDevice`).
    private var fatalSignalsTaken = false

    private func readCharacter(into character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        if !fatalSignalsTaken {
            // libedit sets its handlers as `el_gets` begins, and puts ours back as it ends.
            TerminalDevice.takeBackFatalSignals()
            fatalSignalsTaken = true
        }
        guard let lead = nextByte() else { return 0 }
        if lead == 0x1B, isLoneEscape() {
            character?.pointee = wchar_t(LineEditor.escapeStandIn)
            return 1
        }
        if lead == 0x1B, let pasted = readPaste() {
            // Put in the line by the prefill key, as `/edit`'s text is: newlines stay in the line.
            prefill = (prefill ?? "") + pasted
            queued.insert(contentsOf: Array(LineEditor.prefillKeys.utf8), at: 0)
            return readCharacter(into: character)
        }
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        var bytes = [lead]
        while bytes.count < length, let next = nextByte(), next & 0xC0 == 0x80 {
            bytes.append(next)
        }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        character?.pointee = wchar_t(bitPattern: scalar.value)
        return 1
    }

    /// Whether an Esc just read is a key of its own: nothing follows within 40 ms; in vi mode also
    /// when what follows cannot continue a terminal's key sequence (`[` or `O`), as when a vi user
    /// types Esc and the next command at once.
    private func isLoneEscape() -> Bool {
        guard !queued.isEmpty || inputReady(within: 40) else { return true }
        guard viMode, let next = nextByte() else { return false }
        queued.insert(next, at: 0)
        return next != UInt8(ascii: "[") && next != UInt8(ascii: "O")
    }

    private static let pasteStart = Array("[200~".utf8)
    private static let pasteEnd = Array("\u{1B}[201~".utf8)

    /// After an Esc: when the terminal's paste mark follows, the pasted text up to the closing mark
    /// (`pastedText`); else nil, with the bytes read put back.
    private func readPaste() -> String? {
        var read: [UInt8] = []
        for expected in LineEditor.pasteStart {
            guard let byte = nextByte() else { break }
            read.append(byte)
            if byte != expected { break }
        }
        guard read == LineEditor.pasteStart else {
            queued.insert(contentsOf: read, at: 0)
            return nil
        }
        var text: [UInt8] = []
        let end = LineEditor.pasteEnd
        while !text.suffix(end.count).elementsEqual(end), let byte = nextByte() { text.append(byte) }
        if text.suffix(end.count).elementsEqual(end) { text.removeLast(end.count) }
        return Self.pastedText(text)
    }

    /// Pasted bytes as they go in the line: CR LF and CR become LF; tabs stay; other control
    /// characters go.
    static func pastedText(_ bytes: [UInt8]) -> String {
        var kept: [UInt8] = []
        var previous: UInt8 = 0
        for byte in bytes {
            defer { previous = byte }
            if byte == 0x0A, previous == 0x0D { continue }
            if byte == 0x0D || byte == 0x0A { kept.append(0x0A) } else if byte >= 0x20 && byte != 0x7F || byte == 0x09 { kept.append(byte) }
        }
        return String(decoding: kept, as: UTF8.self)
    }

    private func nextByte() -> UInt8? {
        if !queued.isEmpty { return queued.removeFirst() }
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }

    private func inputReady(within milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Ctrl-Z (the terminal's ISIG is off while a line is read): the terminal gets its mode back,
    /// the job stops as the terminal would stop it, and on `fg` the line is drawn again as it was.
    private func suspend() -> UInt8 {
        parley_el_set_prep_term(editLine, 0)
        TerminalDevice.bracketPastes(false)
        TerminalDevice.stopJob()
        TerminalDevice.bracketPastes(true)
        parley_el_set_prep_term(editLine, 1)
        return UInt8(CC_REDISPLAY)
    }

    /// Ctrl-X Ctrl-E: the line in the user's editor; what the editor leaves replaces it, newlines
    /// kept, for review (Enter sends it). An editor that fails leaves the line as it was.
    private func compose() -> UInt8 {
        let current =
            el_line(editLine).map { info in
                String(
                    decoding: UnsafeRawBufferPointer(start: info.pointee.buffer, count: info.pointee.lastchar - info.pointee.buffer),
                    as: UTF8.self)
            } ?? ""
        parley_el_set_prep_term(editLine, 0)
        TerminalDevice.bracketPastes(false)
        FileHandle.standardOutput.write(Data("\n".utf8))
        let edited = ExternalEditor.edit(current, environment: ProcessInfo.processInfo.environment)
        TerminalDevice.bracketPastes(true)
        parley_el_set_prep_term(editLine, 1)
        switch edited {
        case let .success(text):
            if let wide = el_wline(editLine)?.pointee {
                el_cursor(editLine, Int32(wide.lastchar - wide.cursor))
                el_deletestr(editLine, Int32(wide.lastchar - wide.buffer))
            }
            el_insertstr(editLine, text)
        case let .failure(failure):
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
        }
        return UInt8(CC_REDISPLAY)
    }

    // MARK: - Completion

    private func complete() -> UInt8 {
        guard let completer, let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let before = String(decoding: UnsafeRawBufferPointer(start: info.buffer, count: info.cursor - info.buffer), as: UTF8.self)
        let (word, candidates) = completer(before)
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let common = CompletionList.commonPrefix(candidates)
        if common.count > word.count, common.hasPrefix(word) {
            var insertion = String(common.dropFirst(word.count))
            if candidates.count == 1, !insertion.hasSuffix("/") { insertion += " " }
            el_insertstr(editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        if candidates.count == 1 {
            if !candidates[0].hasSuffix("/") { el_insertstr(editLine, " ") }
            return UInt8(CC_REFRESH)
        }
        let lines = CompletionList.lines(candidates, width: TerminalDevice.width(1) ?? 80)
        FileHandle.standardOutput.write(Data(("\n" + lines.joined(separator: "\n") + "\n").utf8))
        return UInt8(CC_REDISPLAY)
    }
}
