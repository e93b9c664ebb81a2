/// A rate as a percentage with one decimal, rounded down: 20 of 23 is 86.9%, 1999 of 2000 is
/// 99.9%. Never up, so that a village short of its 100% target never reads "100.0%"; the same on
/// the screens, in reports and in red-flag reasons.
public enum Percent {
    public static func text(_ rate: Double) -> String {
        guard rate.isFinite, rate >= 0, rate < 1e9 else { return "—" }
        let tenths = tenthsOfAPercent(rate)
        return String(tenths / 10) + "." + String(tenths % 10) + "%"
    }

    /// The rate as `text` shows it (tenths of a percent, rounded down), for a spreadsheet cell
    /// formatted `0.0%`, which would otherwise round 86.96% up to 87.0% beside the screen's 86.9%.
    public static func shown(_ rate: Double) -> Double {
        guard rate.isFinite, rate >= 0, rate < 1e9 else { return rate }
        return Double(tenthsOfAPercent(rate)) / 1000
    }

    /// Tenths of a percent, after dropping the binary noise below a millionth of one
    /// (0.875 × 1000 may come out as 874.9999999).
    private static func tenthsOfAPercent(_ rate: Double) -> Int {
        Int(((rate * 1000) * 1_000_000).rounded() / 1_000_000)
    }
}
