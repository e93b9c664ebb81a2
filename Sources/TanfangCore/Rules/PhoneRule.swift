/// How many digits a Chinese phone number has, by its first: a mobile (1…) 11, a landline with its
/// area code (0…) 10 to 12, a local landline 7 or 8. The roster import and the elder form apply the
/// same rule, so that what the form takes an export reads back (a 10-digit mobile was saved by the
/// form and refused by the import).
public enum PhoneRule {
    /// `first`: the first digit's ASCII code; `count`: how many digits (after +86).
    public static func isPlausible(first: UInt8, count: Int) -> Bool {
        switch first {
        case UInt8(ascii: "1"): count == 11
        case UInt8(ascii: "0"): (10...12).contains(count)
        default: (7...8).contains(count)
        }
    }
}
