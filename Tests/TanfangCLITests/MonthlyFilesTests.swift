import Foundation
import Testing
import TanfangCore
import TanfangStore
import TanfangIO
@testable import tanfang

@Suite struct MonthlyFilesTests {
    @Test func theRunningMonthsWorkbookSaysTheMonthIsNotOver() throws {
        // Given a small demo ledger on 2026-11-23
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let ledger = try Ledger.inMemory(rules: try RuleBook.load(resources: ResourceLocator.sourceCheckout))
        try ledger.importDemo(DemoGenerator(seed: 5).generate(elders: 40, months: 2, today: today), today: today)
        let strings = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        func villageSheet(_ month: YearMonth) throws -> [[XLSXCell]] {
            try MonthlyFiles.sheets(try ledger.monthlyReport(month: month), ledger: ledger, strings: strings, today: today)[0].rows
        }
        // Then November's village sheet ends with the note, as the table and F5 say it
        let november = try villageSheet(today.yearMonth)
        #expect(november.last == [.string("本月尚未结束：截至 2026-11-23，未探访的还可以补上")])
        // And October's, a month that has ended, ends with its total
        let october = try villageSheet(YearMonth(year: 2026, month: 10)!)
        #expect(october.last?.count == 6)
    }
}
