import Foundation

/// SplitMix64: a tiny, fast generator whose whole state is one word, so that what it drives (the
/// demo ledger, the benchmark's and the tests' random inputs) is the same on every machine and run
/// for a given seed (the system generator is not seedable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (n > 0); the tiny modulo bias does not matter for test data.
    public mutating func next(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// The demo generator's draws over SplitMix64.
struct DemoRandom {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

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

/// Demo visit and follow-up identifiers that ascend in the order a demo build inserts them.
///
/// A build inserts visits batch by batch of consecutive elders; with random identifiers each
/// insert landed on a random leaf of a primary-key index of millions of entries. Here the first
/// 48 bits are a per-seed base plus (elder index, visit ordinal), so a batch only touches the end
/// of the index; the rest stays random, with the version-4 and variant bits of any UUID.
/// The identifier still depends only on the seed and the elder, never on batch boundaries.
public enum DemoIDs {
    /// Ordinals take 12 bits; an elder has a few hundred visits at most even over 120 months.
    static let ordinalBits = 12

    /// Below 2^47, so that base + (index << 14) stays within 48 bits for 2^31 elders.
    static func base(seed: UInt64) -> UInt64 { DemoRandom.mix(seed ^ 0x7669_7369_745F_6964) >> 17 }

    /// `tail`'s random bytes under the ordered prefix of visit `ordinal` of elder `index`.
    static func visit(base: UInt64, index: Int, ordinal: Int, tail: UUID) -> UUID {
        guard ordinal < 1 << ordinalBits else { return tail }
        let prefix = base &+ (UInt64(index) << (ordinalBits + 2)) &+ (UInt64(ordinal) << 2)
        var u = tail.uuid
        withUnsafeMutableBytes(of: &u) { raw in
            for i in 0..<6 { raw[i] = UInt8(truncatingIfNeeded: prefix >> (40 - 8 * UInt64(i))) }
        }
        return UUID(uuid: u)
    }

    /// Elder `index`'s identifier: `tail`'s random bytes under an ordered prefix, as for visits
    /// (with a base of its own), so that a build's indexes keyed by elder grow at their end.
    static func elder(seed: UInt64, index: Int, tail: UUID) -> UUID {
        visit(base: base(seed: seed ^ 0x656C_6465_72), index: index, ordinal: 0, tail: tail)
    }

    /// The follow-up of `type` opened by visit `visitID`: the visit's prefix (so follow-ups are
    /// inserted in the same ascending order) and a tail mixed from the visit's tail and the type.
    public static func followUp(visit visitID: UUID, type: FollowUpType) -> UUID {
        var u = visitID.uuid
        withUnsafeMutableBytes(of: &u) { raw in
            var word: UInt64 = 0
            for i in 8..<16 { word = word << 8 | UInt64(raw[i]) }
            let kind = UInt64(FollowUpType.allCases.firstIndex(of: type)! + 1)
            let h1 = DemoRandom.mix(word ^ DemoRandom.mix(kind)), h2 = DemoRandom.mix(h1)
            raw[6] = UInt8(truncatingIfNeeded: h1) & 0x0F | 0x40
            raw[7] = UInt8(truncatingIfNeeded: h1 >> 8)
            raw[8] = UInt8(truncatingIfNeeded: h2) & 0x3F | 0x80
            for i in 9..<16 { raw[i] = UInt8(truncatingIfNeeded: h2 >> (8 * UInt64(i - 8))) }
        }
        return UUID(uuid: u)
    }
}
