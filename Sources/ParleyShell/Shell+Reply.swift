import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleySession
import ParleyTerminal

/// After a reply: `/copy`, `/say`, `/code`.
extension Shell {
    /// Reply `number` (as `/history` numbers), else the last reply; says why when there is none.
    func reply(_ number: Int?) -> Message? {
        if let number {
            guard session.messages.indices.contains(number - 1), session.messages[number - 1].role == .assistant else {
                fail("Message \(number) is not a reply; /history shows the numbers.")
                return nil
            }
            return session.messages[number - 1]
        }
        guard let last = session.messages.last(where: { $0.role == .assistant }) else {
            fail("There is no reply yet.")
            return nil
        }
        return last
    }

    /// Whether `target` may be written: not a directory, nor a file that is there unless `--force` was
    /// given. Says why not, with the `command` (and `--force`) that would replace it.
    func mayWrite(_ target: SaveTarget, command: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: PathWords.expandTilde(target.path), isDirectory: &isDirectory) else { return true }
        if isDirectory.boolValue {
            fail("\(target.path) is a directory; give a file name.")
            return false
        }
        if !target.replacing {
            fail("\(target.path) exists; \(command) --force replaces it.")
            return false
        }
        return true
    }

    /// Writes `data` to `path` (`~` allowed), the user's alone (0600); then `notice`, or why it failed.
    func write(_ data: Data, to path: String, saying notice: String) {
        do {
            try DataDirectory.writePrivate(data, to: URL(fileURLWithPath: PathWords.expandTilde(path)))
            console.notice(notice)
        } catch {
            fail("Cannot write \(path): \(error)")
        }
    }

    // MARK: - /copy

    func copy(_ number: Int?, code: Bool) {
        guard let message = reply(number) else { return }
        var text = TerminalSanitizer.clean(message.text)
        if code {
            guard let block = MarkdownText.lastCodeBlock(in: text) else {
                return fail("That reply has no code block.")
            }
            text = block
        }
        var ways: [String] = []
        if console.outIsTerminal {
            console.outSink.write(Clipboard.osc52(text))
            console.outSink.flush()
            ways.append("the terminal")
        }
        if let tool = Clipboard.copyWithTool(text, path: environment["PATH"]) { ways.append(tool) }
        guard !ways.isEmpty else {
            return fail("No clipboard is available here: install wl-copy, xclip or xsel (a terminal also takes OSC 52).")
        }
        console.notice("Copied \(text.count) characters (\(ways.joined(separator: " and "))).")
    }

    // MARK: - /code

    func code(_ language: String, save: SaveTarget?) {
        if let save, !mayWrite(save, command: "/code \(language) --save \(save.path)") { return }
        let lastUser = session.messages.lastIndex { $0.role == .user }
        var snapshot = session
        snapshot.load(lastUser.map { Array(session.messages[...$0]) } ?? [Message(role: .user, text: "Hello!")])
        guard let request = snapshot.request() else {
            return fail("No model is chosen: /model NAME first.")
        }
        let snippet = CodeSnippet.make(CodeSnippet.Language(rawValue: language) ?? .curl, request: request,
                                       baseURL: configuration.endpoint.baseURL, keyVariable: configuration.endpoint.keySource)
        if let save {
            return write(Data(snippet.utf8), to: save.path, saying: "Saved the \(language) snippet to \(save.path).")
        }
        console.outSink.write(SyntaxColour.apply(snippet, language: language, style: console.style))
        console.outSink.flush()
    }

    // MARK: - /say

    func say(_ number: Int?, save: SaveTarget?) async {
        guard let message = reply(number) else { return }
        // Before any audio is made: a file in the way is said at once.
        if let save, !mayWrite(save, command: "/say \(number.map { "\($0) " } ?? "")--save \(save.path)") { return }
        let text = MarkdownText.plain(TerminalSanitizer.clean(message.text))
        guard !text.isEmpty else { return fail("That reply has nothing to read.") }
        var pieces: [[UInt8]]
        if let model = await speechModel() {
            pieces = []
            for piece in MarkdownText.pieces(text, limit: SpeechRequest.inputLimit - 96) {
                do {
                    let audio = try await client.speech(SpeechRequest(model: model, input: piece, voice: configuration.voice ?? "alloy"))
                    guard WAV.isValid(audio) else { return fail("The speech model \(model) sent something that is not a WAV file.") }
                    pieces.append(audio)
                } catch {
                    return fail("The speech model \(model) failed: \(error)")
                }
            }
        } else if let audio = LocalPrograms.synthesize(text, path: environment["PATH"]), WAV.isValid(audio) {
            pieces = [audio]
        } else {
            return fail("Nothing can speak here: the endpoint lists no text-to-speech model (tts_model in the config names one), and neither espeak-ng nor say is installed.")
        }
        if let save {
            guard let joined = WAV.join(pieces) else { return fail("The audio pieces could not be joined.") }
            let seconds = WAV.duration(joined).map { String(format: " (%.1f s)", $0) } ?? ""
            return write(Data(joined), to: save.path, saying: "Saved the audio\(seconds) to \(save.path).")
        }
        guard let player = LocalPrograms.player(path: environment["PATH"]) else {
            return fail("No audio player was found (paplay, aplay, afplay, ffplay or mpv); /say --save FILE.wav writes the audio instead.")
        }
        console.notice("Speaking… (Esc stops)")
        for piece in pieces {
            guard await play(piece, with: player) else {
                console.notice("Stopped.")
                return
            }
        }
    }

    /// The profile's `tts_model`, else a listed model whose type is `tts` or whose id contains "tts".
    func speechModel() async -> String? {
        if let model = configuration.ttsModel { return model }
        let models = (try? await modelList()) ?? []
        return models.first { $0.type?.lowercased() == "tts" || $0.id.lowercased().contains("tts") }?.id
    }

    /// Plays one WAV to its end (true), or until Esc (false).
    func play(_ audio: [UInt8], with player: (url: URL, arguments: [String])) async -> Bool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parley-play-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? DataDirectory.writePrivate(Data(audio), to: file)) != nil else { return false }
        let process = Process()
        process.executableURL = player.url
        process.arguments = player.arguments + [file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        final class Stopped: @unchecked Sendable { var value = false }
        let stopped = Stopped()
        let watcher = TerminalDevice.isTerminal(0) ? KeyWatcher(onCancel: { stopped.value = true; process.terminate() }) : nil
        watcher?.start()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        stop(watcher)
        return !stopped.value
    }
}

/// A little colour for snippets in a terminal: strings, comments, keywords.
enum SyntaxColour {
    static func apply(_ code: String, language: String, style: Style) -> String {
        guard style.enabled else { return code }
        let keywords: Set<String> = ["import", "from", "const", "await", "new", "for", "in", "of", "print", "curl"]
        let comment = language == "ts" ? "//" : "#"
        return code.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.trimmingCharacters(in: .whitespaces).hasPrefix(comment) { return style.apply(Style.dim, to: String(line)) }
            var out = ""
            var inString = false
            var word = ""
            func flushWord() {
                out += keywords.contains(word) ? style.apply(Style.magenta, to: word) : word
                word = ""
            }
            var previous: Character = " "
            for character in line {
                if character == "\"", previous != "\\" {
                    flushWord()
                    if inString { out += "\"" + Style.reset } else { out += Style.green + "\"" }
                    inString.toggle()
                } else if inString {
                    out.append(character)
                } else if character.isLetter {
                    word.append(character)
                } else {
                    flushWord()
                    out.append(character)
                }
                previous = character
            }
            flushWord()
            return out + (inString ? Style.reset : "")
        }.joined(separator: "\n")
    }
}
