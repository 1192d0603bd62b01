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

    func run(_ context: CommandContext) throws(CommandFailure) -> [CommandEffect] {
        let message = try context.reply(number)
        // Before any audio is made: a file in the way is said at once.
        if let save { try context.checkWritable(save, command: "/say \(number.map { "\($0) " } ?? "")--save \(save.path)") }
        let text = MarkdownText.plain(TerminalSanitizer.clean(message.text))
        guard !text.isEmpty else { throw CommandFailure("That reply has nothing to read.") }
        if let model = context.configuration.ttsModel { return spoken(text, by: model, context) }
        // A listed model whose type is `tts` or whose id contains "tts", else a local program.
        return [
            .models(refresh: false) { listed in
                let model = ((try? listed.get()) ?? []).first { $0.type?.lowercased() == "tts" || $0.id.lowercased().contains("tts") }
                return model.map { spoken(text, by: $0.id, context) } ?? spokenHere(text, context)
            }
        ]
    }

    /// The text as WAV pieces from the endpoint's speech model.
    @MainActor private func spoken(_ text: String, by model: String, _ context: CommandContext) -> [CommandEffect] {
        let voice = context.configuration.voice ?? "alloy"
        let requests = MarkdownText.pieces(text, limit: SpeechRequest.inputLimit - 96).map {
            SpeechRequest(model: model, input: $0, voice: voice)
        }
        return [
            .speech(requests) { result in
                switch result {
                case let .failure(error): return [.fail("The speech model \(model) failed: \(error)")]
                case let .success(pieces):
                    guard pieces.allSatisfy(WAV.isValid) else {
                        return [.fail("The speech model \(model) sent something that is not a WAV file.")]
                    }
                    return deliver(pieces, context)
                }
            }
        ]
    }

    /// The text as WAV from a local program (espeak-ng, say).
    @MainActor private func spokenHere(_ text: String, _ context: CommandContext) -> [CommandEffect] {
        [
            .synthesize(text) { audio in
                guard let audio, WAV.isValid(audio) else {
                    return [
                        .fail(
                            "Nothing can speak here: the endpoint lists no text-to-speech model (tts_model in the config names one), and neither espeak-ng nor say is installed."
                        )
                    ]
                }
                return deliver([audio], context)
            }
        ]
    }

    /// The audio saved, or played.
    @MainActor private func deliver(_ pieces: [[UInt8]], _ context: CommandContext) -> [CommandEffect] {
        if let save {
            guard let joined = WAV.join(pieces) else { return [.fail("The audio pieces could not be joined.")] }
            let seconds = WAV.duration(joined).map { String(format: " (%.1f s)", $0) } ?? ""
            return [.write(Data(joined), to: save.path), .notice("Saved the audio\(seconds) to \(save.path).")]
        }
        guard context.canPlay() else {
            return [
                .fail("No audio player was found (paplay, aplay, afplay, ffplay or mpv); /say --save FILE.wav writes the audio instead.")
            ]
        }
        return [.notice("Speaking… (Esc stops)"), .play(pieces)]
    }
}
