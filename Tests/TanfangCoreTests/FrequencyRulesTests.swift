import Foundation
import Testing
@testable import TanfangCore

private func d(_ text: String) -> LocalDate { LocalDate(text)! }

private let village = UUID()

private func elder(_ categories: Set<Category> = [], history: [(String, ElderStatus)] = [("2020-01-01", .active)],
                   villageID: UUID = village) -> Elder {
    Elder(name: "王秀英", villageID: villageID, categories: categories,
          statusHistory: history.map { StatusChange(date: d($0.0), status: $0.1) })
}

@Suite struct FrequencyRulesTests {
    let rules: FrequencyRules

    init() throws {
        rules = try FrequencyRules.load(resources: ResourceLocator.sourceCheckout)
    }

    private func due(_ e: Elder, risk: RiskLevel = .low, last: String?, home: String? = nil,
                     periods: [SpecialPeriod] = [], today: String) -> (visit: LocalDate?, homeVisit: LocalDate?) {
        rules.nextDue(for: e, risk: risk, lastVisit: last.map(d), lastHomeVisit: home.map(d),
                      periods: periods, today: d(today))
    }

    @Test func monthEndsAndYearBoundary() {
        // Given an ordinary active elder, when the last visit falls on various month ends,
        // then the next visit is due on the last day of the following month.
        let e = elder()
        #expect(due(e, last: "2026-01-31", today: "2026-02-01").visit == d("2026-02-28"))
        #expect(due(e, last: "2024-01-31", today: "2024-02-01").visit == d("2024-02-29"))
        #expect(due(e, last: "2026-12-01", today: "2026-12-02").visit == d("2027-01-31"))
        #expect(due(e, last: "2026-03-01", today: "2026-03-02").visit == d("2026-04-30"))
        // Ordinary elders have no home-visit requirement.
        #expect(due(e, last: "2026-03-01", today: "2026-03-02").homeVisit == nil)
    }

    @Test func neverVisitedIsDueAtEndOfActivationMonth() {
        // Given an elder put on the register mid-month and never visited
        let e = elder(history: [("2026-03-17", .active)])
        // Then the first visit is due by the end of that month
        #expect(due(e, last: nil, today: "2026-03-18").visit == d("2026-03-31"))
        // And before the activation date the elder is not on the register
        #expect(due(e, last: nil, today: "2026-03-10").visit == nil)
    }

    @Test func statusChangesMidMonth() {
        // Given an elder visited in January, hospitalized on 5 Feb
        let hospitalized = elder(history: [("2020-01-01", .active), ("2026-02-05", .hospitalized)])
        // Then no visit is due while inactive
        let inactive = due(hospitalized, last: "2026-01-10", today: "2026-02-20")
        #expect(inactive.visit == nil && inactive.homeVisit == nil)
        // When the elder rejoins on 10 March, the old January visit no longer anchors the due date:
        // the first visit is due by the end of the rejoin month.
        let rejoined = elder(history: [("2020-01-01", .active), ("2026-02-05", .hospitalized), ("2026-03-10", .active)])
        #expect(due(rejoined, last: "2026-01-10", today: "2026-03-12").visit == d("2026-03-31"))
        // And a visit after rejoining anchors as usual.
        #expect(due(rejoined, last: "2026-03-11", today: "2026-03-12").visit == d("2026-04-30"))
        // A deceased elder never has a due date.
        let dead = elder(history: [("2020-01-01", .active), ("2026-03-02", .deceased)])
        #expect(due(dead, last: "2026-03-01", today: "2026-03-05").visit == nil)
    }

