import Foundation
import Testing
import TanfangCore
@testable import TanfangIO

/// The regular expressions and Foundation calls that the parser's hand-written matchers replaced,
/// kept here as the reference the new code must agree with.
private enum Reference {
    static func name(_ raw: String) -> String? {
        let dots: Set<Character> = ["•", "・", "．", "‧", "･", "."]
        let unified = String(raw.map { dots.contains($0) ? "·" : $0 })
        let words = RosterValues.halfWidth(unified).split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return nil }
        if words.allSatisfy({ $0.unicodeScalars.allSatisfy(RosterValues.isHanOrDot) }) { return words.joined() }
        return words.joined(separator: " ")
    }

    static func phone(_ raw: String) -> Result<String, RosterValues.PhoneProblem> {
        let t = RosterValues.halfWidth(raw).filter { !$0.isWhitespace && !"-—–()".contains($0) }
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

    static func looksLikeScientific(_ text: String) -> Bool {
        text.range(of: #"^\d(\.\d+)?[eE]\+?\d+$"#, options: .regularExpression) != nil
    }

    static func date(_ raw: String) -> RosterValues.ParsedDate? {
        var t = RosterValues.halfWidth(raw).trimmingCharacters(in: .whitespaces)
        if let r = t.range(of: #"[ T]0?0:00(:00(\.0+)?)?$"#, options: .regularExpression) {
            t = String(t[..<r.lowerBound])
        }
        t = t.filter { !$0.isWhitespace }
        guard !t.isEmpty else { return nil }
        if t.allSatisfy({ $0.isASCII && $0.isNumber }) {
            switch t.count {
            case 8:
                let v = Int(t)!
                return LocalDate(year: v / 10000, month: v / 100 % 100, day: v % 100).map(RosterValues.ParsedDate.day)
            case 6:
                let v = Int(t)!
                return LocalDate(year: v / 100, month: v % 100, day: 1).map(RosterValues.ParsedDate.month)
            case 4 where (1800...2199).contains(Int(t)!):
                return nil
            case 1...5:
                return ExcelDate.date(serial: Int(t)!).map(RosterValues.ParsedDate.day)
            default:
                return nil
            }
        }
        if t.range(of: #"^\d{1,5}\.\d+$"#, options: .regularExpression) != nil,
           let v = Double(t), v.truncatingRemainder(dividingBy: 1) == 0 {
            return ExcelDate.date(serial: Int(v)).map(RosterValues.ParsedDate.day)
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
            return LocalDate(year: numbers[0], month: numbers[1], day: 1).map(RosterValues.ParsedDate.month)
        }
        return LocalDate(year: numbers[0], month: numbers[1], day: numbers[2]).map(RosterValues.ParsedDate.day)
    }
}

@Suite struct RosterValuesEquivalenceTests {
    static let dates = [
        "1950/3/6", "1950-03-06", "1950年3月6日", "1950年3月6号", "1950.3.6", "19500306", "1950.3", "1950年3月", "195003",
        "18328", "18328.0", "18328.5", "1950-03-06 00:00:00", "1950-03-06T00:00", "1950-03-06 0:00", "1950-03-06 00:00:00.000",
        "1950-03-06 00:00:00.", "1950-03-06 12:00", "1950-03-06  00:00", "1950-3-6 T0:00", "１９５０－０３－０６", "1950",
        "２０２６年１１月", " 1950-03-06 ", "1950-13-01", "1950-02-30", "abc", "", "  ", "1950-03-06\t00:00", "T00:00",
        "1950-03-06 00:00:00.0 ", "٣١٢٣.٥", "123456.0", "1.0", "1950--3", "1950-03-", "1950/03/06/", "1950 03 06",
    ]

    @Test("Dates parse as the regular-expression version parsed them")
    func dates() {
        for text in Self.dates {
            #expect(RosterValues.date(text) == Reference.date(text), "\(text)")
        }
    }

    @Test("Scientific notation is recognised as the regular expression recognised it")
    func scientific() {
        let inputs = ["1.10105194912310E+17", "1.1E17", "1e5", "1E+5", "11E5", "1.E5", "1.1e", "e5", "1.1E+", "1.1E+1a",
                      "110105194912310", "11010519491231001X", "٣.١E+١٧", "1.1E+17 ", "", "1", "1.1", "E", "1e+-5"]
        for text in inputs {
            #expect(RosterValues.looksLikeScientific(text) == Reference.looksLikeScientific(text), "\(text)")
        }
    }

    @Test("Trimming removes what Foundation's whitespace sets remove")
    func trimming() {
        let spaces = ["\t", "\n", "\r", "\u{0B}", "\u{0C}", " ", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2007}",
                      "\u{200A}", "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}", "\u{180E}"]
        for s in spaces {
            for text in ["\(s)王\(s)", "\(s)\(s)a b\(s)", "\(s)", "x\(s)", "\(s)\u{301}"] {
                #expect(RosterValues.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines),
                        "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
                #expect(RosterValues.trimmedOfSpaces(text) == text.trimmingCharacters(in: .whitespaces),
                        "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("Names and phones normalize as before the fast paths")
    func namesAndPhones() {
        let names = ["王秀英", "王  英", " 王 秀英 ", "阿依古丽•买买提", "阿依古丽.买买提", "Anna  Li", "ＡＢＣ", "王\u{3000}英",
                     "艾尔肯·吐尔逊", "", "  ", "李\t四", "O'Brien", "王.\u{301}英", "𠀀王", "x"]
        for n in names { #expect(RosterValues.name(n) == Reference.name(n), "\(n)") }
        let phones = ["13912345678", "1391234567", "0999-4616246", "09994616246", "4616246", "46162467", "461624",
                      "008613912345678", "+8613912345678", "139 1234 5678", "１３９１２３４５６７８", "139/138", "0", "",
                      "012345678901", "0123456789012", "(0991)1234567", "13912345678a"]
        for p in phones { #expect(RosterValues.phone(p) == Reference.phone(p), "\(p)") }
    }

    @Test("ID numbers check as IDNumber.parse checks them")
    func idNumbers() {
        // Given valid numbers and every one-character change of them, 15-digit and odd forms
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        var inputs = ["110105194912310021", "11010519491231002X", "11010519491231002x", "110105491231002",
                      "110105194902300021", "110105203001010021", "110105187912310021", "11010519491231002", "",
                      "1101051949123100211", "１１０１０５１９４９１２３１００２X", "65402119370814911９"]
        for sequence in ["001", "002", "123", "999"] {
            let first17 = "65402119370814" + sequence
            let valid = first17 + String(IDNumber.checkCharacter(for: first17))
            inputs.append(valid)
            for i in 0..<18 {
                for c in ["0", "5", "9", "X", "a"] {
                    var chars = Array(valid)
                    chars[i] = Character(c)
                    inputs.append(String(chars))
                }
            }
        }
        for text in inputs {
            #expect(RosterValues.idNumber(text, today: today) == IDNumber.parse(text, today: today), "\(text)")
        }
    }

    @Test("Every BMP scalar is trimmed exactly when Foundation trims it")
    func trimmingEveryScalar() {
        for v in UInt32(0)..<0x10000 {
            guard let s = Unicode.Scalar(v) else { continue }
            let text = "\(s)x\(s)"
            #expect(RosterValues.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(v)")
            #expect(RosterValues.trimmedOfSpaces(text) == text.trimmingCharacters(in: .whitespaces), "\(v)")
        }
    }
}
