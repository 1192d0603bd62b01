import Foundation
import TestSupport
import XCTest

/// Pictures of pending attachments, with the test playing the terminal: it sees every byte parley
/// writes and answers parley's query as a sixel terminal, kitty, a plain terminal, or not at all.
final class InlinePictureTerminalTests: ParleyTestCase {
    static let query = "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[16t\u{1B}[c"
    static let images = ParleyProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/Images")
    let cat = images.appendingPathComponent("cat.jpg").path

    /// parley at its prompt on a pseudo-terminal, an image (`image`, else cat.jpg) attached, the query
    /// seen and answered with `answer`.
    func attach(answering answer: String?, image: String? = nil) throws -> (PseudoTerminal, StubServer, afterQuery: Int) {
        let server = try StubServer { _, _ in .reply(["seen"]) }
        environment["NO_COLOR"] = "1"  // the prompt's bytes as its words
        let terminal = try PseudoTerminal(["--base-url", server.baseURL, "-m", "m"], environment: environment)
        XCTAssertTrue(terminal.read(until: "#1 ›"), terminal.text)
        let before = terminal.output.count
        terminal.type("/attach \(image ?? cat)\r")
        XCTAssertTrue(
            terminal.read(until: Self.query, after: before), "parley asks the terminal: \(terminal.text.debugDescription)")
        let afterQuery = terminal.output.count
        if let answer { terminal.type(answer) }
        XCTAssertTrue(terminal.read(until: "+1 image ›", after: afterQuery), terminal.text.debugDescription)
        return (terminal, server, afterQuery)
    }

    func shown(_ terminal: PseudoTerminal, after offset: Int) -> String {
        String(decoding: terminal.output[offset...], as: UTF8.self)
    }

    func testASixelTerminalGetsASixelThumbnail() throws {
        let (terminal, _, afterQuery) = try attach(answering: "\u{1B}[?62;4;22c")
        let screen = shown(terminal, after: afterQuery)
        XCTAssertTrue(screen.contains("[1] cat.jpg · JPEG · 320×200"), screen)
        // No cell size was said, so 20 px a line: 3 lines are 60 px, 320 × 200 becomes 96 × 60.
        guard let start = screen.range(of: "\u{1B}P0;1;0q\"1;1;96;60#") else { return XCTFail(screen.debugDescription) }
        XCTAssertNotNil(screen[start.upperBound...].range(of: "\u{1B}\\"), "the sixel data ends")
        XCTAssertLessThan(screen.range(of: "[1] cat.jpg")!.lowerBound, start.lowerBound, "the picture under its line")
    }

    /// The image libraries are not loaded at start (they would slow every start); each format's
    /// thumbnail opens its library, and only it (a parley of its own for each).
    func testAnImageLibraryIsOpenedOnlyWhenItsFormatIsShown() throws {
        func mapped(_ terminal: PseudoTerminal) throws -> String {
            try String(contentsOfFile: "/proc/\(terminal.pid)/maps", encoding: .utf8)
        }
        let libraries = ["libturbojpeg", "libpng16", "libgif", "libwebp"]
        let server = try StubServer { _, _ in .reply(["seen"]) }
        environment["NO_COLOR"] = "1"  // the prompt's bytes as its words
        let plain = try PseudoTerminal(["--base-url", server.baseURL, "-m", "m"], environment: environment)
        XCTAssertTrue(plain.read(until: "#1 ›"), plain.text)
        let atStart = try mapped(plain)
        XCTAssertTrue(atStart.contains("parley"), "the maps are parley's")
        for library in libraries { XCTAssertFalse(atStart.contains(library), "\(library) is loaded at start") }

        for (image, opened) in [("cat.jpg", "libturbojpeg"), ("chart.png", "libpng16"), ("anim.gif", "libgif"), ("photo.webp", "libwebp")] {
            let path = Self.images.appendingPathComponent(image).path
            let (terminal, _, afterQuery) = try attach(answering: "\u{1B}[?62;4;22c", image: path)
            XCTAssertTrue(shown(terminal, after: afterQuery).contains("\u{1B}P0;1;0q"), "\(image): a sixel thumbnail was drawn")
            let after = try mapped(terminal)
            XCTAssertTrue(after.contains(opened), "\(opened) was opened for the thumbnail of \(image)")
            for library in libraries where library != opened {
                XCTAssertFalse(after.contains(library), "\(library) was opened for \(image)")
            }
        }
    }

    func testKittyGetsItsProtocolSizedByTheCellItReports() throws {
        let (terminal, _, afterQuery) = try attach(answering: "\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[6;16;8t\u{1B}[?62;c")
        let screen = shown(terminal, after: afterQuery)
        // 16 px lines: 48 px high, 77 wide.
        XCTAssertTrue(screen.contains("\u{1B}_Ga=T,f=32,s=77,v=48,r=3,q=2,m="), screen.debugDescription)
        XCTAssertFalse(screen.contains("\u{1B}P"), "no sixel as well")
    }

    func testAPlainTerminalGetsOnlyTheLineAndIsAskedOnce() throws {
        let (terminal, server, afterQuery) = try attach(answering: "\u{1B}[?1;2c")
        terminal.type("/attach \(cat)\r")
        XCTAssertTrue(terminal.read(until: "+2 images ›", after: afterQuery), terminal.text.debugDescription)
        let screen = shown(terminal, after: afterQuery)
        XCTAssertTrue(screen.contains("[2] cat.jpg"), screen)
        XCTAssertFalse(screen.contains("\u{1B}P") || screen.contains("\u{1B}_G") || screen.contains("\u{1B}]1337"), screen.debugDescription)
        XCTAssertFalse(screen.contains("\u{1B}[c"), "asked once, not at every attachment")
        terminal.type("what is it?\r")
        XCTAssertTrue(terminal.read(until: "seen", after: afterQuery), terminal.text.debugDescription)
        XCTAssertEqual(server.chats.count, 1)
    }

    func testKeysTypedWhileTheTerminalIsAskedGoInTheLine() throws {
        // Typed on after /attach's Enter: the keys reach parley before the terminal's answer does.
        let (terminal, server, afterQuery) = try attach(answering: "what is it?\u{1B}[?1;2c")
        terminal.type("\r")
        XCTAssertTrue(terminal.read(until: "seen", after: afterQuery), terminal.text.debugDescription)
        let content = try XCTUnwrap(server.chats.first?.messages?.last?["content"] as? [[String: Any]])
        XCTAssertEqual(content.first?["text"] as? String, "what is it?")
    }

    func testATerminalThatDoesNotAnswerGetsNoPictureAndTheShellGoesOn() throws {
        let (terminal, _, afterQuery) = try attach(answering: nil)
        let screen = shown(terminal, after: afterQuery)
        XCTAssertTrue(screen.contains("[1] cat.jpg · JPEG"), screen)
        XCTAssertFalse(screen.contains("\u{1B}P") || screen.contains("\u{1B}_G"), screen.debugDescription)
        terminal.type("/detach all\r")
        XCTAssertTrue(terminal.read(until: "Nothing is attached now.", after: afterQuery), terminal.text.debugDescription)
    }
}
