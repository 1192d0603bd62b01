import Foundation
import ParleyCommands

/// File names that complete a partly typed path (`~` expanded for the lookup, kept in the result).
enum PathCompletion {
    static func candidates(_ partial: String) -> [String] {
        let expanded = PathWords.expandTilde(partial)
        let directory: String
        let prefix: String
        if partial.hasSuffix("/") {
            directory = expanded
            prefix = ""
        } else {
            directory = (expanded as NSString).deletingLastPathComponent
            prefix = (expanded as NSString).lastPathComponent
        }
        let listed = directory.isEmpty ? "." : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return [] }
        let typedDirectory = partial.hasSuffix("/") ? partial : String(partial.dropLast(prefix.count))
        return names.filter { $0.hasPrefix(prefix) && (prefix.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (listed as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return typedDirectory + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
