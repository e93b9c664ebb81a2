import Foundation

/// SplitMix64: a tiny, fast generator whose whole state is one word, so the demo ledger is the
/// same on every machine and every run for a given seed (the system generator is not seedable).
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (n > 0); the tiny modulo bias does not matter for demo data.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// An index into `weights` chosen with probability proportional to its weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var r = unit() * total
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// A version-4 UUID made of generator output, so identifiers repeat with the seed.
    mutating func uuid() -> UUID {
        let a = next(), b = next()
        func byte(_ w: UInt64, _ i: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: w >> (56 - 8 * i)) }
        return UUID(uuid: (byte(a, 0), byte(a, 1), byte(a, 2), byte(a, 3), byte(a, 4), byte(a, 5),
                           (byte(a, 6) & 0x0F) | 0x40, byte(a, 7),
                           (byte(b, 0) & 0x3F) | 0x80, byte(b, 1), byte(b, 2), byte(b, 3),
                           byte(b, 4), byte(b, 5), byte(b, 6), byte(b, 7)))
    }
}
