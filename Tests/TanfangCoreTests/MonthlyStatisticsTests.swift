import Foundation
import Testing
@testable import TanfangCore

@Suite struct MonthlyStatisticsTests {
    static let november = YearMonth(year: 2026, month: 11)!
    static let village = UUID()

    static func d(_ text: String) -> LocalDate { LocalDate(text)! }
    static func t(_ text: String) -> LocalDateTime { LocalDateTime(text)! }

    static func elder(_ name: String, village: UUID = village, birth: LocalDate? = d("1950-01-01"),
                      categories: Set<Category> = [], _ history: [(String, ElderStatus)] = [("2025-01-01", .active)]) -> Elder {
        Elder(name: name, birthDate: birth, villageID: village, categories: categories,
              statusHistory: history.map { StatusChange(date: d($0.0), status: $0.1) })
    }

    static func visit(_ e: Elder, _ date: String, _ method: VisitMethod = .home) -> VisitFact {
        VisitFact(elderID: e.id, date: d(date), method: method)
    }

    static func report(_ elders: [Elder], _ visits: [VisitFact], month: YearMonth = november,
                       followUps: [FollowUp] = []) -> MonthlyReport {
        MonthlyStatistics.compute(month: month, elders: elders, visits: visits, followUps: followUps)
    }

    @Test func denominatorFollowsStatusChanges() {
        // Given elders whose status changes during November
        let diedUnvisited = Self.elder("甲", [("2025-01-01", .active), ("2026-11-10", .deceased)])
        let diedVisited = Self.elder("乙", [("2025-01-01", .active), ("2026-11-10", .deceased)])
        let diedVisitedAfter = Self.elder("丙", [("2025-01-01", .active), ("2026-11-10", .deceased)])
        let joined = Self.elder("丁", [("2026-11-20", .active)])
        let hospitalMonth = Self.elder("戊", [("2025-01-01", .active), ("2026-10-15", .hospitalized)])
        let hospitalMid = Self.elder("己", [("2025-01-01", .active), ("2026-11-10", .hospitalized),
                                            ("2026-11-21", .active)])
        let regular = Self.elder("庚")
        let elders = [diedUnvisited, diedVisited, diedVisitedAfter, joined, hospitalMonth, hospitalMid, regular]
        let visits = [
            Self.visit(diedVisited, "2026-11-05"),
            Self.visit(diedVisitedAfter, "2026-11-12"),   // after death: no credit
            Self.visit(hospitalMonth, "2026-11-05", .phone), // while hospitalised
            Self.visit(hospitalMid, "2026-11-15", .phone),   // while hospitalised
            Self.visit(regular, "2026-10-31"),              // previous month
            Self.visit(regular, "2026-12-01"),              // next month
        ]
        // When computing November
        let r = Self.report(elders, visits)
        // Then: diedVisited (visited), joined, hospitalMid and regular are counted; only diedVisited was visited
        #expect(r.total.denominator == 4)
        #expect(r.total.visited == 1)
        #expect(r.total.rate == 0.25)
        #expect(r.notVisited == [joined.id, hospitalMid.id, regular.id])
    }

    @Test func leapYearFebruary() {
        // Given February 2024, with a visit on the 29th and an elder joining on the 29th
        let feb = YearMonth(year: 2024, month: 2)!
        let a = Self.elder("甲", [("2020-01-01", .active)])
        let b = Self.elder("乙", [("2024-02-29", .active)])
        let c = Self.elder("丙", [("2024-03-01", .active)])
        let r = Self.report([a, b, c], [Self.visit(a, "2024-02-29")], month: feb)
        // Then the 29th belongs to February: a visited, b counted but unvisited, c not yet registered
        #expect(r.total.denominator == 2)
        #expect(r.total.visited == 1)
        #expect(r.notVisited == [b.id])
    }

    @Test func lateEveningVisitOnLastDay() {
        // Given a visit typed as 23:30 on 30 November and one at 00:10 on 1 December
        let a = Self.elder("甲"), b = Self.elder("乙")
        let late = Visit(elderID: a.id, at: Self.t("2026-11-30 23:30"), visitorIDs: [], method: .home, seenInPerson: true)
        let early = Visit(elderID: b.id, at: Self.t("2026-12-01 00:10"), visitorIDs: [], method: .home, seenInPerson: true)
        let r = Self.report([a, b], [VisitFact(late), VisitFact(early)])
        // Then only the 23:30 visit counts for November
        #expect(r.total.visited == 1)
        #expect(r.notVisited == [b.id])
    }

    @Test func villageRatesInOrderOfFirstAppearance() {
        let v1 = UUID(), v2 = UUID(), v3 = UUID()
        let a = Self.elder("甲", village: v2), b = Self.elder("乙", village: v1), c = Self.elder("丙", village: v2)
        let gone = Self.elder("丁", village: v3, [("2025-01-01", .active), ("2026-01-01", .movedAway)])
        let r = Self.report([a, b, c, gone], [Self.visit(a, "2026-11-03"), Self.visit(b, "2026-11-04")])
        #expect(r.villages.map(\.villageID) == [v2, v1, v3])
        #expect(r.villages[0].denominator == 2)
        #expect(r.villages[0].visited == 1)
        #expect(r.villages[0].rate == 0.5)
        #expect(r.villages[1].rate == 1.0)
        // A village with nobody to visit has rate 1.0 by definition
        #expect(r.villages[2].denominator == 0)
        #expect(r.villages[2].rate == 1.0)
    }

