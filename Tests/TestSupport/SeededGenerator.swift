import Foundation

/// The random numbers of a property test, so that a failure can be run again: seeded from
/// `PARLEY_TEST_SEED` when it is set, else at random; `rerun` says how to get the same run, for
/// failure messages.
public struct SeededGenerator: RandomNumberGenerator {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64? = nil) {
        let chosen =
            seed ?? ProcessInfo.processInfo.environment["PARLEY_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        self.seed = chosen
        state = chosen
    }

    /// SplitMix64: small, fast, and the same numbers for the same seed everywhere.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// "PARLEY_TEST_SEED=N": the run again, for a failure's message.
    public var rerun: String { "PARLEY_TEST_SEED=\(seed)" }
}
