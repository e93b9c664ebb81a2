import Foundation

/// What a valid resident ID number (居民身份证号码, GB 11643-1999) tells about its holder.
public struct IDNumberInfo: Hashable, Sendable {
    /// The 18-character form: ASCII digits and an upper-case `X` check character.
    public let normalized: String
    public let birthDate: LocalDate
    public let gender: Gender
    /// The 6-digit administrative division code of the place of first registration.
    public let addressCode: String
    /// Whether the input was an old 15-digit number, converted to 18 characters.
    public let convertedFrom15: Bool

    public init(normalized: String, birthDate: LocalDate, gender: Gender, addressCode: String, convertedFrom15: Bool) {
        self.normalized = normalized
        self.birthDate = birthDate
        self.gender = gender
        self.addressCode = addressCode
        self.convertedFrom15 = convertedFrom15
    }
}

/// Why an ID number was refused. Never carries the number itself (privacy).
public enum IDNumberError: Error, Hashable, Sendable {
    case empty
    /// The length after normalization (only 15 and 18 are valid).
    case length(Int)
    /// A character other than digits (and a final `X` on 18-character numbers).
    case characters
    /// The birth date part is not a real date, before 1880 or in the future.
    case birthDate
    /// The check character does not match the first 17 digits.
    case checkCharacter

    /// The string-catalog key describing the error.
    public var messageKey: String {
        switch self {
        case .empty: "id.error.empty"
        case .length: "id.error.length"
        case .characters: "id.error.characters"
        case .birthDate: "id.error.birthDate"
        case .checkCharacter: "id.error.checkCharacter"
        }
    }

    /// The `{0}`… arguments for `messageKey`.
    public var args: [String] {
        if case .length(let n) = self { return [String(n)] }
        return []
    }
}

/// Parsing and checking resident ID numbers (DOMAIN.md §1).
public enum IDNumber {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = Array("10X98765432")
    /// The earliest birth date accepted; older dates are typing errors.
    public static let earliestBirthDate = LocalDate(year: 1880, month: 1, day: 1)!

    /// Trims whitespace (including U+3000 and tabs), turns full-width digits into ASCII and
    /// `x`, `ｘ`, `Ｘ` into `X`, as found in real spreadsheets. Does not validate.
    public static func normalize(_ raw: String) -> String {
        // Already normalized (ASCII digits and `X`, as stored): nothing to trim or convert. The red-flag
        // columns and the import normalize every stored number several times.
        if !raw.isEmpty, raw.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "X") }) { return raw }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var out = String.UnicodeScalarView()
        for scalar in trimmed.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x78, 0xFF58, 0xFF38: out.append("X")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Normalizes and checks `raw`; 15-digit numbers are converted to 18 characters.
    /// - Parameter today: when given, a birth date after it is refused.
    public static func parse(_ raw: String, today: LocalDate? = nil) -> Result<IDNumberInfo, IDNumberError> {
        if let result = parseCanonical(raw, today: today) { return result }
        return parseGeneral(raw, today: today)
    }

    /// `parseGeneral` for the form almost every stored or imported number has, 17 ASCII digits and
    /// a digit or `X`, on bytes: the general path works on `Character`s (~10 µs a number). Nil for
    /// any other text. Checks in the same order, so it gives the same result (tests compare them).
    static func parseCanonical(_ raw: String, today: LocalDate?) -> Result<IDNumberInfo, IDNumberError>? {
        var d = [Int](repeating: 0, count: 17)
        var last: UInt8 = 0
        var count = 0
        for b in raw.utf8 {
            guard count < 18 else { return nil }
            if count == 17 {
                guard (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "X") else { return nil }
                last = b
            } else {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                d[count] = Int(b - 0x30)
            }
            count += 1
        }
        guard count == 18 else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + d[$1] } }
        guard let birth = LocalDate(year: number(6..<10), month: number(10..<12), day: number(12..<14)),
              birth >= earliestBirthDate, today.map({ birth <= $0 }) ?? true else {
            return .failure(.birthDate)
        }
        var sum = 0
        for i in 0..<17 { sum += d[i] * weights[i] }
        guard last == checkBytes[sum % 11] else { return .failure(.checkCharacter) }
        return .success(IDNumberInfo(normalized: raw, birthDate: birth, gender: d[16] % 2 == 1 ? .male : .female,
                                     addressCode: String(decoding: raw.utf8.prefix(6), as: UTF8.self),
                                     convertedFrom15: false))
    }

    private static let checkBytes: [UInt8] = Array("10X98765432".utf8)

    /// The general parse: normalization, 15-digit conversion and every check, on characters.
    static func parseGeneral(_ raw: String, today: LocalDate? = nil) -> Result<IDNumberInfo, IDNumberError> {
        let text = normalize(raw)
        let chars = Array(text)
        if chars.isEmpty { return .failure(.empty) }
        guard chars.count == 15 || chars.count == 18 else { return .failure(.length(chars.count)) }
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }

        let first17: String
        let converted: Bool
        if chars.count == 18 {
            guard chars[..<17].allSatisfy(isDigit), isDigit(chars[17]) || chars[17] == "X" else {
                return .failure(.characters)
            }
            first17 = String(chars[..<17])
            converted = false
        } else {
            guard chars.allSatisfy(isDigit) else { return .failure(.characters) }
            // Old numbers carry a 2-digit year; they were issued to people born in the 1900s.
            first17 = String(chars[..<6]) + "19" + String(chars[6...])
            converted = true
        }

        let digits = first17.compactMap(\.wholeNumberValue)
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + digits[$1] } }
        guard let birth = LocalDate(year: number(6..<10), month: number(10..<12), day: number(12..<14)),
              birth >= earliestBirthDate, today.map({ birth <= $0 }) ?? true else {
            return .failure(.birthDate)
        }

        let check = checkCharacter(for: first17)
        if !converted, chars[17] != check { return .failure(.checkCharacter) }

        return .success(IDNumberInfo(
            normalized: first17 + String(check),
            birthDate: birth,
            gender: digits[16] % 2 == 1 ? .male : .female,
            addressCode: String(first17.prefix(6)),
            convertedFrom15: converted))
    }

    /// The check character for the first 17 digits (ISO 7064 MOD 11-2).
    /// - Precondition: `first17` is 17 ASCII digits.
    public static func checkCharacter(for first17: String) -> Character {
        let digits = first17.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        precondition(digits.count == 17 && first17.count == 17, "checkCharacter needs 17 ASCII digits")
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }
}