    @Test func disabledNeedsHomeVisit() {
        // Given a disabled elder phoned on 20 March but last visited at home in January
        let e = elder([.disabled])
        let r = due(e, last: "2026-03-20", home: "2026-01-15", today: "2026-03-21")
        // Then the phone call moves the visit due date, but the home visit was due by the end of February
        #expect(r.visit == d("2026-04-30"))
        #expect(r.homeVisit == d("2026-02-28"))
        // And the summary counts the elder overdue
        let summary = ElderSummary(elderID: e.id, nextDue: r.visit, homeVisitDue: r.homeVisit,
                                   risk: RiskAssessment(level: .low, score: 0, reasons: []), computedOn: d("2026-03-21"))
        #expect(summary.dueState(today: d("2026-03-21")) == .overdue)
        // Severely disabled (重残) elders too; never home-visited counts from activation.
        let severe = elder([.severelyDisabled], history: [("2026-03-05", .active)])
        #expect(due(severe, last: "2026-03-06", today: "2026-03-07").homeVisit == d("2026-03-31"))
    }

    @Test func strictestRuleWins() {
        // Given a disabled elder last visited on 31 Jan: monthly by category
        let e = elder([.disabled])
        #expect(due(e, risk: .medium, last: "2026-01-31", today: "2026-02-01").visit == d("2026-02-28"))
        // When the elder is high risk, the 15-day rule is stricter and wins
        #expect(due(e, risk: .high, last: "2026-01-31", today: "2026-02-01").visit == d("2026-02-15"))
        // And the home-visit requirement stays monthly
        #expect(due(e, risk: .high, last: "2026-01-31", home: "2026-01-31", today: "2026-02-01").homeVisit == d("2026-02-28"))
    }

