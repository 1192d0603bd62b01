import Foundation
import XCTest

/// A test that runs the built binary: each test gets a private home (also the data directory) and
/// a clean environment, removed afterwards.
open class ParleyTestCase: XCTestCase {
    public var home: URL!
    public var environment: [String: String] = [:]

    override open func setUp() {
        super.setUp()
        home = ParleyProcess.temporaryHome()
        environment = ParleyProcess.cleanEnvironment(home: home)
    }

    /// parley with `arguments` in a pseudo-terminal, once its prompt (`prompt`) is on the screen.
    /// A clipboard tool (`xclip`) first on the PATH that keeps what it is given in the returned file.
    public func fakeClipboardTool() throws -> URL {
        let bin = home.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let received = home.appendingPathComponent("clipboard.txt")
        let tool = bin.appendingPathComponent("xclip")
        try "#!/bin/sh\ncat > '\(received.path)'\n".write(to: tool, atomically: true, encoding: .utf8)
        chmod(tool.path, 0o755)
        environment["PATH"] = bin.path + ":/usr/bin:/bin"
        return received
    }

    public func shell(_ arguments: [String], prompt: String = "#1 ›") throws -> TerminalSession {
        let session = try TerminalSession([ParleyProcess.binary] + arguments, environment: environment)
        try session.waitFor(prompt)
        return session
    }

    override open func tearDown() {
        try? FileManager.default.removeItem(at: home)
        super.tearDown()
    }
}
