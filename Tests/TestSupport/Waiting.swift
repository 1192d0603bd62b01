import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How long a test waits for what it expects before calling it a failure. It is there only so that a
/// broken build fails rather than hangs: nothing a test waits for comes near it, however loaded the
/// machine. No test measures a duration; a wait ends when the awaited thing is seen.
public let patience: TimeInterval = 60

/// What a test waited for and never saw.
public struct NeverHappened: Error, CustomStringConvertible {
    public var what: String
    public var timeout: TimeInterval
    public var description: String { "Waited \(Int(timeout)) s for \(what); it never happened." }
}

/// Returns once `condition` holds, checking it every 10 ms; throws when `timeout` passes first.
public func waitUntil(_ what: String, timeout: TimeInterval = patience, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw NeverHappened(what: what, timeout: timeout) }
        usleep(10_000)
    }
}

/// The same, for async tests: the checks are spaced by suspending, not by blocking a thread.
public func waitUntil(_ what: String, timeout: TimeInterval = patience, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw NeverHappened(what: what, timeout: timeout) }
        try await Task.sleep(for: .milliseconds(10))
    }
}
