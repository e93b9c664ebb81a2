import Foundation
import Testing
import TanfangCore
@testable import TanfangStore

@Suite("Ledger reads")
struct LedgerReadTests {
    /// 王秀英 (east, 82, living alone, with ID and phone), 李桂兰 (east, 70, disabled),
    /// 张建国 (west, 75, visitor2).
    struct Roster {
        let f: Fixture
        let wang: Elder
        let li: Elder
        let zhang: Elder
        let wangID = Fixture.idNumber(born: "19440315", sequence: "246")

        init() throws {
            f = try Fixture()
            wang = try f.ledger.saveElder(
                f.elder("王秀英", born: LocalDate(year: 1944, month: 3, day: 15), idNumber: wangID,
                        phone: "139-0991-4321", categories: [.livingAlone]), by: nil, today: f.today)
            li = try f.ledger.saveElder(
                f.elder("李桂兰", born: LocalDate(year: 1956, month: 6, day: 1), categories: [.disabled]),
                by: nil, today: f.today)
            zhang = try f.ledger.saveElder(
                f.elder("张建国", village: f.village2, born: LocalDate(year: 1951, month: 1, day: 1), visitor: f.visitor2),
                by: nil, today: f.today)
        }

        func names(_ q: RosterQuery) throws -> [String] {
            try f.ledger.roster(q).rows.map(\.elder.name)
        }
    }

    @Test("Search matches name, pinyin initials, full pinyin, ID tail and phone tail", arguments: [
        "王秀英", "秀英", "wxy", "WXY", "xy", "wangxiuying", "wang xiu ying", "xiuying",
    ])
    func searchFindsWang(text: String) throws {
        let r = try Roster()
        #expect(try r.names(RosterQuery(search: text, today: r.f.today)) == ["王秀英"])
    }

    @Test("Digits search the ends of ID numbers and phones")
    func digitSearch() throws {
        let r = try Roster()
        // Given 王秀英's ID number, When searching its last 4 or 6 characters, Then she is found
        #expect(try r.names(RosterQuery(search: String(r.wangID.suffix(4)), today: r.f.today)) == ["王秀英"])
        #expect(try r.names(RosterQuery(search: String(r.wangID.suffix(6)), today: r.f.today)) == ["王秀英"])
        #expect(try r.names(RosterQuery(search: String(r.wangID.suffix(10)), today: r.f.today)) == ["王秀英"])
        // And the phone's last digits (typed without the dashes) find her
        #expect(try r.names(RosterQuery(search: "4321", today: r.f.today)) == ["王秀英"])
        // And the middle of a number does not
        #expect(try r.names(RosterQuery(search: "0991", today: r.f.today)).isEmpty)
    }