    @Test func inMemoryRulesStrictestAmongSeveral() {
        // Given two rules that both apply, the earliest date wins regardless of order
        let r = FrequencyRules(default: .calendarMonth, rules: [
            FrequencyRule(categories: [.livingAlone], interval: .days(20)),
            FrequencyRule(categories: [.destitute], interval: .days(10)),
        ])
        let e = elder([.livingAlone, .destitute])
        let got = r.nextDue(for: e, risk: .low, lastVisit: d("2026-05-01"), lastHomeVisit: nil,
                            periods: [], today: d("2026-05-02"))
        #expect(got.visit == d("2026-05-11"))
        // A rule looser than the default replaces it only where it applies
        let loose = FrequencyRules(default: .days(5), rules: [FrequencyRule(categories: [.emptyNest], interval: .days(60))])
        #expect(loose.nextDue(for: elder([.emptyNest]), risk: .low, lastVisit: d("2026-05-01"), lastHomeVisit: nil,
                              periods: [], today: d("2026-05-02")).visit == d("2026-06-30"))
        #expect(loose.nextDue(for: elder([.leftBehind]), risk: .low, lastVisit: d("2026-05-01"), lastHomeVisit: nil,
                              periods: [], today: d("2026-05-02")).visit == d("2026-05-06"))
    }

    @Test func epidemicDailyVisitsForDestituteOnly() {
        // Given an epidemic period requiring daily visits to destitute elders
        let epidemic = SpecialPeriod(name: "疫情防控", kind: .epidemic, from: d("2026-02-01"), to: d("2026-02-20"),
                                     intervalDays: 1, categories: [.destitute])
        // When a destitute elder was visited on 10 Feb, then the next visit is due on 11 Feb
        #expect(due(elder([.destitute]), last: "2026-02-10", periods: [epidemic], today: "2026-02-10").visit == d("2026-02-11"))
        // And an elder in another category keeps the monthly rule
        #expect(due(elder([.emptyNest]), last: "2026-02-10", periods: [epidemic], today: "2026-02-10").visit == d("2026-03-31"))
        // Once the period has ended it no longer applies
        #expect(due(elder([.destitute]), last: "2026-02-20", periods: [epidemic], today: "2026-02-21").visit == d("2026-03-31"))
    }

    @Test func futurePeriodDoesNotTightenToday() {
        // Given a cold wave starting 1 Feb and an elder visited on 14 Jan
        let cold = SpecialPeriod(name: "寒潮", kind: .coldWave, from: d("2026-02-01"), to: d("2026-02-10"),
                                 intervalDays: 3, categories: [])
        let r = due(elder(), last: "2026-01-14", periods: [cold], today: "2026-01-15")
        // Then the visit is due when the period starts, not three days after the last visit
        #expect(r.visit == d("2026-02-01"))
        let summary = ElderSummary(elderID: UUID(), nextDue: r.visit,
                                   risk: RiskAssessment(level: .low, score: 0, reasons: []), computedOn: d("2026-01-15"))
        #expect(summary.dueState(today: d("2026-01-15")) == .ok)
        // And a period starting after the normal due date does not change it
        let later = SpecialPeriod(name: "春节", kind: .festival, from: d("2026-03-05"), to: d("2026-03-10"),
                                  intervalDays: 2, categories: [])
        #expect(due(elder(), last: "2026-01-14", periods: [later], today: "2026-01-15").visit == d("2026-02-28"))
    }

    @Test func periodForAnotherVillageDoesNotApply() {
        // Given a heat wave declared for another village only
        let heat = SpecialPeriod(name: "高温", kind: .heatWave, from: d("2026-07-01"), to: d("2026-07-31"),
                                 intervalDays: 7, categories: [], villageIDs: [UUID()])
        // Then our elder keeps the monthly rule, while an elder of that village is tightened
        #expect(due(elder(), last: "2026-07-02", periods: [heat], today: "2026-07-03").visit == d("2026-08-31"))
        let there = elder(villageID: heat.villageIDs.first!)
        #expect(due(there, last: "2026-07-02", periods: [heat], today: "2026-07-03").visit == d("2026-07-09"))
    }

    @Test func badDataNamesTheFile() throws {
        // Given a resources folder whose frequency file has a zero-day interval
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-freq-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"default": "calendarMonth", "rules": [{"interval": {"days": 0}}]}"#.utf8)
            .write(to: dir.appendingPathComponent(FrequencyRules.file))
        // Then loading fails with an error naming the file
        #expect {
            try FrequencyRules.load(resources: dir)
        } throws: { error in
            String(describing: error).contains("frequency.json")
        }
    }

    @Test func aPeriodIsInForceForTheVillagesAScopeSees() {
        // Given a cold wave from 1 to 10 Feb in one village
        let village = UUID(), other = UUID()
        let cold = SpecialPeriod(name: "寒潮", kind: .coldWave, from: d("2026-02-01"), to: d("2026-02-10"),
                                 intervalDays: 3, villageIDs: [village])
        // Then it is in force on its days, for everyone and for that village's clerk, not another village's
        #expect(cold.inForce(on: d("2026-02-01"), within: .everything))
        #expect(cold.inForce(on: d("2026-02-10"), within: AccessScope(villageIDs: [village, other])))
        #expect(!cold.inForce(on: d("2026-02-05"), within: AccessScope(villageIDs: [other])))
        #expect(!cold.inForce(on: d("2026-01-31"), within: .everything) && !cold.inForce(on: d("2026-02-11"), within: .everything))
        // And a period for every village reaches every scope
        var everywhere = cold
        everywhere.villageIDs = []
        #expect(everywhere.inForce(on: d("2026-02-05"), within: AccessScope(villageIDs: [other])))
    }

    @Test func aPeriodFor高龄CoversEldersEightyOrOlderWhenItBegins() {
        // Given a cold wave from 1 Feb for 高龄 elders only
        let cold = SpecialPeriod(name: "寒潮", kind: .coldWave, from: d("2026-02-01"), to: d("2026-02-10"),
                                 intervalDays: 3, advancedAge: true)
        func born(_ date: String, _ categories: Set<TanfangCore.Category> = []) -> Elder {
            var e = elder(categories)
            e.birthDate = d(date)
            return e
        }
        // Then an elder 80 on its first day is covered, one 80 only a day later is not, nor one without a birth date
        #expect(cold.covers(born("1946-02-01")))
        #expect(!cold.covers(born("1946-02-02")))
        var unknown = elder([])
        unknown.birthDate = nil
        #expect(!cold.covers(unknown))
        // And with a category too, either one is enough
        var both = cold
        both.categories = [.livingAlone]
        #expect(both.covers(born("1950-01-01", [.livingAlone])) && both.covers(born("1940-01-01")))
        #expect(!both.covers(born("1950-01-01", [.emptyNest])))
    }
}
