/// What Tab shows when it cannot choose between candidates: as `ls` lists files, in columns filled
/// downwards within the terminal's width, each by the part after the directory they all share.
public enum CompletionList {
    /// The lines to show for `candidates` in a terminal `width` columns wide.
    public static func lines(_ candidates: [String], width: Int) -> [String] {
        columns(names(candidates), width: width)
    }

    /// Each candidate without the directory part every one of them shares: a path's last component,
    /// a directory keeping its "/". A command's leading "/" is not a directory and stays.
    static func names(_ candidates: [String]) -> [String] {
        let common = commonPrefix(candidates)
        guard let slash = common.lastIndex(of: "/"), slash != common.startIndex else { return candidates }
        let shared = common.distance(from: common.startIndex, to: slash) + 1
        return candidates.map { candidate in
            let name = String(candidate.dropFirst(shared))
            return name.isEmpty ? candidate : name
        }
    }

    /// `names` in as many columns as fit in `width` (two spaces between), read down each column.
    static func columns(_ names: [String], width: Int) -> [String] {
        guard !names.isEmpty else { return [] }
        let cell = (names.map(\.count).max() ?? 0) + 2
        let columnCount = max(1, (width + 2) / cell)
        let rowCount = (names.count + columnCount - 1) / columnCount
        return (0..<rowCount).map { row in
            var line = ""
            for column in 0..<columnCount {
                let index = column * rowCount + row
                guard index < names.count else { break }
                line += names[index] + String(repeating: " ", count: cell - names[index].count)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The longest start all `words` share.
    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
