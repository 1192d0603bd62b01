import Foundation
import ParleyShared

/// What each fuzz target shares: libFuzzer's driver, run from the target's own `main` (the target is
/// linked with clang's libFuzzer runtime without its `main`, since SwiftPM names an executable's entry
/// point itself), and the ways a target says that a property failed.

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The property under test; set once, before libFuzzer starts calling it.
nonisolated(unsafe) private var property: ((UnsafeBufferPointer<UInt8>) -> Void)?

/// Runs libFuzzer with the command line's options and corpus folders, calling `check` with each input;
/// `check` crashes (`require`) where a property fails, and libFuzzer keeps that input.
public func runFuzzer(_ check: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
    property = check
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        property!(UnsafeBufferPointer(start: size == 0 ? nil : data, count: size))
        return 0
    }
    exit(status)
}

/// Stops the run, with `message` on stderr, when `condition` does not hold.
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition() else { return }
    FileHandle.standardError.write(Data("property failed (\(file):\(line)): \(message())\n".utf8))
    fatalError("property failed", file: file, line: line)
}

/// A stream of numbers fixed by the input's bytes (SplitMix64 seeded with their FNV-1a hash): where a
/// target cuts its input into pieces, the same for the same input, so that a saved input replays.
public struct InputRandom {
    private var numbers: SplitMix64

    /// Seeded by the input's FNV-1a hash.
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        numbers = SplitMix64(state: hash)
    }

    public mutating func next() -> UInt64 { numbers.next() }

    /// A number in `range`.
    public mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// `count` cut into pieces of 1 to `longest` (the last may be shorter): the ranges, in order.
    public mutating func pieces(of count: Int, longest: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < count {
            let end = min(count, start + next(in: 1...longest))
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}
