import Foundation
import ParleyShared

/// The random numbers of a property test, so that a failure can be run again: seeded from
/// `PARLEY_TEST_SEED` when it is set, else at random; `rerun` says how to get the same run, for
/// failure messages.
public struct SeededGenerator: RandomNumberGenerator {
    public let seed: UInt64
    private var numbers: SplitMix64

    public init(seed: UInt64? = nil) {
        let chosen =
            seed ?? ProcessInfo.processInfo.environment["PARLEY_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        self.seed = chosen
        numbers = SplitMix64(state: chosen)
    }

    public mutating func next() -> UInt64 { numbers.next() }

    /// "PARLEY_TEST_SEED=N": the run again, for a failure's message.
    public var rerun: String { "PARLEY_TEST_SEED=\(seed)" }
}
