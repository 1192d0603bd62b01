import ParleyAPI
import ParleyCommands
import ParleyRender
import ParleyWire

/// `/model`'s list and switch, over the server's models once read.
extension ModelCommand {
    /// The server's models, numbered, the current one marked, with their status when the server gives
    /// one; at a prompt, a prompt of its own picks one by number or name (Esc leaves).
    @MainActor static func list(_ listed: Result<[ModelInfo], any Error>, _ context: CommandContext) -> [CommandEffect] {
        let current = context.session.settings.model
        let models: [ModelInfo]
        switch listed {
        case let .success(list): models = list
        case let .failure(error):
            return [.print("Model: \(current ?? "none chosen")"), .fail("The list of models could not be read: \(error)")]
        }
        guard !models.isEmpty else { return [.print("The server lists no models; /model NAME chooses one by name.")] }
        let showStatus = models.contains { $0.status != nil }
        let width = models.map { TerminalSanitizer.clean($0.id).count }.max() ?? 0
        let lines = models.enumerated().map { index, model -> String in
            let mark = model.id == current ? "*" : " "
            let id = TerminalSanitizer.clean(model.id)
            // Ids are padded only to line the statuses up after them.
            let status =
                showStatus
                ? id.padding(toLength: width, withPad: " ", startingAt: 0).dropFirst(id.count) + "  "
                    + ModelStatus.styled(model.status, style: context.style) : ""
            return "\(mark)\(String(index + 1).leftPadded(to: 3)). " + id + status
        }
        guard context.canAsk else { return [.print(lines.joined(separator: "\n")), .print("/model NAME or /model N switches.")] }
        let keep = current.map { "keep \($0)" } ?? "leave"
        return [
            .print(lines.joined(separator: "\n")),
            .ask(prompt: "Model number or name (Esc to \(keep)): ", initialText: nil) { answer in
                let name = answer?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !name.isEmpty else { return [.notice(current.map { "Kept \($0)." } ?? "No model chosen.")] }
                return switchTo(name, among: models)
            },
        ]
    }

    /// `/model NAME|N`: the switch, with a warning when the model is offline or not on the server's list.
    static func switchTo(_ argument: String, among models: [ModelInfo]) -> [CommandEffect] {
        var name = argument
        if let number = Int(argument) {
            guard models.indices.contains(number - 1) else {
                return [
                    .fail(
                        models.isEmpty
                            ? "There is no list of models to pick \(number) from; give the name."
                            : "There is no model \(number); /model lists \(models.count).")
                ]
            }
            name = models[number - 1].id
        }
        var effects: [CommandEffect] = []
        if let listed = models.first(where: { $0.id == name }) {
            if ModelStatus(listed.status) == .offline {
                effects.append(.warning("\(name) is Offline; requests may fail until it is back."))
            }
        } else if !models.isEmpty {
            let near = Nearest.names(to: name, among: models.map(\.id)).joined(separator: ", ")
            effects.append(.warning("the server does not list \(name) (nearest: \(near)); using it anyway."))
        }
        return effects + [.chooseModel(name), .notice("Model: \(name)")]
    }
}
