import Foundation
import TestSupport
import XCTest

/// `/copy` of a reply holding escape sequences, C1 controls and OSC strings: the clipboard tool and
/// the terminal's OSC 52 sequence get only the sanitized text, with the test playing the terminal
/// (every byte parley writes) and a clipboard tool of its own on the PATH.
final class HostileCopyTests: ParleyTestCase {
    /// The server's own OSC 52 (it would set the clipboard to "rm -rf ~"), a title, a screen clear,
    /// C1 CSI and OSC, a DCS string, a bidirectional override, BEL and NEL; then a code block with more.
    static let evil = Data("rm -rf ~".utf8).base64EncodedString()
    static let hostile =
        "A\u{1B}]52;c;\(evil)\u{07}B\u{1B}[2J\u{9B}31mC\u{9D}0;title\u{9C}D\u{1B}P+q\u{1B}\\E\u{202E}F\u{07}G\u{85}H\n"
        + "```sh\nrm\u{1B}]52;c;\(evil)\u{1B}\\ -i\u{9B}2J x\n```\n"
    /// What is left of it: sequences removed whole, other controls shown as text.
    static let sanitized = "ABCDE<U+202E>F^GG<U+0085>H\n```sh\nrm -i x\n```\n"

    func testCopyOfAHostileReplyGivesTheClipboardAndOSC52OnlySanitizedText() throws {
        let server = try StubServer { _, _ in .reply([Self.hostile]) }
        let received = try fakeClipboardTool()
        environment["NO_COLOR"] = "1"  // the prompt's bytes as its words
        let terminal = try PseudoTerminal(["--base-url", server.baseURL, "-m", "m"], environment: environment)
        XCTAssertTrue(terminal.read(until: "#1 ›"), terminal.text.debugDescription)
        terminal.type("hi\r")
        XCTAssertTrue(terminal.read(until: "#3 ›"), terminal.text.debugDescription)

        for (command, expected) in [("/copy", Self.sanitized), ("/copy code", "rm -i x")] {
            let before = terminal.output.count
            terminal.type(command + "\r")
            let sentence = "Copied \(expected.count) characters (xclip), and sent them to the terminal's clipboard (OSC 52)"
            XCTAssertTrue(terminal.read(until: sentence, after: before), "\(command): \(terminal.text.debugDescription)")
            XCTAssertEqual(try String(contentsOf: received, encoding: .utf8), expected, "\(command): what the clipboard tool got")
            let written = String(decoding: terminal.output[before...], as: UTF8.self)
            let payloads = Self.osc52Payloads(in: written)
            XCTAssertEqual(payloads.count, 1, "\(command): one OSC 52, parley's: \(written.debugDescription)")
            let decoded = payloads.first.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            XCTAssertEqual(decoded, expected, "\(command): what OSC 52 sets the clipboard to")
        }
        // Nothing of the server's own sequences reached the terminal, on the screen or by OSC 52.
        let everything = terminal.text
        XCTAssertFalse(everything.contains(Self.evil), "the server's OSC 52 payload reached the terminal")
        for sequence in ["\u{1B}]0;", "\u{9D}", "\u{9B}", "\u{1B}P", "\u{1B}[2J", "\u{202E}", "\u{85}"] {
            XCTAssertFalse(everything.contains(sequence), "\(sequence.debugDescription) reached the terminal")
        }
        XCTAssertEqual(Self.osc52Payloads(in: everything).count, 2, "no OSC 52 but the two /copy sent")
    }

    /// The payloads of the OSC 52 sequences (`ESC ] 52 ; c ; PAYLOAD BEL`) in `text`.
    static func osc52Payloads(in text: String) -> [String] {
        var payloads: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1B}]52;") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(where: { $0 == "\u{07}" || $0 == "\u{1B}" }) else { break }
            let body = rest[..<end]
            payloads.append(String(body.drop { $0 != ";" }.dropFirst()))
            rest = rest[end...]
        }
        return payloads
    }
}
