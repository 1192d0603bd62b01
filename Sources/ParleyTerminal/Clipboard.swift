import Foundation

/// Copies text to the clipboard: with OSC 52 through the terminal (over SSH too, and inside tmux
/// with `set-clipboard on`), and with the first local clipboard tool found.
public enum Clipboard {
    /// Tools tried in order, with their arguments.
    public static let tools: [(name: String, arguments: [String])] = [
        ("wl-copy", []), ("xclip", ["-selection", "clipboard"]), ("xsel", ["--clipboard", "--input"]), ("pbcopy", []),
    ]

    /// The OSC 52 sequence that sets the clipboard to `text` (base64, so the text cannot drive the terminal).
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    /// The first clipboard tool on PATH, with its arguments.
    public static func localTool(path: String?) -> (url: URL, arguments: [String])? {
        let directories = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for tool in tools {
            for directory in directories {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(tool.name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return (candidate, tool.arguments) }
            }
        }
        return nil
    }

    /// Gives `text` to a local clipboard tool; its name when it took it.
    public static func copyWithTool(_ text: String, path: String?) -> String? {
        guard let tool = localTool(path: path) else { return nil }
        let process = Process()
        process.executableURL = tool.url
        process.arguments = tool.arguments
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            // xclip stays to serve the selection: do not wait for it beyond a moment.
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            return process.isRunning || process.terminationStatus == 0 ? tool.url.lastPathComponent : nil
        } catch {
            return nil
        }
    }
}
