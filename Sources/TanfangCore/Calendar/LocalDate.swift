import Foundation

/// A calendar date in the village's local time, with no time zone attached.
///
/// Visits, due dates and status changes are local calendar facts: a visit typed as 23:30
/// belongs to that day wherever the ledger is later opened. Arithmetic goes through a day
/// number (days since 1970-01-01, proleptic Gregorian), so leap years and month ends are exact.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil for an impossible date such as 2023-02-29.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01.
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y
        self.month = m
        self.day = d
    }

    /// Parses `YYYY-MM-DD`, `YYYYMMDD`, `YYYY/M/D` and `YYYY.M.D`.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        if digits, t.count == 8, let v = Int(t) {
            self.init(year: v / 10000, month: v / 100 % 100, day: v % 100)
            return
        }
        let parts = t.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              parts[0].count == 4 else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// The date with this month and day nearest to `today`, in its year or the one before or
    /// after: a month and day typed without a year (`1228`) in early January is last December's,
    /// a next visit `0105` planned in December is next January's. Another year only within half a
    /// year (29 February is no reason to go four years away); nil when no such date exists.
    public static func nearest(month: Int, day: Int, to today: LocalDate) -> LocalDate? {
        let thisYear = LocalDate(year: today.year, month: month, day: day)
        let near = [today.year, today.year - 1, today.year + 1]
            .compactMap { LocalDate(year: $0, month: month, day: day) }
            .filter { abs(today.days(to: $0)) <= 183 }
            .min { abs(today.days(to: $0)) < abs(today.days(to: $1)) }
        return near ?? thisYear
    }

    public var yearMonth: YearMonth { YearMonth(year: year, month: month)! }

    /// Age in completed years on `date` (a birthday on 29 February counts from 1 March in common years).
    public func age(on date: LocalDate) -> Int {
        var age = date.year - year
        if (date.month, date.day) < (month, day) { age -= 1 }
        return max(age, 0)
    }

    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let w = (dayNumber + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public var description: String {
        // Written digit by digit into the string's own storage (`init?` keeps year 1…9999): dates
        // are written for every stored row and most red flags, and a 10-byte string needs no allocation.
        String(unsafeUninitializedCapacity: 10) { b in
            let zero = UInt8(ascii: "0"), dash = UInt8(ascii: "-")
            b[0] = zero + UInt8(year / 1000 % 10); b[1] = zero + UInt8(year / 100 % 10)
            b[2] = zero + UInt8(year / 10 % 10); b[3] = zero + UInt8(year % 10)
            b[4] = dash; b[5] = zero + UInt8(month / 10); b[6] = zero + UInt8(month % 10)
            b[7] = dash; b[8] = zero + UInt8(day / 10); b[9] = zero + UInt8(day % 10)
            return 10
        }
    }

    /// The date as written on forms: `20261123`.
    public var compact: String {
        LocalDate.zeroPadded(year, 4) + LocalDate.zeroPadded(month, 2) + LocalDate.zeroPadded(day, 2)
    }

    /// What `%0Nd` prints, without Foundation's formatter, which took microseconds per date (a
    /// roster frame shows dozens of dates, and the ledger encodes them on every write).
    static func zeroPadded(_ value: Int, _ width: Int) -> String {
        guard value >= 0 else { return String(format: "%0\(width)d", value) }
        let digits = String(value)
        let count = digits.utf8.count
        return count >= width ? digits : String(repeating: "0", count: width - count) + digits
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A calendar month, the unit of the visit-rate target.
public struct YearMonth: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var lastDay: LocalDate {
        LocalDate(year: year, month: month, day: LocalDate.daysIn(year: year, month: month))!
    }
    public var dayCount: Int { LocalDate.daysIn(year: year, month: month) }

    public func adding(months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(year: index / 12, month: index % 12 + 1)!
    }

    public func contains(_ date: LocalDate) -> Bool { date.year == year && date.month == month }

    public var description: String { LocalDate.zeroPadded(year, 4) + "-" + LocalDate.zeroPadded(month, 2) }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ym = YearMonth(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a month: \(text)"))
        }
        self = ym
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A local date with hour and minute, as written on a visit sheet.
public struct LocalDateTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let date: LocalDate
    public let hour: Int
    public let minute: Int

    public init?(date: LocalDate, hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
    }

    /// Parses `YYYY-MM-DD HH:MM` (or a `T` separator); a bare date means 00:00.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard let first = parts.first, let date = LocalDate(String(first)) else { return nil }
        if parts.count == 1 { self.init(date: date, hour: 0, minute: 0); return }
        let hm = parts[1].split(separator: ":")
        guard parts.count == 2, hm.count >= 2, let h = Int(hm[0]), let m = Int(hm[1]) else { return nil }
        self.init(date: date, hour: h, minute: m)
    }

    public var description: String {
        date.description + " " + LocalDate.zeroPadded(hour, 2) + ":" + LocalDate.zeroPadded(minute, 2)
    }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        (a.date, a.hour, a.minute) < (b.date, b.hour, b.minute)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let v = LocalDateTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a date-time: \(text)"))
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
