/// A model's `status` from `/models` (an extension some servers add), as the web page shows it.
public enum ModelStatus: Sendable, Equatable {
    case online
    case warmingUp
    case standby
    case offline
    /// A status parley does not know, as the server wrote it.
    case other(String)

    /// Nil when the server gives none.
    public init?(_ raw: String?) {
        guard let raw else { return nil }
        switch raw.lowercased() {
        case "online": self = .online
        case "warming", "warming_up", "warming-up", "loading": self = .warmingUp
        case "standby": self = .standby
        case "offline": self = .offline
        default: self = .other(raw)
        }
    }

    /// "Online", "Warming up", ...
    public var label: String {
        switch self {
        case .online: "Online"
        case .warmingUp: "Warming up"
        case .standby: "Standby"
        case .offline: "Offline"
        case let .other(raw): raw
        }
    }
}
