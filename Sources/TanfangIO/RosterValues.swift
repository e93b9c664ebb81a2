import Foundation
import TanfangCore

/// The harmless normalizations of roster cells, each returning a value or the reason it was refused.
enum RosterValues {
    // MARK: - Text

    /// Full-width ASCII (U+FF01–FF5E) to ASCII and the ideographic space to a space.
    static func halfWidth(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(s.value - 0xFEE0)!)
            case 0x3000: out.append(" ")
            default: out.append(s)
            }
        }
        return String(out)
    }

    /// Header text as compared: half-width, no spaces or line breaks, lower case, without the
    /// `*` that templates put on required columns or a trailing colon.
    static func headerKey(_ header: String) -> String {
        var key = halfWidth(header).filter { !$0.isWhitespace }.lowercased()
        while key.hasPrefix("*") { key.removeFirst() }
        while key.hasSuffix("*") || key.hasSuffix(":") { key.removeLast() }
        return key
    }

    /// Trimmed; nil when empty.
    static func text(_ raw: String) -> String? {
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// A name: trimmed, runs of spaces collapsed, spaces removed between Han characters (names
    /// are often padded, "王  英"), and the dots of transliterated names unified to `·`.
    static func name(_ raw: String) -> String? {
        let dots: Set<Character> = ["•", "・", "．", "‧", "･", "."]
        let unified = String(raw.map { dots.contains($0) ? "·" : $0 })
        let words = halfWidth(unified).split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return nil }
        if words.allSatisfy({ $0.unicodeScalars.allSatisfy(isHanOrDot) }) { return words.joined() }
        return words.joined(separator: " ")
    }

    static func isHanOrDot(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F, 0xB7: true
        default: false
        }
    }

    // MARK: - ID numbers

    /// ID text as compared: half-width, every space removed, a leading `'` (Excel's text marker) dropped.
    static func idText(_ raw: String) -> String {
        var t = halfWidth(raw).filter { !$0.isWhitespace }
        if t.hasPrefix("'") { t.removeFirst() }
        return t
    }

    /// `1.10105194912310E+17`: an ID number that Excel turned into a number and cut to 15 digits.
    static func looksLikeScientific(_ text: String) -> Bool {
        text.range(of: #"^\d(\.\d+)?[eE]\+?\d+$"#, options: .regularExpression) != nil
    }

    // MARK: - Gender

    static func gender(_ raw: String) -> Gender? {
        switch halfWidth(raw).trimmingCharacters(in: .whitespaces).lowercased() {
        case "男", "男性", "male", "m": .male
        case "女", "女性", "female", "f": .female
        default: nil
        }
    }

    // MARK: - Dates

    enum ParsedDate: Equatable {
        case day(LocalDate)
        /// Only year and month were given; the date is the 1st.
        case month(LocalDate)

        var date: LocalDate {
            switch self { case .day(let d), .month(let d): d }
        }
    }

    /// `1950/3/6`, `1950-03-06`, `1950年3月6日`, `1950.3.6`, `19500306`, `1950.3`, `1950年3月`,
    /// `195003`, Excel serial numbers (`18328`), and any of them followed by a zero time.
    /// Nil when the text is not a date or names an impossible one.
    static func date(_ raw: String) -> ParsedDate? {
        var t = halfWidth(raw).trimmingCharacters(in: .whitespaces)
        if let r = t.range(of: #"[ T]0?0:00(:00(\.0+)?)?$"#, options: .regularExpression) {
            t = String(t[..<r.lowerBound])
        }
        t = t.filter { !$0.isWhitespace }
        guard !t.isEmpty else { return nil }

        if t.allSatisfy({ $0.isASCII && $0.isNumber }) {
            switch t.count {
            case 8:
                let v = Int(t)!
                return LocalDate(year: v / 10000, month: v / 100 % 100, day: v % 100).map(ParsedDate.day)
            case 6:
                let v = Int(t)!
                return LocalDate(year: v / 100, month: v % 100, day: 1).map(ParsedDate.month)
            case 4 where (1800...2199).contains(Int(t)!):
                return nil  // a year alone is not a birth date
            case 1...5:
                return ExcelDate.date(serial: Int(t)!).map(ParsedDate.day)
            default:
                return nil
            }
        }
        if t.range(of: #"^\d{1,5}\.\d+$"#, options: .regularExpression) != nil,
           let v = Double(t), v.truncatingRemainder(dividingBy: 1) == 0 {
            return ExcelDate.date(serial: Int(v)).map(ParsedDate.day)
        }

        var unified = t.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-")
            .replacingOccurrences(of: "日", with: "").replacingOccurrences(of: "号", with: "")
            .replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
        if unified.hasSuffix("-") { unified.removeLast() }
        let parts = unified.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 4,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.dropFirst().allSatisfy({ $0.count <= 2 }) else { return nil }
        let numbers = parts.map { Int($0)! }
        if numbers.count == 2 {
            return LocalDate(year: numbers[0], month: numbers[1], day: 1).map(ParsedDate.month)
        }
        return LocalDate(year: numbers[0], month: numbers[1], day: numbers[2]).map(ParsedDate.day)
    }

    // MARK: - Phones

    enum PhoneProblem: Error, Equatable {
        case characters
        case multiple
        /// The number of digits found.
        case length(Int)
    }

    /// Digits only: spaces, dashes and brackets removed, `+86`/`0086` dropped. Mobiles have 11
    /// digits and start with 1; landlines have 7–8 digits, or 10–12 with a 0 area code.
    static func phone(_ raw: String) -> Result<String, PhoneProblem> {
        let t = halfWidth(raw).filter { !$0.isWhitespace && !"-—–()".contains($0) }
        if t.contains(where: { "/、,;|".contains($0) }) { return .failure(.multiple) }
        var digits = Substring(t)
        if digits.hasPrefix("+86") { digits = digits.dropFirst(3) }
        else if digits.hasPrefix("0086") { digits = digits.dropFirst(4) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.characters) }
        let n = digits.count
        let ok: Bool = switch digits.first! {
        case "1": n == 11
        case "0": (10...12).contains(n)
        default: (7...8).contains(n)
        }
        return ok ? .success(String(digits)) : .failure(.length(n))
    }

    // MARK: - Categories

    /// What one category word means.
    enum CategoryWord: Equatable {
        case category(TanfangCore.Category, DisabilityDegree?)
        /// 高龄: accepted and ignored, it is derived from the birth date.
        case advancedAge
    }

    static let categoryWords: [String: CategoryWord] = {
        var table: [String: CategoryWord] = [
            "独居": .category(.livingAlone, nil),
            "空巢": .category(.emptyNest, nil),
            "留守": .category(.leftBehind, nil),
            "失能": .category(.disabled, nil),
            "半失能": .category(.disabled, .mild),
            "完全失能": .category(.disabled, .severe),
            "轻度失能": .category(.disabled, .mild),
            "中度失能": .category(.disabled, .moderate),
            "重度失能": .category(.disabled, .severe),
            "重残": .category(.severelyDisabled, nil),
            "重度残疾": .category(.severelyDisabled, nil),
            "一级残疾": .category(.severelyDisabled, nil),
            "二级残疾": .category(.severelyDisabled, nil),
            "计生特殊": .category(.familyPlanningSpecial, nil),
            "计生特殊家庭": .category(.familyPlanningSpecial, nil),
            "计划生育特殊家庭": .category(.familyPlanningSpecial, nil),
            "失独": .category(.familyPlanningSpecial, nil),
            "特困": .category(.destitute, nil),
            "分散供养特困": .category(.destitute, nil),
            "五保": .category(.destitute, nil),
            "高龄": .advancedAge,
            "advancedage": .advancedAge,
        ]
        // Our own exports write the English codes.
        for c in TanfangCore.Category.allCases { table[c.rawValue.lowercased()] = .category(c, nil) }
        return table
    }()

    static let categorySeparators: Set<Character> = ["、", ",", "，", ";", "；", "/", "|"]

    /// Splits a category cell into words; each maps to a meaning or is unknown (nil).
    static func categoryWords(_ raw: String) -> [(word: String, meaning: CategoryWord?)] {
        let words = raw.split { categorySeparators.contains($0) || $0.isWhitespace }
        return words.map { word in
            var key = halfWidth(String(word)).lowercased()
            // "独居老人", "特困人员" and "失独家庭" name the same categories.
            for suffix in ["老年人", "老人", "人员", "家庭"] where key.hasSuffix(suffix) && key.count > suffix.count {
                let stem = String(key.dropLast(suffix.count))
                if categoryWords[key] == nil, categoryWords[stem] != nil { key = stem }
            }
            return (String(word), categoryWords[key])
        }
    }

    // MARK: - Disability degree

    /// 轻度/中度/重度 (also 半失能, 完全失能 and the English codes); "无" means none.
    static func disabilityDegree(_ raw: String) -> DisabilityDegree?? {
        switch halfWidth(raw).filter({ !$0.isWhitespace }).lowercased() {
        case "轻度", "轻度失能", "半失能", "mild": .some(.mild)
        case "中度", "中度失能", "moderate": .some(.moderate)
        case "重度", "重度失能", "完全失能", "severe": .some(.severe)
        case "无", "否", "none": .some(nil)
        default: nil
        }
    }
}
