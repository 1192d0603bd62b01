import CEditLine
import Foundation

/// `~/.editrc` (or the file `EDITRC` names), read line by line into libedit as `el_source` would, but
/// past a line libedit does not take: that line is reported (once, the first), not fatal, and the
/// lines after it still count. Lines that start `parley:` apply to parley alone (the program name
/// given to libedit); `#` starts a comment.
enum EditrcReader {
    /// Reads the file into `editLine`; the first line libedit refused, said, or nil.
    static func read(into editLine: OpaquePointer, environment: [String: String]) -> String? {
        let path: String
        if let named = environment["EDITRC"], !named.isEmpty {
            path = named
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.editrc"
        } else {
            return nil
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        guard let tokenizer = tok_init(nil) else { return nil }
        defer { tok_end(tokenizer) }
        var problem: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            tok_reset(tokenizer)
            var argc: Int32 = 0
            var argv: UnsafeMutablePointer<UnsafePointer<CChar>?>?
            let tokenized = tok_str(tokenizer, line, &argc, &argv)
            if tokenized != 0 || argc == 0 || el_parse(editLine, argc, argv) != 0 {
                if problem == nil { problem = "\(path) line \(index + 1) (\(line)) is not a libedit command; the other lines were read." }
            }
        }
        return problem
    }
}
