import Foundation
import TanfangCore

/// Excel's serial day numbers.
///
/// In the 1900 date system serial 1 is 1900-01-01 and serial 60 is the non-existent 1900-02-29
/// (Lotus 1-2-3's leap-year bug, kept by Excel), so from serial 61 on the count is one day ahead.
/// In the 1904 system (old Mac workbooks) serial 0 is 1904-01-01.
public enum ExcelDate {
    static let base1900 = LocalDate(year: 1899, month: 12, day: 31)!.dayNumber
    static let base1904 = LocalDate(year: 1904, month: 1, day: 1)!.dayNumber

    /// The date of a whole serial number; nil for serial 60 (1900-02-29) and values before day 1.
    public static func date(serial: Int, date1904: Bool = false) -> LocalDate? {
        if date1904 { return serial >= 0 ? LocalDate(dayNumber: base1904 + serial) : nil }
        switch serial {
        case ..<1, 60: return nil
        case 1..<60: return LocalDate(dayNumber: base1900 + serial)
        default: return LocalDate(dayNumber: base1900 + serial - 1)
        }
    }

    /// The 1900-system serial of `date`; nil before 1900-01-01, which Excel cannot store as a date.
    public static func serial(of date: LocalDate) -> Int? {
        let days = date.dayNumber - base1900
        switch days {
        case ..<1: return nil
        case 1..<60: return days
        default: return days + 1
        }
    }
}
