import Foundation
import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleyWire

/// `/say [N] [--save FILE.wav [--force]]`: a reply read aloud, by the endpoint's text-to-speech model
/// when it has one, else by a local program; or saved as audio.
struct SayCommand: SlashCommand, Equatable {
    static let spec = CommandSpec(
        name: "say", arguments: "[N] [--save FILE.wav [--force]]",
        help: "read reply N (default the last) aloud, or save it as audio", completes: .fixed(["--save"]))
    var number: Int?
    var save: SaveTarget?

    init(argument: String) throws(CommandRefusal) {
        let (rest, save) = try CommandParser.saveOption(in: argument)
        // The audio is WAV: a name that promises another format would hold WAV bytes under it.
        if let save, (save.path as NSString).pathExtension.lowercased() != "wav" {
            throw CommandRefusal("/say saves WAV audio; give a file name ending in .wav, not \(save.path).")
        }
        self.save = save
        number = rest.isEmpty ? nil : try CommandParser.number(rest, of: "a message")
    }

    func run(in shell: Shell) async -> Shell.Outcome {
        guard let message = shell.reply(number) else { return .done }
        // Before any audio is made: a file in the way is said at once.
        if let save, !shell.mayWrite(save, command: "/say \(number.map { "\($0) " } ?? "")--save \(save.path)") { return .done }
        let text = MarkdownText.plain(TerminalSanitizer.clean(message.text))
        guard !text.isEmpty else {
            shell.fail("That reply has nothing to read.")
            return .done
        }
        guard let pieces = await audio(of: text, in: shell) else { return .done }
        if let save {
            guard let joined = WAV.join(pieces) else {
                shell.fail("The audio pieces could not be joined.")
                return .done
            }
            let seconds = WAV.duration(joined).map { String(format: " (%.1f s)", $0) } ?? ""
            shell.write(Data(joined), to: save.path, saying: "Saved the audio\(seconds) to \(save.path).")
            return .done
        }
        guard shell.services.speech.canPlay else {
            shell.fail("No audio player was found (paplay, aplay, afplay, ffplay or mpv); /say --save FILE.wav writes the audio instead.")
            return .done
        }
        shell.console.notice("Speaking… (Esc stops)")
        for piece in pieces {
            guard await shell.services.speech.play(piece) else {
                shell.console.notice("Stopped.")
                return .done
            }
        }
        return .done
    }

    /// The text as WAV pieces: the endpoint's speech model, else a local program; nil after saying why not.
    @MainActor private func audio(of text: String, in shell: Shell) async -> [[UInt8]]? {
        if let model = await Self.speechModel(shell) {
            var pieces: [[UInt8]] = []
            for piece in MarkdownText.pieces(text, limit: SpeechRequest.inputLimit - 96) {
                do {
                    let request = SpeechRequest(model: model, input: piece, voice: shell.configuration.voice ?? "alloy")
                    let audio = try await shell.services.chat.speech(request)
                    guard WAV.isValid(audio) else {
                        shell.fail("The speech model \(model) sent something that is not a WAV file.")
                        return nil
                    }
                    pieces.append(audio)
                } catch {
                    shell.fail("The speech model \(model) failed: \(error)")
                    return nil
                }
            }
            return pieces
        }
        if let audio = shell.services.speech.synthesize(text), WAV.isValid(audio) { return [audio] }
        shell.fail(
            "Nothing can speak here: the endpoint lists no text-to-speech model (tts_model in the config names one), and neither espeak-ng nor say is installed."
        )
        return nil
    }

    /// The profile's `tts_model`, else a listed model whose type is `tts` or whose id contains "tts".
    @MainActor static func speechModel(_ shell: Shell) async -> String? {
        if let model = shell.configuration.ttsModel { return model }
        let models = (try? await shell.services.models.models(refresh: false)) ?? []
        return models.first { $0.type?.lowercased() == "tts" || $0.id.lowercased().contains("tts") }?.id
    }
}
