/// A rate as a percentage with one decimal, rounded half up: 20 of 23 is 87.0%, 21 of 22 95.5%;
/// but 1999 of 2000 is 99.9%, since a village short of its 100% target never reads "100.0%". The
/// same on the screens, in reports and files, and in red-flag reasons.
public enum Percent {
    public static func text(_ rate: Double) -> String {
        guard rate.isFinite, rate >= 0, rate < 1e9 else { return "—" }
        let tenths = tenthsOfAPercent(rate)
        return String(tenths / 10) + "." + String(tenths % 10) + "%"
    }

    /// The rate as `text` shows it (tenths of a percent), for a spreadsheet cell formatted
    /// `0.0%`, so that the file reads as the screen does.
    public static func shown(_ rate: Double) -> Double {
        guard rate.isFinite, rate >= 0, rate < 1e9 else { return rate }
        return Double(tenthsOfAPercent(rate)) / 1000
    }

    /// Tenths of a percent, rounded half up (四舍五入, as an office recomputing the rate gets it:
    /// 21 of 22 is 95.5%), after dropping the binary noise below a millionth of one (0.875 × 1000
    /// may come out as 874.9999999). But a rate short of all is never shown as 100.0%, nor one
    /// above none as 0.0%: 2,999 of 3,000 visited is 99.9%, not "everyone".
    private static func tenthsOfAPercent(_ rate: Double) -> Int {
        let exact = ((rate * 1000) * 1_000_000).rounded() / 1_000_000
        var tenths = Int((exact + 0.5).rounded(.down))
        if rate < 1, tenths >= 1000 { tenths = 999 }
        if rate > 0, tenths == 0 { tenths = 1 }
        return tenths
    }
}
