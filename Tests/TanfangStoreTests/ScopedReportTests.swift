import Foundation
import Testing
import TanfangCore
@testable import TanfangStore

@Suite("Reports and red flags cut to the user's area")
struct ScopedReportTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    @Test func aClerkSeesOnlyTheirVillage() throws {
        // Given the demo ledger and the clerk of one village
        let data = DemoGenerator(seed: 7).generate(elders: 120, months: 3, today: Self.today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        try ledger.importDemo(data, today: Self.today)
        let clerk = try #require(try ledger.users().first { $0.role == .clerk })
        let scope = try ledger.scope(for: clerk)
        let village = clerk.areaID
        let now = LocalDateTime(date: Self.today, hour: 12, minute: 0)!

        // When the monthly report and the red flags are read for that scope
        let report = try ledger.monthlyReport(month: Self.today.yearMonth, scope: scope)
        let all = try ledger.monthlyReport(month: Self.today.yearMonth)
        let flags = try ledger.redFlags(today: Self.today, now: now, scope: scope)
        let allFlags = try ledger.redFlags(today: Self.today, now: now)

        // Then only that village is counted, with the same figures as in the county report
        #expect(report.villages.map(\.villageID) == [village])
        #expect(report.villages.first == all.villages.first { $0.villageID == village })
        #expect(report.total.denominator == report.villages[0].denominator)
        // And every flag concerns an elder of that village or the village itself
        let villageOf = Dictionary(data.elders.map { ($0.id, $0.villageID) }, uniquingKeysWith: { a, _ in a })
        #expect(!flags.isEmpty)
        #expect(flags.count < allFlags.count)
        for flag in flags {
            #expect(flag.elderID.flatMap { villageOf[$0] } ?? flag.villageID == village)
        }
    }
}

@Suite("Elder names for lists")
struct ElderNamesTests {
    @Test func namesAndVillagesOfTheAskedEldersOnly() throws {
        // Given a small demo ledger
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let data = DemoGenerator(seed: 3).generate(elders: 30, months: 1, today: today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        try ledger.importDemo(data, today: today)
        let asked = Array(data.elders.prefix(3))
        // When two are asked for by id, plus one unknown id
        let names = try ledger.elderNames(Set(asked.prefix(2).map(\.id) + [UUID()]))
        // Then exactly those two come back with their names and villages
        #expect(names.count == 2)
        for e in asked.prefix(2) {
            #expect(names[e.id]?.name == e.name)
            #expect(names[e.id]?.villageID == e.villageID)
        }
        #expect(try ledger.elderNames([]).isEmpty)
    }

    @Test func villagesAreInTheOrderOfTheirCodesWhoeverWasEnteredFirst() throws {
        // Given 西村 (code …002) whose elder was entered before 东村's (…001)
        let f = try Fixture()
        _ = try f.ledger.saveElder(f.elder("李四", village: f.village2), by: nil, today: f.today)
        _ = try f.ledger.saveElder(f.elder("张三", village: f.village1), by: nil, today: f.today)
        let month = f.today.yearMonth
        // Then the report lists 东村 first, as the reference does
        let report = try f.ledger.monthlyReport(month: month)
        #expect(report.villages.map(\.villageID) == [f.village1.id, f.village2.id])
        #expect(try f.ledger.monthlyReportReference(month: month) == report)
    }
}

@Suite("Follow-ups in a past month's report")
struct PastMonthFollowUpTests {
    static func t(_ text: String) -> LocalDateTime { LocalDateTime(text)! }

    @Test func aPastMonthKeepsItsOverdueWhenClosedLaterAndCancellationsAreNotDone() throws {
        // Given an elder with a follow-up opened in September, due in October, still open at the end of
        // October; and another opened and cancelled in October
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("张三", village: f.village1), by: nil, today: f.today)
        let through = FollowUp(elderID: elder.id, type: .benefitApplication, openedAt: Self.t("2026-09-25 10:00"),
                               due: Self.t("2026-10-25 10:00"))
        let cancelled = FollowUp(elderID: elder.id, type: .revisit, openedAt: Self.t("2026-10-02 10:00"),
                                 due: Self.t("2026-10-09 10:00"))
        try f.ledger.updateFollowUp(through, by: nil, today: f.today)
        try f.ledger.updateFollowUp(cancelled, by: nil, today: f.today)
        try f.ledger.closeFollowUp(id: cancelled.id, closing: ClosingRecord(action: "老人已迁出", at: Self.t("2026-10-20 09:00"), by: "村委"),
                                   status: .cancelled, by: nil, today: f.today)
        let october = YearMonth(year: 2026, month: 10)!
        let before = try f.ledger.monthlyReport(month: october)
        #expect(before.followUps.openPastDue == 1)
        #expect(before.followUps.closed == 0 && before.followUps.cancelled == 1)
        #expect(before.followUps.medianHoursToClose == nil)
        // When the September one is done in November
        try f.ledger.closeFollowUp(id: through.id, closing: ClosingRecord(action: "已申请", at: Self.t("2026-11-12 09:00"), by: "村委"),
                                   by: nil, today: f.today)
        // Then October's report is unchanged, read either way; November counts it done late
        let after = try f.ledger.monthlyReport(month: october)
        #expect(after.followUps == before.followUps)
        #expect(try f.ledger.monthlyReportReference(month: october).followUps == before.followUps)
        let november = try f.ledger.monthlyReport(month: YearMonth(year: 2026, month: 11)!)
        #expect(november.followUps.closed == 1 && november.followUps.openPastDue == 1)
    }
}

@Suite("Last visits as of a day")
struct LastVisitAsOfTests {
    @Test func theLastCountedVisitOnOrBeforeTheDay() throws {
        // Given 张三 visited 10-06 and 11-20, with a home visit on 10-20 that did not find her
        let f = try Fixture()
        let zhang = try f.ledger.saveElder(f.elder("张三"), by: nil, today: f.today)
        let li = try f.ledger.saveElder(f.elder("李四"), by: nil, today: f.today)
        _ = try f.ledger.saveVisit(f.visit(zhang, on: LocalDate(year: 2026, month: 10, day: 6)!), by: nil, today: f.today)
        _ = try f.ledger.saveVisit(f.visit(zhang, on: LocalDate(year: 2026, month: 11, day: 20)!), by: nil, today: f.today)
        var missed = f.visit(zhang, on: LocalDate(year: 2026, month: 10, day: 20)!)
        missed.seenInPerson = false
        missed.answers = [:]
        _ = try f.ledger.saveVisit(missed, by: nil, today: f.today)
        // When asked as of October's end / Then 10-06 (not 11-20, not the attempt); 李四 has none
        let dates = try f.ledger.lastVisitDates(of: [zhang.id, li.id], onOrBefore: LocalDate(year: 2026, month: 10, day: 31)!)
        #expect(dates == [zhang.id: LocalDate(year: 2026, month: 10, day: 6)!])
        #expect(try f.ledger.lastVisitDates(of: [zhang.id], onOrBefore: f.today)[zhang.id] == LocalDate(year: 2026, month: 11, day: 20)!)
    }
}
