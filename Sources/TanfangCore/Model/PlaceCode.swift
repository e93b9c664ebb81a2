import Foundation

/// A statistical division code (统计用区划代码) as offices write it, read for a new ledger.
///
/// The national list gives every place 12 digits: 654021000000 is a county, 654021100000 a
/// township, 654021100201 a village. The ledger keeps the short form (6, 9 and 12 digits); a
/// grid is its village's 12 digits and a local suffix of 1 to 4 digits.
public struct PlaceCode: Hashable, Sendable, CustomStringConvertible {
    public let digits: String
    public let level: PlaceLevel

    /// nil when `text` is not such a code. Full-width digits (as Chinese input methods type them)
    /// are read as digits.
    public init?(_ text: String) {
        let t = Self.normalized(text)
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // A province (65, 650000) or prefecture (6540, 654000): above what a ledger holds.
        guard !Self.isAboveCounty(t) else { return nil }
        switch t.count {
        case 6: (digits, level) = (t, .county)
        case 9: (digits, level) = (t, .township)
        case 12 where t.hasSuffix("000000"): (digits, level) = (String(t.prefix(6)), .county)
        case 12 where t.hasSuffix("000"): (digits, level) = (String(t.prefix(9)), .township)
        case 12: (digits, level) = (t, .village)
        case 13...16: (digits, level) = (t, .grid)
        default: return nil
        }
    }

    public var description: String { digits }

    /// Trimmed, full-width digits made ASCII.
    static func normalized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.trimmingCharacters(in: .whitespaces).unicodeScalars.map { u in
            (0xFF10...0xFF19).contains(u.value) ? Unicode.Scalar(u.value - 0xFF10 + 0x30)! : u
        }))
    }

    /// Whether `text` is a province's or prefecture's code (6 or 12 digits whose county part is 00).
    public static func isAboveCounty(_ text: String) -> Bool {
        let t = normalized(text)
        let digits = t.filter { $0.isASCII && $0.isNumber }
        guard digits.count == t.count, digits.count == 6 || digits.count == 12 else { return false }
        let county = digits.prefix(6)
        return county.hasSuffix("00") && (digits.count == 6 || digits.hasSuffix("000000"))
    }

    /// The code of the place this one belongs to; nil for a county.
    public var parent: PlaceCode? {
        switch level {
        case .county: nil
        case .township: PlaceCode(String(digits.prefix(6)))
        case .village: PlaceCode(String(digits.prefix(9)))
        case .grid: PlaceCode(String(digits.prefix(12)))
        }
    }

    /// The identifier of the place with this code in every ledger set up from codes, so that
    /// village ledgers set up apart merge into one township's without doubling its places.
    /// A UUID of version 8 (RFC 9562, "custom") holding the code's digits, padded with `f`:
    /// 654021 is 654021ff-ffff-8fff-8fff-ffffffffffff. Generated identifiers have versions 4
    /// and 7, so none can be equal to it.
    public var placeID: UUID {
        var hex = Array(digits.utf8.map { Character(Unicode.Scalar($0)) })
        hex += Array(repeating: "f", count: 30 - hex.count)
        let nibbles = hex[0..<12] + ["8"] + hex[12..<15] + ["8"] + hex[15..<30]
        let s = String(nibbles)
        let text = "\(s.prefix(8))-\(s.dropFirst(8).prefix(4))-\(s.dropFirst(12).prefix(4))-"
            + "\(s.dropFirst(16).prefix(4))-\(s.dropFirst(20))"
        return UUID(uuidString: text)!
    }
}
