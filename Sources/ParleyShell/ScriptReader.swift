/// Splits script input into entries: one line each, or the lines between a `"""` line and the next.
struct ScriptReader {
    let read: () -> String?
    /// The count of lines read into a block the input ended inside.
    private(set) var unclosedBlock: Int?

    init(read: @escaping () -> String?) {
        self.read = read
    }

    mutating func next() -> String? {
        guard let line = read() else { return nil }
        guard line.trimmingCharacters(in: .whitespaces) == "\"\"\"" else { return line }
        var lines: [String] = []
        while let inner = read() {
            if inner.trimmingCharacters(in: .whitespaces) == "\"\"\"" { return lines.joined(separator: "\n") }
            lines.append(inner)
        }
        unclosedBlock = lines.count
        return nil
    }
}
