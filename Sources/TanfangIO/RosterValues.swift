import Foundation
import TanfangCore

/// The harmless normalizations of roster cells, each returning a value or the reason it was refused.
public enum RosterValues {
    // MARK: - Text

    /// Full-width ASCII (U+FF01–FF5E) to ASCII and the ideographic space to a space.
    static func halfWidth(_ text: String) -> String {
        // Most cells have nothing to convert: skip building a copy.
        guard text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) || $0.value == 0x3000 }) else {
            return text
        }
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
        let t = trimmed(raw)
        return t.isEmpty ? nil : t
    }

    static func trimmed(_ raw: String) -> String { TextTrimming.trimmed(raw) }

    /// The 56 nationalities by their full names (GB 3304).
    static let ethnicities: Set<String> = Set("""
        汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族
        傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族
        仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族
        鄂伦春族 赫哲族 门巴族 珞巴族 基诺族
        """.split(whereSeparator: \.isWhitespace).map(String.init))

    /// 民族 as the full name: 汉 and 汉族 are one (a later file writing the other was a conflict).
    static func ethnicity(_ raw: String) -> String? {
        guard let t = text(raw) else { return nil }
        return !t.hasSuffix("族") && ethnicities.contains(t + "族") ? t + "族" : t
    }

    static func isWhitespaceOrNewline(_ s: Unicode.Scalar) -> Bool { TextTrimming.isWhitespaceOrNewline(s) }

    /// Membership in `CharacterSet.whitespaces`: Unicode Zs and tab.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s.value != 0x0A && s.value != 0x0B && s.value != 0x0C && s.value != 0x0D && s.value != 0x85
            && s.value != 0x2028 && s.value != 0x2029 && isWhitespaceOrNewline(s)
    }

    /// Without any whitespace character.
    static func withoutWhitespace(_ text: String) -> String {
        // Checked by scalar (ID numbers and phones are ASCII), copied by Character only when needed.
        text.unicodeScalars.contains(where: { $0.value < 0x80 ? $0 == " " || (0x09...0x0D).contains($0.value) : $0.properties.isWhitespace })
            ? text.filter { !$0.isWhitespace } : text
    }

    /// Trimmed of `CharacterSet.whitespaces` only.
    static func trimmedOfSpaces(_ raw: String) -> String {
        let scalars = raw.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isWhitespace($0) })!
        if start == scalars.startIndex, scalars.index(after: end) == scalars.endIndex { return raw }
        return String(scalars[start...end])
    }

    /// A Unicode decimal digit, what `\d` matches in the regular expressions this replaced.
    static func isDecimalDigit(_ s: Unicode.Scalar) -> Bool {
        s.properties.generalCategory == .decimalNumber
    }

    /// A name: trimmed, runs of spaces collapsed, spaces removed between Han characters (names
    /// are often padded, "王  英"), and the dots of transliterated names unified to `·`.
    static let nameDots: Set<Character> = ["•", "・", "．", "‧", "･", "."]
    static let nameDotScalars: Set<UInt32> = [0x2022, 0x30FB, 0xFF0E, 0x2027, 0xFF65, 0x2E]

    static func name(_ raw: String) -> String? {
        // Most names have nothing to change: no space, dot or full-width letter.
        if !raw.unicodeScalars.contains(where: { s in
            // Han characters first: most of every name, and no property lookup.
            !(0x4E00...0x9FFF).contains(s.value)
                && (s.properties.isWhitespace || (0xFF01...0xFF5E).contains(s.value) || s.value == 0x3000
                    || nameDotScalars.contains(s.value))
        }) {
            return raw.isEmpty ? nil : raw
        }
        let dots = nameDots
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
        var t = withoutWhitespace(halfWidth(raw))
        if t.hasPrefix("'") { t.removeFirst() }
        return t
    }

    /// `IDNumber.parse(text, today:)`, answered without it for a well-formed 18-digit number (almost
    /// every row): that parse works on `Character`s and cost ~10 µs. Anything else goes to it.
    static func idNumber(_ text: String, today: LocalDate) -> Result<IDNumberInfo, IDNumberError> {
        var digits = [Int](repeating: 0, count: 18)
        var count = 0
        var checkIsX = false
        for b in text.utf8 {
            guard count < 18 else { return IDNumber.parse(text, today: today) }
            if b >= 0x30, b <= 0x39 {
                digits[count] = Int(b - 0x30)
            } else if b == UInt8(ascii: "X"), count == 17 {
                checkIsX = true
            } else {
                return IDNumber.parse(text, today: today)
            }
            count += 1
        }
        guard count == 18 else { return IDNumber.parse(text, today: today) }
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + digits[$1] } }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for i in 0..<17 { sum += digits[i] * weights[i] }
        let check = sum % 11  // index into "10X98765432"
        let expectsX = check == 2
        let expectedDigit = [1, 0, -1, 9, 8, 7, 6, 5, 4, 3, 2][check]
        guard let birth = LocalDate(year: number(6..<10), month: number(10..<12), day: number(12..<14)),
              birth >= IDNumber.earliestBirthDate, birth <= today,
              expectsX ? checkIsX : (!checkIsX && digits[17] == expectedDigit) else {
            return IDNumber.parse(text, today: today)
        }
        return .success(IDNumberInfo(normalized: text, birthDate: birth, gender: digits[16] % 2 == 1 ? .male : .female,
                                     addressCode: String(text.utf8.prefix(6).map { Character(UnicodeScalar($0)) }),
                                     convertedFrom15: false))
    }

    /// `1.10105194912310E+17`: an ID number that Excel turned into a number and cut to 15 digits.
    /// (`^\d(\.\d+)?[eE]\+?\d+$`, matched by hand: a regular expression per row was a large share
    /// of the parse.)
    static func looksLikeScientific(_ text: String) -> Bool {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else { return false }
        let s = Array(text.unicodeScalars)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < s.count, isDecimalDigit(s[i]) { i += 1 }
            return i - start
        }
        guard s.count >= 3, isDecimalDigit(s[0]) else { return false }
        i = 1
        if s[i] == "." {
            i += 1
            guard digits() > 0 else { return false }
        }
        guard i < s.count, s[i] == "e" || s[i] == "E" else { return false }
        i += 1
        if i < s.count, s[i] == "+" { i += 1 }
        return digits() > 0 && i == s.count
    }

    // MARK: - Gender

    /// 居住情况 as rosters write it: 独居, 与配偶同住 / 夫妻同住, 与子女同住, 其他.
    static func livingArrangement(_ raw: String) -> LivingArrangement? {
        let t = String(halfWidth(raw).filter { !$0.isWhitespace }).lowercased()
        switch t {
        case "独居", "独自居住", "一人居住", "alone", "livingalone": return .alone
        case "与配偶同住", "与配偶居住", "夫妻同住", "夫妻共同居住", "老两口", "与老伴同住", "withspouse": return .withSpouse
        case "与子女同住", "与子女居住", "子女同住", "和子女同住", "withchildren": return .withChildren
        case "与其他人同住", "与他人同住", "与亲属同住", "其他", "其它", "withothers": return .withOthers
        default: return nil
        }
    }

    /// A landline with its area code set apart (0999-4292917) as written, which the screens and the
    /// export keep; nil for anything else (stored as its digits).
    static func landlineAsWritten(_ raw: String, digits: String) -> String? {
        guard digits.hasPrefix("0"), raw.contains("-") || raw.contains("－") else { return nil }
        let t = String(halfWidth(raw).filter { !$0.isWhitespace })
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, (3...4).contains(parts[0].count), (7...8).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return t
    }

    /// 是/否 as a cell says it.
    static func yesNo(_ raw: String) -> Bool? {
        switch String(halfWidth(raw).filter { !$0.isWhitespace }).lowercased() {
        case "是", "√", "✓", "y", "yes", "1", "true": true
        case "否", "×", "n", "no", "0", "false": false
        default: nil
        }
    }

    /// The people of a 其他赡养人 / 其他紧急联系人 cell, `；`-separated, each `姓名（关系）电话 居住地`
    /// with all but the name optional; the failure names the entry that cannot be read.
    struct UnreadablePerson: Error {
        var entry: String
    }

    /// A 来源 cell: the lists named, apart by 、 ， , ； or spaces.
    static func sources(_ raw: String) -> [String] {
        raw.unicodeScalars.split { s in
            switch s { case "、", "，", ",", "；", ";", "/": true; default: s.properties.isWhitespace }
        }.map { String($0) }
    }

    /// Relations written without brackets ("王二 女儿 139…"), told from a residence by the word itself.
    static let relationWords: Set<String> = [
        "儿子", "女儿", "儿媳", "女婿", "长子", "次子", "三子", "长女", "次女", "三女", "养子", "养女", "继子", "继女",
        "孙子", "孙女", "外孙", "外孙女", "配偶", "妻子", "丈夫", "老伴", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹",
        "侄子", "侄女", "外甥", "外甥女", "儿", "女", "邻居", "朋友", "亲戚", "村干部", "网格员",
    ]

    /// The first characters of the relation words of two or more characters.
    static let relationStarts = Set(relationWords.filter { $0.count >= 2 }.compactMap(\.first))

    static func people(_ raw: String) -> Result<[RosterPerson], UnreadablePerson> {
        var out: [RosterPerson] = []
        // People apart by ；, and by ， 、 / or , as hands often write them (a residence has none of
        // them), or by line breaks. Split by scalar: by Character, a long cell cost more than the rest of its row.
        for scalars in raw.unicodeScalars.split(whereSeparator: { s in
            switch s { case "；", ";", "，", ",", "、", "/", "／", "\n", "\r": true; default: false }
        }) {
            let entry = String(scalars)
            let unreadable = Result<[RosterPerson], UnreadablePerson>.failure(UnreadablePerson(entry: entry))
            var rest = Substring(trimmed(entry))
            guard !rest.isEmpty else { continue }
            let nameEnd = rest.firstIndex { $0 == "（" || $0 == "(" || $0.isWhitespace || ($0.isASCII && $0.isNumber) } ?? rest.endIndex
            guard var name = name(String(rest[..<nameEnd])) else { return unreadable }
            rest = rest[nameEnd...].drop { $0.isWhitespace }
            var relation = ""
            // "邻居张三 137…", "儿子王二": the relation written before the name (a word of two or more
            // characters, which no name begins with).
            if name.count >= 4, let first = name.first, relationStarts.contains(first),
               let word = relationWords.filter({ $0.count >= 2 && name.hasPrefix($0) && name.count >= $0.count + 2 })
                .max(by: { $0.count < $1.count }) {
                relation = word
                name = String(name.dropFirst(word.count))
            }
            if let open = rest.first, open == "（" || open == "(" {
                guard let close = rest.firstIndex(where: { $0 == "）" || $0 == ")" }) else { return unreadable }
                relation = trimmed(String(rest[rest.index(after: rest.startIndex)..<close]))
                rest = rest[rest.index(after: close)...].drop { $0.isWhitespace }
            } else if relation.isEmpty {
                let wordEnd = rest.firstIndex { $0.isWhitespace || ($0.isASCII && $0.isNumber) } ?? rest.endIndex
                if relationWords.contains(String(rest[..<wordEnd])) {
                    relation = String(rest[..<wordEnd])
                    rest = rest[wordEnd...].drop { $0.isWhitespace }
                }
            }
            // "电话：139…" as forms print it.
            if let first = rest.unicodeScalars.first, ["联", "电", "手", "t", "T"].contains(first) {
                for label in ["联系电话", "电话", "手机", "tel", "Tel", "TEL"] where rest.hasPrefix(label) {
                    let after = rest.dropFirst(label.count)
                    if let colon = after.first, colon == "：" || colon == ":" {
                        rest = after.dropFirst().drop { $0.isWhitespace }
                    } else if after.first?.isASCII == true && after.first?.isNumber == true {
                        rest = after
                    }
                    break
                }
            }
            var phone: String?
            let phoneEnd = rest.firstIndex { !($0.isASCII && ($0.isNumber || $0 == "-")) && $0 != "+" } ?? rest.endIndex
            if phoneEnd > rest.startIndex {
                let written = String(rest[..<phoneEnd])
                guard case .success(let digits) = self.phone(written) else { return unreadable }
                phone = landlineAsWritten(written, digits: digits) ?? digits
                rest = rest[phoneEnd...]
            } else if let first = rest.first, first.isASCII, first.isLetter {
                // Letters where the phone goes ("abc 伊宁市"): a phone mistyped, not a residence.
                return unreadable
            }
            let residence = trimmed(String(rest))
            // What is left holding a phone number or a relation in brackets is another person or a phone
            // in the wrong place, not a residence (外省（甘肃省） is one): said, never stored as one.
            // (Checked only when it holds a digit or a bracket: most residences are a few Han characters.)
            let digits = residence.utf8.contains { $0 >= 0x30 && $0 <= 0x39 }
            let brackets = residence.contains("（") || residence.contains("(")
            if (digits && residence.unicodeScalars.split(whereSeparator: { !("0"..."9").contains($0) }).contains(where: { $0.count >= 7 }))
                || (brackets && residence.split(whereSeparator: { $0 == "（" || $0 == "(" }).dropFirst().contains(where: { part in
                    relationWords.contains(String(part.prefix { $0 != "）" && $0 != ")" }))
                })) {
                return unreadable
            }
            out.append(RosterPerson(name: name, relation: relation, phone: phone, residence: residence.isEmpty ? nil : residence))
        }
        return .success(out)
    }

    /// 状态 as rosters and our export (in either language) write it.
    static func status(_ raw: String) -> ElderStatus? {
        switch String(halfWidth(raw).filter { !$0.isWhitespace }).lowercased() {
        case "在册", "正常", "健在", "在世", "active": .active
        case "住院", "住院中", "hospitalized": .hospitalized
        case "入住养老机构", "养老机构", "敬老院", "养老院", "集中供养", "inaninstitution", "institution": .institution
        case "迁出", "外迁", "已迁出", "movedaway": .movedAway
        case "死亡", "已故", "去世", "已去世", "亡故", "已死亡", "deceased": .deceased
        default: nil
        }
    }

    static func gender(_ raw: String) -> Gender? {
        switch trimmedOfSpaces(halfWidth(raw)).lowercased() {
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
        if let day = isoDay(raw) { return day }
        var t = trimmedOfSpaces(halfWidth(raw))
        if let cut = zeroTimeSuffixStart(t) { t = String(t.unicodeScalars[..<cut]) }
        if t.contains(where: \.isWhitespace) { t = t.filter { !$0.isWhitespace } }
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
        if isSerialWithFraction(t), let v = Double(t), v.truncatingRemainder(dividingBy: 1) == 0 {
            return ExcelDate.date(serial: Int(v)).map(ParsedDate.day)
        }

        // 年 月 / . separate, 日 号 end: one pass instead of six replacements.
        var unified = String.UnicodeScalarView()
        for s in t.unicodeScalars {
            switch s {
            case "年", "月", "/", ".": unified.append("-")
            case "日", "号": break
            default: unified.append(s)
            }
        }
        var text = String(unified)
        if text.hasSuffix("-") { text.removeLast() }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 4,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.dropFirst().allSatisfy({ $0.count <= 2 }) else { return nil }
        let numbers = parts.map { Int($0)! }
        if numbers.count == 2 {
            return LocalDate(year: numbers[0], month: numbers[1], day: 1).map(ParsedDate.month)
        }
        return LocalDate(year: numbers[0], month: numbers[1], day: numbers[2]).map(ParsedDate.day)
    }

    /// `1950-03-06` exactly, as exports and most spreadsheets write dates, read from its bytes;
    /// nil for any other text (which `date` reads the long way).
    static func isoDay(_ raw: String) -> ParsedDate? {
        var raw = raw
        return raw.withUTF8 { b -> ParsedDate? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            var n = [0, 0, 0]
            for (part, range) in [0..<4, 5..<7, 8..<10].enumerated() {
                for i in range {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
                    n[part] = n[part] * 10 + Int(b[i] - UInt8(ascii: "0"))
                }
            }
            return LocalDate(year: n[0], month: n[1], day: n[2]).map(ParsedDate.day)
        }
    }

    /// Where a zero time at the end starts (`[ T]0?0:00(:00(\.0+)?)?$`, matched by hand). The
    /// time holds no space or `T`, so only the last space or `T` can start it.
    static func zeroTimeSuffixStart(_ t: String) -> String.UnicodeScalarView.Index? {
        let scalars = t.unicodeScalars
        guard let start = scalars.lastIndex(where: { $0 == " " || $0 == "T" }) else { return nil }
        var rest = scalars[scalars.index(after: start)...]
        if rest.starts(with: "00:00".unicodeScalars) { rest = rest.dropFirst(5) }
        else if rest.starts(with: "0:00".unicodeScalars) { rest = rest.dropFirst(4) }
        else { return nil }
        if rest.isEmpty { return start }
        guard rest.starts(with: ":00".unicodeScalars) else { return nil }
        rest = rest.dropFirst(3)
        if rest.isEmpty { return start }
        guard rest.first == ".", rest.count >= 2, rest.dropFirst().allSatisfy({ $0 == "0" }) else { return nil }
        return start
    }

    /// `^\d{1,5}\.\d+$`, matched by hand.
    static func isSerialWithFraction(_ t: String) -> Bool {
        let scalars = t.unicodeScalars
        guard let dot = scalars.firstIndex(of: ".") else { return false }
        let whole = scalars[..<dot], fraction = scalars[scalars.index(after: dot)...]
        return (1...5).contains(whole.count) && whole.allSatisfy(isDecimalDigit)
            && !fraction.isEmpty && fraction.allSatisfy(isDecimalDigit)
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
    static let phoneFillers: Set<Character> = ["-", "—", "–", "(", ")"]
    static let phoneSeparators: Set<Character> = ["/", "、", ",", ";", "|"]

    static func phone(_ raw: String) -> Result<String, PhoneProblem> {
        // Plain digits (most cells) need no cleaning; "0086…" still goes the long way.
        if !raw.isEmpty, raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !raw.hasPrefix("0086") {
            let n = raw.utf8.count
            return PhoneRule.isPlausible(first: raw.utf8.first!, count: n) ? .success(raw) : .failure(.length(n))
        }
        let t = halfWidth(raw).filter { !$0.isWhitespace && !phoneFillers.contains($0) }
        if t.contains(where: { phoneSeparators.contains($0) }) { return .failure(.multiple) }
        var digits = Substring(t)
        // "电话：139…" as forms print it (the colon half-width by now).
        for label in ["联系电话:", "电话:", "手机:", "tel:", "Tel:", "TEL:"] where digits.hasPrefix(label) {
            digits = digits.dropFirst(label.count)
            break
        }
        if digits.hasPrefix("+86") { digits = digits.dropFirst(3) }
        else if digits.hasPrefix("0086") { digits = digits.dropFirst(4) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.characters) }
        let n = digits.count
        return PhoneRule.isPlausible(first: digits.utf8.first!, count: n) ? .success(String(digits)) : .failure(.length(n))
    }

    /// A phone as the roster import reads it (mobile, landline, +86), its digits; nil when it is not one.
    public static func checkedPhone(_ raw: String) -> String? {
        try? phone(raw).get()
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
            // As the visit sheet and older rosters write them.
            "五保户": .category(.destitute, nil),
            "五保供养": .category(.destitute, nil),
            "特困供养": .category(.destitute, nil),
            "集中供养特困": .category(.destitute, nil),
            "农村特困": .category(.destitute, nil),
            "城市特困": .category(.destitute, nil),
            "重度残疾人": .category(.severelyDisabled, nil),
            "高龄": .advancedAge,
            "advancedage": .advancedAge,
        ]
        // Our own exports write the English codes.
        for c in TanfangCore.Category.allCases { table[c.rawValue.lowercased()] = .category(c, nil) }
        return table
    }()

    static let categorySeparators: Set<Unicode.Scalar> = ["、", ",", "，", ";", "；", "/", "|"]

    /// Splits a category cell into words; each maps to a meaning or is unknown (nil).
    static func categoryWords(_ raw: String) -> [(word: String, meaning: CategoryWord?)] {
        let words = raw.unicodeScalars.split { categorySeparators.contains($0) || $0.properties.isWhitespace }
            .map { String($0) }
        return words.map { word in
            var key = halfWidth(String(word)).lowercased()
            // "独居老人", "特困人员" and "失独家庭" name the same categories.
            for suffix in ["老年人", "老人", "人员", "家庭"] where key.hasSuffix(suffix) && key.count > suffix.count {
                let stem = String(key.dropLast(suffix.count))
                if categoryWords[key] == nil, categoryWords[stem] != nil { key = stem }
            }
            return (word, categoryWords[key])
        }
    }

    /// Categories named as rosters name them (独居, 分散供养特困, 计划生育特殊家庭…), for a command line:
    /// those understood, and the words that are not (高龄 among them: it is not a category).
    public static func categories(_ text: String) -> (categories: Set<TanfangCore.Category>, unknown: [String]) {
        var found: Set<TanfangCore.Category> = []
        var unknown: [String] = []
        for (word, meaning) in categoryWords(text) {
            if case .category(let c, _)? = meaning { found.insert(c) } else { unknown.append(word) }
        }
        return (found, unknown)
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
