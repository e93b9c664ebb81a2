import Foundation
import Testing
@testable import TanfangCore

@Suite struct LocalDateTests {
    @Test func aMonthAndDayIsTheNearestSuchDate() {
        let d = { (y: Int, m: Int, day: Int) in LocalDate(year: y, month: m, day: day)! }
        // A December sheet typed in January is last year's; a plan for January made in December next year's
        #expect(LocalDate.nearest(month: 12, day: 28, to: d(2027, 1, 4)) == d(2026, 12, 28))
        #expect(LocalDate.nearest(month: 1, day: 5, to: d(2026, 12, 7)) == d(2027, 1, 5))
        #expect(LocalDate.nearest(month: 11, day: 20, to: d(2026, 12, 7)) == d(2026, 11, 20))
        // 29 February: the nearest leap year's only within half a year, else none this year
        #expect(LocalDate.nearest(month: 2, day: 29, to: d(2027, 12, 20)) == d(2028, 2, 29))
        #expect(LocalDate.nearest(month: 2, day: 29, to: d(2026, 12, 7)) == nil)
        #expect(LocalDate.nearest(month: 13, day: 1, to: d(2026, 12, 7)) == nil)
    }

    @Test func leapYears() {
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2023, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
    }

    @Test func dayNumberRoundTrips() {
        #expect(LocalDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        for n in stride(from: -40_000, to: 40_000, by: 37) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
        #expect(LocalDate(year: 2024, month: 2, day: 28)!.adding(days: 1) == LocalDate(year: 2024, month: 2, day: 29))
        #expect(LocalDate(year: 2023, month: 12, day: 31)!.adding(days: 1) == LocalDate(year: 2024, month: 1, day: 1))
    }

    @Test func monthArithmetic() {
        let jan = YearMonth(year: 2026, month: 1)!
        #expect(jan.adding(months: -1) == YearMonth(year: 2025, month: 12))
        #expect(jan.adding(months: 13) == YearMonth(year: 2027, month: 2))
        #expect(YearMonth(year: 2024, month: 2)!.lastDay == LocalDate(year: 2024, month: 2, day: 29))
        #expect(YearMonth(year: 2026, month: 2)!.lastDay.day == 28)
    }

    @Test func ageAndWeekday() {
        let born = LocalDate(year: 1946, month: 11, day: 24)!
        #expect(born.age(on: LocalDate(year: 2026, month: 11, day: 23)!) == 79)
        #expect(born.age(on: LocalDate(year: 2026, month: 11, day: 24)!) == 80)
        #expect(LocalDate(year: 2026, month: 11, day: 23)!.weekday == 1)  // a Monday
    }

    @Test func parsing() {
        #expect(LocalDate("2026-11-23") == LocalDate(year: 2026, month: 11, day: 23))
        #expect(LocalDate("20261123") == LocalDate(year: 2026, month: 11, day: 23))
        #expect(LocalDate("1950/3/6") == LocalDate(year: 1950, month: 3, day: 6))
        #expect(LocalDate("2026-02-30") == nil)
        #expect(LocalDateTime("2026-11-23 23:30")?.date == LocalDate(year: 2026, month: 11, day: 23))
        #expect(LocalDateTime("2026-11-23 24:00") == nil)
    }

    @Test("Dates print as String(format:) printed them (the formatter was replaced for speed)")
    func textMatchesFormat() throws {
        for n in stride(from: LocalDate(year: 1, month: 1, day: 1)!.dayNumber, through: LocalDate(year: 9999, month: 12, day: 31)!.dayNumber, by: 97) {
            let d = LocalDate(dayNumber: n)
            #expect(d.description == String(format: "%04d-%02d-%02d", d.year, d.month, d.day))
            #expect(d.compact == String(format: "%04d%02d%02d", d.year, d.month, d.day))
            #expect(YearMonth(year: d.year, month: d.month)!.description == String(format: "%04d-%02d", d.year, d.month))
        }
        let t = try #require(LocalDateTime("2026-01-05 07:09"))
        #expect(t.description == "2026-01-05 07:09")
        for value in [-12, -1, 0, 7, 42, 123, 12345] {
            #expect(LocalDate.zeroPadded(value, 4) == String(format: "%04d", value))
        }
    }
}
