import ParleyRender
import ParleyWire

extension ModelStatus {
    /// The label in its colour (green online, yellow warming up, blue standby, red offline); a status
    /// parley does not know as the server wrote it, made safe.
    static func styled(_ raw: String?, style: Style) -> String {
        guard let status = ModelStatus(raw) else { return "" }
        switch status {
        case .online: return style.apply(Style.green, to: status.label)
        case .warmingUp: return style.apply(Style.yellow, to: status.label)
        case .standby: return style.apply(Style.blue, to: status.label)
        case .offline: return style.apply(Style.red, to: status.label)
        case let .other(raw): return TerminalSanitizer.clean(raw)
        }
    }
}