    @Test("Filters run in SQL: village, category, 高龄, risk and page")
    func filters() throws {
        let r = try Roster()
        let today = r.f.today
        #expect(try r.names(RosterQuery(villageID: r.f.village2.id, today: today)) == ["张建国"])
        #expect(try r.names(RosterQuery(category: .disabled, today: today)) == ["李桂兰"])
        #expect(try r.names(RosterQuery(advancedAgeOnly: true, today: today)) == ["王秀英"])
        // 高龄 turns on the 80th birthday, not before
        // (李桂兰 was born 1956-06-01)
        let eve = LocalDate(year: 2036, month: 5, day: 31)!
        #expect(try r.names(RosterQuery(advancedAgeOnly: true, sort: .name, today: eve)) == ["王秀英", "张建国"])
        #expect(try r.names(RosterQuery(advancedAgeOnly: true, sort: .name, today: eve.adding(days: 1)))
                == ["李桂兰", "王秀英", "张建国"])
        // Paging keeps the total
        let page = try r.f.ledger.roster(RosterQuery(sort: .name, limit: 2, offset: 1, today: today))
        #expect(page.total == 3)
        #expect(page.rows.map(\.elder.name) == ["王秀英", "张建国"])
        // Risk filter agrees with the stored summary
        let risks = try r.f.ledger.roster(RosterQuery(today: today)).rows.map(\.summary.risk.level)
        for level in RiskLevel.allCases {
            #expect(try r.f.ledger.roster(RosterQuery(risk: level, today: today)).total
                    == risks.filter { $0 == level }.count)
        }
    }

    @Test("Sorting by name uses pinyin; by age puts the oldest first")
    func sorting() throws {
        let r = try Roster()
        #expect(try r.names(RosterQuery(sort: .name, today: r.f.today)) == ["李桂兰", "王秀英", "张建国"])
        #expect(try r.names(RosterQuery(sort: .name, descending: true, today: r.f.today)) == ["张建国", "王秀英", "李桂兰"])
        #expect(try r.names(RosterQuery(sort: .age, descending: true, today: r.f.today)) == ["王秀英", "张建国", "李桂兰"])
        #expect(try r.f.ledger.roster(RosterQuery(sort: .village, today: r.f.today)).rows.map(\.villageName)
                == ["东村", "东村", "西村"])
    }

    @Test("The due filter agrees with ElderSummary.dueState for every elder")
    func dueFilterMatchesSummary() throws {
        // Given one elder visited today, one visited long ago, one never visited
        let r = try Roster()
        let today = r.f.today
        try r.f.ledger.saveVisit(r.f.visit(r.wang), by: nil, today: today)
        try r.f.ledger.saveVisit(r.f.visit(r.zhang, on: today.adding(days: -29)), by: nil, today: today)
        let all = try r.f.ledger.roster(RosterQuery(status: nil, today: today)).rows
        // Then each due filter returns exactly the elders whose summary says so
        for state in DueState.allCases {
            let expected = Set(all.filter { $0.summary.dueState(today: today) == state }.map(\.elder.id))
            let got = Set(try r.f.ledger.roster(RosterQuery(due: state, status: nil, today: today)).rows.map(\.elder.id))
            #expect(got == expected, "due state \(state)")
        }
        // And the nextDue sort puts the most urgent first
        let byDue = try r.f.ledger.roster(RosterQuery(sort: .nextDue, today: today)).rows
        let dues = byDue.compactMap { [$0.summary.nextDue, $0.summary.homeVisitDue].compactMap { $0 }.min() }
        #expect(dues == dues.sorted())
    }

    @Test("Scope per role: grid worker, clerk, supervisor")
    func scopes() throws {
        let r = try Roster()
        let f = r.f
        let gridWorker = User(name: "网格员", role: .gridWorker, areaID: f.grid1.id, visitorID: f.visitor1.id, pinHash: "")
        let orphanGrid = User(name: "网格员2", role: .gridWorker, areaID: f.village1.id, pinHash: "")
        let clerk = User(name: "文书", role: .clerk, areaID: f.village2.id, pinHash: "")
        let supervisor = User(name: "街道", role: .supervisor, areaID: f.township.id, pinHash: "")
        let admin = User(name: "管理员", role: .admin, areaID: f.county.id, pinHash: "")

        #expect(try f.ledger.scope(for: gridWorker) == AccessScope(villageIDs: [f.village1.id], visitorID: f.visitor1.id))
        #expect(try f.ledger.scope(for: clerk) == AccessScope(villageIDs: [f.village2.id]))
        #expect(try f.ledger.scope(for: supervisor) == AccessScope(villageIDs: [f.village1.id, f.village2.id]))
        #expect(try f.ledger.scope(for: admin) == AccessScope(villageIDs: [f.village1.id, f.village2.id]))

        func visible(_ user: User) throws -> [String] {
            try r.names(RosterQuery(scope: try f.ledger.scope(for: user), sort: .name, today: f.today))
        }
        #expect(try visible(gridWorker) == ["李桂兰", "王秀英"])
        #expect(try visible(orphanGrid).isEmpty)
        #expect(try visible(clerk) == ["张建国"])
        #expect(try visible(supervisor) == ["李桂兰", "王秀英", "张建国"])
    }

    @Test("A village list holding every village is read as no village limit; a partial one is kept")
    func scopeCoveringEveryVillage() throws {
        // Given a ledger with two villages
        let f = try Roster().f
        // When the scope lists both, or only one
        let both = AccessScope(villageIDs: [f.village1.id, f.village2.id])
        let one = AccessScope(villageIDs: [f.village2.id])
        let gridWorker = AccessScope(villageIDs: [f.village1.id, f.village2.id], visitorID: f.visitor1.id)
        let none = AccessScope(villageIDs: [])
        let simplified = try f.ledger.read { db throws -> [AccessScope] in
            try [both, one, gridWorker, none].map { try Ledger.simplified($0, db) }
        }
        // Then only the village list covering the ledger is dropped, the visitor limit stays
        #expect(simplified == [.everything, one, AccessScope(villageIDs: nil, visitorID: f.visitor1.id), none])
    }

    @Test("Follow-up queue: scoped, open first, earliest due first")
    func followUpQueue() throws {
        let r = try Roster()
        let f = r.f
        let today = f.today
        // Given an emergency (due in 24 h) for 王秀英 and a hazard for 张建国
        try f.ledger.saveVisit(f.visit(r.wang, answers: [FieldCode.emergency: .yesNo(true)]), by: nil, today: today)
        try f.ledger.saveVisit(f.visit(r.zhang, on: today.adding(days: -10), answers: [FieldCode.hasHazard: .yesNo(true)]),
                               by: nil, today: today)
        let now = LocalDateTime(date: today, hour: 12, minute: 0)!

        // Then the overdue hazard comes before the emergency due tomorrow
        let rows = try f.ledger.followUps(FollowUpQuery(), now: now)
        #expect(rows.map(\.elderName) == ["张建国", "王秀英"])
        #expect(rows.map(\.followUp.type) == [.hazardRectification, .emergency])
        #expect(rows[0].ownerName == "李志愿")
        #expect(rows[0].villageName == "西村")
        // And scope and filters apply
        let east = try f.ledger.followUps(FollowUpQuery(scope: AccessScope(villageIDs: [f.village1.id])), now: now)
        #expect(east.map(\.elderName) == ["王秀英"])
        #expect(try f.ledger.followUps(FollowUpQuery(type: .emergency), now: now).count == 1)
        #expect(try f.ledger.followUps(FollowUpQuery(ownerID: f.visitor2.id), now: now).map(\.elderName) == ["张建国"])

        // And closed ones appear only when asked for, after the open ones
        let closing = ClosingRecord(action: "已送医", at: now, by: "张网格")
        try f.ledger.closeFollowUp(id: rows[1].followUp.id, closing: closing, by: nil, today: today)
        #expect(try f.ledger.followUps(FollowUpQuery(), now: now).count == 1)
        let all = try f.ledger.followUps(FollowUpQuery(includeClosed: true), now: now)
        #expect(all.map(\.followUp.status) == [.open, .done])
    }

    @Test("The elder file gathers visits newest first and the visitors' names")
    func elderFile() throws {
        let r = try Roster()
        let f = r.f
        let older = f.visit(r.wang, on: f.today.adding(days: -20))
        var newer = f.visit(r.wang, on: f.today.adding(days: -1), method: .phone)
        newer.visitorIDs = [f.visitor2.id]
        try f.ledger.saveVisit(older, by: nil, today: f.today)
        try f.ledger.saveVisit(newer, by: nil, today: f.today)
        let file = try #require(try f.ledger.elderFile(id: r.wang.id))
        #expect(file.visits.map(\.id) == [newer.id, older.id])
        #expect(file.visits[0] == newer)
        #expect(file.village == f.village1)
        #expect(file.visitor == f.visitor1)
        #expect(file.visitorNames == [f.visitor1.id: "张网格", f.visitor2.id: "李志愿"])
        #expect(try f.ledger.elderFile(id: UUID()) == nil)
    }

    @Test("Monthly report and visit facts read only the month's visits")
    func monthly() throws {
        let r = try Roster()
        let f = r.f
        try f.ledger.saveVisit(f.visit(r.wang, on: LocalDate(year: 2026, month: 11, day: 2)!), by: nil, today: f.today)
        try f.ledger.saveVisit(f.visit(r.li, on: LocalDate(year: 2026, month: 10, day: 30)!), by: nil, today: f.today)
        let month = YearMonth(year: 2026, month: 11)!
        #expect(try f.ledger.visitFacts(month: month).map(\.elderID) == [r.wang.id])
        let report = try f.ledger.monthlyReport(month: month)
        #expect(report.total.denominator == 3)
        #expect(report.total.visited == 1)
        #expect(Set(report.notVisited) == [r.li.id, r.zhang.id])
    }

    @Test("Red flags come from the Core engine over the stored ledger")
    func redFlags() throws {
        // Given an elder with no ID number and never visited for almost two years
        let r = try Roster()
        let flags = try r.f.ledger.redFlags(today: r.f.today, now: LocalDateTime(date: r.f.today, hour: 12, minute: 0)!)
        // Then the missing ID and overdue visits are flagged for the right elders
        #expect(flags.contains { $0.kind == .missingIDNumber && $0.elderID == r.li.id })
        #expect(!flags.contains { $0.kind == .missingIDNumber && $0.elderID == r.wang.id })
        #expect(flags.contains { $0.kind == .overdueVisit && $0.elderID == r.wang.id })
    }

    @Test("Places, visitors and users read back as saved")
    func lists() throws {
        let f = try Fixture()
        #expect(try f.ledger.places().map(\.level) == [.county, .township, .village, .village, .grid])
        #expect(Set(try f.ledger.visitors()) == [f.visitor1, f.visitor2])
        let u = try f.ledger.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        #expect(try f.ledger.users() == [u])
        #expect(try f.ledger.user(named: "文书") == u)
    }
}
