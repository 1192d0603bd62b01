import ParleyRender

/// A model's `status` from `/models`, as the web page shows it: Online, Warming up, Standby, Offline.
enum ModelStatus {
    static func normal(_ status: String?) -> String? {
        guard let status = status?.lowercased() else { return nil }
        switch status {
        case "warming", "warming_up", "warming-up", "loading": return "warming_up"
        default: return status
        }
    }

    static func styled(_ status: String?, style: Style) -> String {
        switch normal(status) {
        case "online"?: return style.apply(Style.green, to: "Online")
        case "warming_up"?: return style.apply(Style.yellow, to: "Warming up")
        case "standby"?: return style.apply(Style.blue, to: "Standby")
        case "offline"?: return style.apply(Style.red, to: "Offline")
        case let other?: return TerminalSanitizer.clean(other)
        case nil: return ""
        }
    }
}
