import Foundation

/// Masks ID numbers and phones wherever the whole value is not needed (DOMAIN.md §7).
public enum Masking {
    /// `110105********002X`: the address code and the last 4 stay; short values are fully masked.
    public static func idNumber(_ value: String) -> String {
        let chars = Array(value.trimmingCharacters(in: .whitespacesAndNewlines))
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + "********" + String(chars.suffix(4))
    }

    /// `139****5678` for mobile-length numbers; shorter numbers keep only their last 2 characters.
    public static func phone(_ value: String) -> String {
        let chars = Array(value.trimmingCharacters(in: .whitespacesAndNewlines))
        if chars.count >= 11 {
            return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
        }
        guard chars.count > 2 else { return String(repeating: "*", count: chars.count) }
        return String(repeating: "*", count: chars.count - 2) + String(chars.suffix(2))
    }

    /// A phone value that is not a valid number, for the message saying why: digits masked as
    /// `phone` masks them, anything else (letters, a second number's separator) left visible,
    /// since that is the mistake to fix: `139abc00004` → `139abc*0004`.
    public static func invalidPhone(_ value: String) -> String {
        let chars = Array(value.trimmingCharacters(in: .whitespacesAndNewlines))
        let hidden: Range<Int> = chars.count >= 11 ? 3..<(chars.count - 4) : 0..<max(0, chars.count - 2)
        return String(chars.enumerated().map { i, c in hidden.contains(i) && isDigit(c) ? "*" : c })
    }

    /// A text holding names and phones (a roster's 其他赡养人 cell): each run of 7 or more digits
    /// masked as `phone` masks it, the names left whole.
    public static func phonesIn(_ text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count >= 7 ? phone(run) : run
            run = ""
        }
        for c in text {
            if isDigit(c) { run.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }

    /// 0–9 and their full-width forms; not 三 or ⅷ, which Swift also counts as numbers.
    static func isDigit(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1 else { return false }
        return (0x30...0x39).contains(v) || (0xFF10...0xFF19).contains(v)
    }
}
