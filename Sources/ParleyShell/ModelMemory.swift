import Foundation

/// The model last chosen for each base URL, kept in `models.json` in the data directory (0600), so that
/// new conversations and later runs start with it.
public struct ModelMemory {
    public let file: URL

    public init(directory: URL) {
        file = directory.appendingPathComponent("models.json")
    }

    public func model(for baseURL: String) -> String? {
        guard let data = try? Data(contentsOf: file),
              let map = try? JSONDecoder().decode([String: String].self, from: data) else { return nil }
        return map[baseURL]
    }

    public func remember(_ model: String, for baseURL: String) {
        var map: [String: String] = [:]
        if let data = try? Data(contentsOf: file), let old = try? JSONDecoder().decode([String: String].self, from: data) {
            map = old
        }
        guard map[baseURL] != model else { return }
        map[baseURL] = model
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        if let data = try? encoder.encode(map) { try? DataDirectory.writePrivate(data, to: file) }
    }
}
