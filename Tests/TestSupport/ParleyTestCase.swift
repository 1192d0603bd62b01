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
