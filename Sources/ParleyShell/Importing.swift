import Foundation
import ParleyCommands
import ParleyStore

/// `--import FILE.json...` and `--import-store PATH`: conversations brought into the store parley
/// uses (the data directory's, or the one `--store` names), then parley exits.
public enum Importing {
    /// Imports each file, or copies the store at `storePath`; says what came in; the exit status.
    public static func run(files: [String], storePath: String?, configuration: ShellConfiguration) -> Int32 {
        let target: any ConversationStore
        do {
            guard let opened = try configuration.openStore(dataDirectoryWritable: DataDirectory.prepare(configuration.dataDirectory)) else {
                say("error: \(configuration.dataDirectory.path) cannot be written; nothing was imported.")
                return 1
            }
            target = opened
        } catch {
            say("error: \(error)")
            return 1
        }
        var failed = false
        if let storePath {
            do {
                let path = PathWords.expandTilde(storePath)
                guard FileManager.default.fileExists(atPath: path) else {
                    say("error: There is no store at \(storePath); nothing was copied.")
                    return 1
                }
                let source = try Store(path: path)
                let (copied, present) = try ConversationTransfer.copyAll(from: source, to: target)
                print(
                    "Copied \(copied) conversation\(copied == 1 ? "" : "s") from \(source.location) into \(target.location)"
                        + (present > 0 ? " (\(present) already there, left as they were)." : "."))
            } catch {
                say("error: \(error)")
                failed = true
            }
        }
        for file in files {
            let path = PathWords.expandTilde(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                say("error: \(file) cannot be read; it was not imported.")
                failed = true
                continue
            }
            do {
                let (conversation, messages) = try ConversationTransfer.decode(data)
                if try ConversationTransfer.copy(conversation, messages, into: target) {
                    print("Imported \"\(conversation.title)\" (\(messages.count) messages) from \(file).")
                } else {
                    print(
                        "\"\(conversation.title)\" from \(file) is in the store already (id \(conversation.id.prefix(8))); left as it was.")
                }
            } catch {
                say("error: \(file) was not imported: \(error).")
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
