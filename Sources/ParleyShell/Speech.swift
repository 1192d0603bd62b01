import Foundation
import ParleyWire

/// WAV files: checked, and joined when a long reply was spoken in pieces.
enum WAV {
    /// A RIFF/WAVE file with a data chunk.
    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 44 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WAVE".utf8)
            && chunks(bytes).contains { $0.id == "data" }
    }

    static func chunks(_ bytes: [UInt8]) -> [(id: String, range: Range<Int>)] {
        var result: [(String, Range<Int>)] = []
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            var size = ByteReader.le32(bytes, offset + 4)
            // Streamed WAVs may give 0xFFFFFFFF or 0 as the data size: the data runs to the end.
            if id == "data", size == 0 || offset + 8 + size > bytes.count { size = bytes.count - offset - 8 }
            result.append((id, (offset + 8)..<(offset + 8 + size)))
            offset += 8 + size + (size & 1)
        }
        return result
    }

    /// One file: the first's header, then every file's samples. Nil when they are not all WAVs.
    static func join(_ files: [[UInt8]]) -> [UInt8]? {
        guard let first = files.first, files.allSatisfy(isValid) else { return nil }
        if files.count == 1 { return first }
        let format = chunks(first).first { $0.id == "fmt " }
        guard let format else { return nil }
        let samples = files.flatMap { file in chunks(file).filter { $0.id == "data" }.flatMap { file[$0.range] } }
        var out = Array("RIFF".utf8) + ByteReader.le32(4 + 8 + format.range.count + 8 + samples.count) + Array("WAVE".utf8)
        out += Array("fmt ".utf8) + ByteReader.le32(format.range.count) + first[format.range]
        out += Array("data".utf8) + ByteReader.le32(samples.count) + samples
        return out
    }

    /// Seconds of audio, from the format's byte rate.
    static func duration(_ bytes: [UInt8]) -> Double? {
        let list = chunks(bytes)
        guard let format = list.first(where: { $0.id == "fmt " }), format.range.count >= 12,
            let data = list.first(where: { $0.id == "data" })
        else { return nil }
        let byteRate = ByteReader.le32(bytes, format.range.lowerBound + 8)
        return byteRate > 0 ? Double(data.range.count) / Double(byteRate) : nil
    }
}

/// Programs found on PATH: audio players and local speech synthesizers.
enum LocalPrograms {
    static let players: [(name: String, arguments: [String])] = [
        ("paplay", []), ("aplay", ["-q"]), ("afplay", []), ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "quiet"]),
        ("mpv", ["--really-quiet"]),
    ]

    static func find(_ name: String, path: String?) -> URL? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static func player(path: String?) -> (url: URL, arguments: [String])? {
        for player in players { if let url = find(player.name, path: path) { return (url, player.arguments) } }
        return nil
    }

    /// `espeak-ng`, or `say` on macOS, speaking `text` into a WAV file.
    static func synthesize(_ text: String, path: String?) -> [UInt8]? {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("parley-say-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        if let espeak = find("espeak-ng", path: path) {
            process.executableURL = espeak
            process.arguments = ["-w", output.path, "--", text]
        } else if let say = find("say", path: path) {
            process.executableURL = say
            process.arguments = ["-o", output.path, "--data-format=LEI16@22050", text]
        } else {
            return nil
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return (try? Data(contentsOf: output)).map(Array.init)
    }
}
