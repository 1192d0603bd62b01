import Foundation
import ParleyHTTP
import ParleyWire

/// `/code`: a ready-to-run snippet that repeats a chat request, in curl, Python (OpenAI SDK) or
/// TypeScript (OpenAI Node SDK). The key is never written: the snippet reads the variable it came from.
public enum CodeSnippet {
    public enum Language: String, Sendable, CaseIterable {
        case curl, python, ts

        /// What starts a comment line in it.
        public var comment: String { self == .ts ? "//" : "#" }

        /// `curl|python|ts`, as a usage line shows the choice.
        public static var choices: String { allCases.map(\.rawValue).joined(separator: "|") }

        /// `curl, python or ts`, as a sentence says them.
        public static var said: String {
            let names = allCases.map(\.rawValue)
            return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
        }
    }

    /// The variable a snippet reads the base URL's password from (`https://user:password@host/v1`):
    /// a password is a secret like the key, never written into a snippet.
    public static let urlPasswordVariable = "PARLEY_URL_PASSWORD"

    /// Data URLs longer than this are cut, with a note.
    static let dataURLLimit = 64

    /// - Parameters:
    ///   - request: the request to repeat (its `stream` is ignored: the snippet asks for a whole reply,
    ///     with the streamed form in a comment).
    ///   - keyVariable: the environment variable holding the key, or nil when none is needed.
    public static func make(_ language: Language, request: ChatRequest, baseURL: String, keyVariable: String?) -> String {
        let variable = keyVariable ?? "OPENAI_API_KEY"
        var truncated = false
        let messages = request.messages.map { message -> [String: Any] in
            var entry: [String: Any] = ["role": message.role.rawValue]
            switch message.content {
            case let .text(text): entry["content"] = text
            case let .parts(parts):
                entry["content"] = parts.map { part -> [String: Any] in
                    switch part {
                    case let .text(text): return ["type": "text", "text": text]
                    case let .imageURL(url):
                        var shown = url
                        if url.hasPrefix("data:"), url.count > dataURLLimit {
                            shown = String(url.prefix(dataURLLimit)) + "...TRUNCATED"
                            truncated = true
                        }
                        return ["type": "image_url", "image_url": ["url": shown]]
                    }
                }
            }
            return entry
        }
        var body: [(String, Any)] = [("model", request.model), ("messages", messages)]
        if let temperature = request.temperature { body.append(("temperature", temperature)) }
        if let topP = request.topP { body.append(("top_p", topP)) }
        if let maxTokens = request.maxTokens { body.append(("max_tokens", maxTokens)) }
        let note = truncated ? "NOTE: image data URLs are cut short (...TRUNCATED); put the whole base64 of each file there." : nil
        let password = URLPassword.split(baseURL)
        let passwordNote = password.map { _ in "The base URL's password is read from \(urlPasswordVariable)." }

        switch language {
        case .curl:
            let json = jsonText(body, indent: "  ")
            var lines: [String] = []
            if let note { lines.append("# " + note) }
            if let passwordNote { lines.append("# " + passwordNote) }
            let url =
                password.map { "\"\($0.before)${\(urlPasswordVariable)}\($0.after)/chat/completions\"" } ?? "\(baseURL)/chat/completions"
            lines.append("curl \(url) \\")
            lines.append("  -H \"Content-Type: application/json\" \\")
            if keyVariable != nil { lines.append("  -H \"Authorization: Bearer $\(variable)\" \\") }
            lines.append("  -d '" + json.replacingOccurrences(of: "'", with: "'\\''") + "'")
            lines.append("# Streamed: add \"stream\": true to the body and -N to curl.")
            return lines.joined(separator: "\n") + "\n"
        case .python:
            var lines = ["import os", "", "from openai import OpenAI", ""]
            if let note { lines.insert("# " + note, at: 0) }
            if let passwordNote { lines.insert("# " + passwordNote, at: 0) }
            let key = keyVariable != nil ? "os.environ[\"\(variable)\"]" : "\"not-needed\""
            let url =
                password.map { "\(pythonString($0.before)) + os.environ[\"\(urlPasswordVariable)\"] + \(pythonString($0.after))" }
                ?? pythonString(baseURL)
            lines.append("client = OpenAI(base_url=\(url), api_key=\(key))")
            lines.append("")
            lines.append("response = client.chat.completions.create(")
            for (name, value) in body {
                lines.append("    \(name)=\(pythonValue(value, indent: "    ")),")
            }
            lines.append(")")
            lines.append("print(response.choices[0].message.content)")
            lines.append("")
            lines.append("# Streamed: pass stream=True, then")
            lines.append("# for chunk in response:")
            lines.append("#     print(chunk.choices[0].delta.content or \"\", end=\"\", flush=True)")
            return lines.joined(separator: "\n") + "\n"
        case .ts:
            var lines = ["import OpenAI from \"openai\";", ""]
            if let note { lines.insert("// " + note, at: 0) }
            if let passwordNote { lines.insert("// " + passwordNote, at: 0) }
            let key = keyVariable != nil ? "process.env[\"\(variable)\"]" : "\"not-needed\""
            let url =
                password.map { "\(jsString($0.before)) + process.env[\"\(urlPasswordVariable)\"] + \(jsString($0.after))" }
                ?? jsString(baseURL)
            lines.append("const client = new OpenAI({ baseURL: \(url), apiKey: \(key) });")
            lines.append("")
            lines.append("const response = await client.chat.completions.create(" + jsonText(body, indent: "  ") + ");")
            lines.append("console.log(response.choices[0].message.content);")
            lines.append("")
            lines.append("// Streamed: add stream: true, then")
            lines.append("// for await (const chunk of response) process.stdout.write(chunk.choices[0]?.delta?.content ?? \"\");")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// JSON with keys in the given order (model first), pretty-printed.
    static func jsonText(_ pairs: [(String, Any)], indent: String) -> String {
        let inner = pairs.map { name, value in "\(indent)\(jsonString(name)): \(jsonValue(value, indent: indent))" }
        return "{\n" + inner.joined(separator: ",\n") + "\n}"
    }

    static func jsonValue(_ value: Any, indent: String) -> String {
        switch value {
        case let text as String: return jsonString(text)
        case let number as Double: return formatNumber(number)
        case let number as Int: return String(number)
        case let array as [Any]:
            let next = indent + "  "
            return "[\n" + array.map { next + jsonValue($0, indent: next) }.joined(separator: ",\n") + "\n\(indent)]"
        case let object as [String: Any]:
            let next = indent + "  "
            let keys = object.keys.sorted { order($0) < order($1) }
            return "{ " + keys.map { "\(jsonString($0)): \(jsonValue(object[$0]!, indent: next))" }.joined(separator: ", ") + " }"
        default: return "null"
        }
    }

    static func order(_ key: String) -> Int { ["role": 0, "type": 1, "content": 2, "text": 3, "image_url": 4, "url": 5][key] ?? 9 }

    /// A JSON string literal (which Python and JavaScript read too); DEL, C1 controls, line and
    /// paragraph separators and bidirectional overrides written as `\uXXXX`, so that what a page or a
    /// server put in the text cannot drive the terminal the snippet is shown on, and means the same.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let literal = String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        guard literal.unicodeScalars.contains(where: isInvisible) else { return literal }
        var out = String.UnicodeScalarView()
        for scalar in literal.unicodeScalars {
            if isInvisible(scalar) {
                out.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x7F...0x9F).contains(value) || (0x2028...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    static func pythonValue(_ value: Any, indent: String) -> String {
        switch value {
        case let text as String: return pythonString(text)
        case let array as [Any]:
            let next = indent + "    "
            return "[\n" + array.map { next + pythonValue($0, indent: next) + "," }.joined(separator: "\n") + "\n\(indent)]"
        case let object as [String: Any]:
            let keys = object.keys.sorted { order($0) < order($1) }
            return "{" + keys.map { "\(pythonString($0)): \(pythonValue(object[$0]!, indent: indent))" }.joined(separator: ", ") + "}"
        default: return jsonValue(value, indent: indent)
        }
    }

    /// JSON string syntax is valid Python and JavaScript string syntax too.
    static func pythonString(_ text: String) -> String { jsonString(text) }
    static func jsString(_ text: String) -> String { jsonString(text) }

    static func formatNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// The body of `POST /audio/speech`.
public struct SpeechRequest: Sendable, Equatable, Encodable {
    public var model: String
    public var input: String
    public var voice: String
    public var responseFormat: String

    public init(model: String, input: String, voice: String = "alloy", responseFormat: String = "wav") {
        self.model = model
        self.input = input
        self.voice = voice
        self.responseFormat = responseFormat
    }

    private enum CodingKeys: String, CodingKey {
        case model, input, voice
        case responseFormat = "response_format"
    }

    /// The API's limit on `input`, in characters.
    public static let inputLimit = 4096
}
