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

    override open func tearDown() {
        try? FileManager.default.removeItem(at: home)
        super.tearDown()
    }
}
