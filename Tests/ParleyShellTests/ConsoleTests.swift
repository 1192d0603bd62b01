import ParleyRender
import XCTest

@testable import ParleyShell

/// The live output: what goes to stdout and what to stderr, with which words and styles.
final class ConsoleTests: XCTestCase {
    @MainActor static func console(styled: Bool, out: StringSink, err: StringSink) -> Console {
        Console(
            outSink: out, errSink: err, style: Style(enabled: styled), errStyle: Style(enabled: styled), outIsTerminal: false,
            errIsTerminal: styled, wraps: false, outWidth: { 80 }, errWidth: { 80 })
    }

    func testAskedForOutputGoesToStdoutAndTheRestToStderr() async throws {
        try await onMain {
            let out = StringSink()
            let err = StringSink()
            let console = Self.console(styled: false, out: out, err: err)
            console.print("listed")
            console.error("it failed")
            console.warning("careful")
            console.notice("done")
            console.raw("\u{1B}]52;c;aGk=\u{07}")
            XCTAssertEqual(out.text, "listed\n\u{1B}]52;c;aGk=\u{07}", "raw bytes go out as they are; nothing else on stdout")
            XCTAssertEqual(err.text, "error: it failed\nwarning: careful\ndone\n")
        }
    }

    func testStylesAreAskedCodesAndAServerEscapeIsNotPassedOn() async throws {
        try await onMain {
            let out = StringSink()
            let err = StringSink()
            let console = Self.console(styled: true, out: out, err: err)
            console.print("Reasoning:", codes: Style.bold)
            console.print("plain \u{1B}[2Jtext")
            console.error("no")
            XCTAssertEqual(out.text, Style.bold + "Reasoning:" + Style.reset + "\nplain text\n")
            XCTAssertEqual(err.text, Style.red + "error: no" + Style.reset + "\n")
            console.status("waiting")
            console.status(nil)
            XCTAssertTrue(console.showsStatusLine)
            XCTAssertTrue(err.text.hasSuffix("\r\u{1B}[K" + Style.yellow + "waiting" + Style.reset + "\r\u{1B}[K"), err.text)
        }
    }
}