    @Test func categoryBreakdown() {
        // Given a disabled elder turning 80 on the last day, and one turning 80 a day later
        let turns80 = Self.elder("甲", birth: Self.d("1946-11-30"), categories: [.disabled, .livingAlone])
        let turns80Later = Self.elder("乙", birth: Self.d("1946-12-01"), categories: [.livingAlone])
        let noBirth = Self.elder("丙", birth: nil, categories: [.destitute])
        let r = Self.report([turns80, turns80Later, noBirth], [Self.visit(turns80Later, "2026-11-02")])
        func row(_ code: String) -> CategoryRate { r.byCategory.first { $0.category == code }! }
        // Then each elder counts in each of their categories; 高龄 judged on 30 November
        #expect(row("livingAlone").denominator == 2)
        #expect(row("livingAlone").visited == 1)
        #expect(row("disabled").denominator == 1)
        #expect(row("disabled").visited == 0)
        #expect(row("destitute").denominator == 1)
        #expect(row(CategoryRate.advancedAge).denominator == 1)
        #expect(row(CategoryRate.advancedAge).visited == 0)
        #expect(row("emptyNest").denominator == 0)
        #expect(r.byCategory.map(\.category) == Category.allCases.map(\.rawValue) + ["advancedAge"])
    }

    @Test func methodBreakdown() {
        let a = Self.elder("甲"), b = Self.elder("乙")
        let visits = [Self.visit(a, "2026-11-02"), Self.visit(a, "2026-11-16"), Self.visit(b, "2026-11-03"),
                      Self.visit(a, "2026-11-10", .phone), Self.visit(b, "2026-10-30", .phone),
                      VisitFact(elderID: UUID(), date: Self.d("2026-11-05"), method: .video)]
        let r = Self.report([a, b], visits)
        func row(_ m: VisitMethod) -> MethodCount { r.byMethod.first { $0.method == m }! }
        #expect(row(.home).visits == 3)
        #expect(row(.home).elders == 2)
        #expect(row(.phone).visits == 1)
        #expect(row(.phone).elders == 1)
        // The video visit belongs to an elder outside the list
        #expect(row(.video).visits == 0)
        #expect(r.byMethod.map(\.method) == VisitMethod.allCases)
    }

    static func closed(_ e: Elder, opened: String, closed: String, due: String = "2026-12-31 00:00") -> FollowUp {
        FollowUp(elderID: e.id, type: .referral, openedAt: t(opened), due: t(due), status: .done,
                 closing: ClosingRecord(action: "已处理", at: t(closed), by: "村委"))
    }

    @Test func medianHoursToCloseOddAndEven() {
        let e = Self.elder("甲")
        let odd = [Self.closed(e, opened: "2026-11-01 08:00", closed: "2026-11-01 10:00"),    // 2 h
                   Self.closed(e, opened: "2026-11-02 08:00", closed: "2026-11-03 14:00"),    // 30 h
                   Self.closed(e, opened: "2026-11-04 08:00", closed: "2026-11-04 13:00")]    // 5 h
        #expect(Self.report([e], [], followUps: odd).followUps.medianHoursToClose == 5)
        let even = odd + [Self.closed(e, opened: "2026-10-31 20:00", closed: "2026-11-01 06:30")]  // 10.5 h
        #expect(Self.report([e], [], followUps: even).followUps.medianHoursToClose == 7.75)
        #expect(Self.report([e], [], followUps: []).followUps.medianHoursToClose == nil)
    }

    @Test func followUpCounts() {
        let e = Self.elder("甲")
        let fs = [
            // Opened and closed in time in November
            Self.closed(e, opened: "2026-11-01 08:00", closed: "2026-11-02 08:00", due: "2026-11-08 08:00"),
            // Opened in October, closed in November after its due: past due
            Self.closed(e, opened: "2026-10-20 08:00", closed: "2026-11-05 08:00", due: "2026-10-27 08:00"),
            // Open, due in November: past due
            FollowUp(elderID: e.id, type: .hazardRectification, openedAt: Self.t("2026-11-10 08:00"),
                     due: Self.t("2026-11-17 08:00")),
            // Open, due in December: not past due
            FollowUp(elderID: e.id, type: .hazardRectification, openedAt: Self.t("2026-11-28 08:00"),
                     due: Self.t("2026-12-05 08:00")),
            // Closed in December, but still open at the end of November and due then: past due
            Self.closed(e, opened: "2026-11-03 08:00", closed: "2026-12-02 08:00", due: "2026-11-10 08:00"),
            // Opened in December: nothing for November
            FollowUp(elderID: e.id, type: .revisit, openedAt: Self.t("2026-12-01 08:00"),
                     due: Self.t("2026-11-30 08:00")),
        ]
        let s = Self.report([e], [], followUps: fs).followUps
        #expect(s.opened == 4)
        #expect(s.closed == 2)
        #expect(s.openPastDue == 3)
        // Judged on 11-15 (November under way): the open one due 11-17 is not late yet, and the
        // one closed in December was open then and due 11-10: past due; the late closing stays.
        let midMonth = MonthlyStatistics.followUpStats(month: YearMonth(year: 2026, month: 11)!, followUps: fs,
                                                       now: Self.t("2026-11-15 12:00"))
        #expect(midMonth.openPastDue == 2)
        // A moment after the month changes nothing
        let after = MonthlyStatistics.followUpStats(month: YearMonth(year: 2026, month: 11)!, followUps: fs,
                                                    now: Self.t("2027-01-05 12:00"))
        #expect(after == s)
    }
}
